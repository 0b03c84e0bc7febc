// Which reclaim modes each dialect runs, and the error for one that does not fit.
import { AppError } from '../errors';
import type { Dialect } from '../targets/target-url';
import type { ReclaimMode } from '../schemas/reclaim';

const MODES: Record<Dialect, readonly ReclaimMode[]> = {
  postgres: ['full', 'vacuum', 'analyze'],
  mysql: ['optimize', 'analyze'],
};

const NAMES: Record<Dialect, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' };

/** What each mode runs, for labels. */
export const MODE_LABELS: Record<Dialect, Partial<Record<ReclaimMode, string>>> = {
  postgres: { full: 'VACUUM FULL (with ANALYZE)', vacuum: 'VACUUM (with ANALYZE)', analyze: 'ANALYZE' },
  mysql: { optimize: 'OPTIMIZE TABLE', analyze: 'ANALYZE TABLE' },
};

/** The modes a target of this dialect offers, the rewrite that gives disk back first. */
export function reclaimModes(dialect: Dialect): readonly ReclaimMode[] {
  return MODES[dialect];
}

/** The mode that gives the disk back on this dialect (the guided flow after a cleanup offers it). */
export function rewriteMode(dialect: Dialect): ReclaimMode {
  return MODES[dialect][0]!;
}

export function assertModeFits(dialect: Dialect, mode: ReclaimMode): void {
  if (MODES[dialect].includes(mode)) return;
  const other = (Object.keys(MODES) as Dialect[]).find((d) => MODES[d].includes(mode));
  throw new AppError(
    `mode "${mode}" is not available on ${NAMES[dialect]}${other ? ` (it is for ${NAMES[other]})` : ''}; use ${MODES[dialect].join(', ')}`,
    'input',
  );
}
