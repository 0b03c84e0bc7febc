// Which reclaim modes each dialect runs (from the dialect facts), and the error for one that does not fit.
import { AppError } from '../errors';
import { DIALECT_FACTS } from '../targets/dialect-facts';
import type { Dialect } from '../targets/target-url';
import type { ReclaimMode } from '../schemas/reclaim';

/** The modes a target of this dialect offers, the rewrite that gives disk back first. */
export function reclaimModes(dialect: Dialect): readonly ReclaimMode[] {
  return DIALECT_FACTS[dialect].reclaim.modes;
}

/** The mode that gives the disk back on this dialect (the guided flow after a cleanup offers it). */
export function rewriteMode(dialect: Dialect): ReclaimMode {
  return reclaimModes(dialect)[0]!;
}

export function assertModeFits(dialect: Dialect, mode: ReclaimMode): void {
  const modes = reclaimModes(dialect);
  if (modes.includes(mode)) return;
  const other = (Object.keys(DIALECT_FACTS) as Dialect[]).find((d) => reclaimModes(d).includes(mode));
  throw new AppError(
    `mode "${mode}" is not available on ${DIALECT_FACTS[dialect].name}${other ? ` (it is for ${DIALECT_FACTS[other].name})` : ''}; use ${modes.join(', ')}`,
    'input',
  );
}
