// The report as the target page's widgets read it: taken once per request
// (React cache), however many widgets ask for it.
import 'server-only';
import { cache } from 'react';
import { takeSpaceReport } from './take-space-report';

export const loadReport = cache((target: string) => takeSpaceReport(target));
