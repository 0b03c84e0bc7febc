// What each reclaim mode does, in a sentence, for the mode choice and the
// operation page. The lock details come from the preflight, not from here.
import type { Dialect } from '@/lib/targets/target-url';
import type { ReclaimMode } from '@/lib/schemas/reclaim';
import { MODE_LABELS, reclaimModes } from '@/lib/reclaim/modes';

const DESCRIPTION: Record<Dialect, Partial<Record<ReclaimMode, string>>> = {
  postgres: {
    full: 'Rewrites the table and its indexes into new files and gives the disk back. Reads and writes of the table wait while it runs.',
    vacuum: 'Marks dead rows reusable and refreshes statistics. Reads and writes go on; gives almost no disk back.',
    analyze: 'Refreshes the planner statistics only. Reads and writes go on.',
  },
  mysql: {
    optimize: 'Rebuilds the InnoDB table online and gives the disk back; exclusive locks only for a moment at the start and the end.',
    analyze: 'Refreshes index statistics and the sizes in the report. Writes wait for a moment.',
  },
};

export type ModeOption = { value: ReclaimMode; label: string; description: string };

export function modeOptions(dialect: Dialect): ModeOption[] {
  return reclaimModes(dialect).map((m) => ({ value: m, label: modeLabel(dialect, m), description: DESCRIPTION[dialect][m] ?? '' }));
}

export function modeLabel(dialect: Dialect, mode: ReclaimMode): string {
  return MODE_LABELS[dialect][mode] ?? mode;
}
