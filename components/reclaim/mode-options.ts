// What each reclaim mode does, in a sentence, for the mode choice and the
// operation page (from the dialect facts). The lock details come from the
// preflight, not from here.
import type { Dialect } from '@/lib/targets/target-url';
import type { ReclaimMode } from '@/lib/schemas/reclaim';
import { dialectFacts, modeLabel } from '@/lib/targets/dialect-facts';
import { reclaimModes } from '@/lib/reclaim/modes';

export type ModeOption = { value: ReclaimMode; label: string; description: string };

export function modeOptions(dialect: Dialect): ModeOption[] {
  return reclaimModes(dialect).map((m) => ({ value: m, label: modeLabel(dialect, m), description: dialectFacts(dialect).reclaim.descriptions[m] ?? '' }));
}
