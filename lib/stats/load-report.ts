// The report as the target page's widgets read it: taken once per request
// (React cache), however many widgets ask for it, then rendered when a render
// slot is free (see report-render-slots).
import 'server-only';
import { cache } from 'react';
import { takeSpaceReport } from './take-space-report';
import { reportRenderSlot } from './report-render-slots';

export const loadReport = cache(async (target: string) => {
  const outcome = await takeSpaceReport(target);
  // Only the render waits for a slot: a slow or unreachable database never holds one.
  await reportRenderSlot();
  return outcome;
});
