// How long the next range of a range walk (heap pages, primary keys) should be
// so that it holds about `size` expired rows. The density of expired rows is
// learned as the walk goes (the first pages of a session table are often older
// and more expired than the last), and the cursor carries it so a resumed run
// starts with it.

/** Ranges never scan more than this many rows' worth per requested row, so a stretch of live rows cannot make one batch huge. */
export const MAX_SCAN_FACTOR = 20;

/** A range at most this many times longer than the last one: a stretch of empty units is crossed in a few batches, not one that may end in a dense stretch. */
export const MAX_GROWTH = 4;

/** Fewer rows than this from a range say little about the density (one row more or less changes it by a tenth or more). */
const TRUSTED_ROWS = 10;

/** Smallest density the walk assumes, so a long live stretch does not divide by zero. */
const MIN_DENSITY = 1e-4;

/**
 * Units (pages or keys) for the next range.
 * @param size           rows the batch should delete, about
 * @param expiredPerUnit running estimate of expired rows per unit
 * @param rowsPerUnit    all rows per unit (1 for keys; rows per page of the heap)
 */
export function rangeLength(size: number, expiredPerUnit: number, rowsPerUnit: number): number {
  const density = Math.max(expiredPerUnit, MIN_DENSITY);
  const wanted = Math.round(size / density);
  // A unit holds at least its expired rows, and costs at least one row's
  // worth of reading even when empty (a page still has to be read), so a
  // stretch of emptied pages is bounded too.
  const rows = Math.max(1, rowsPerUnit, density);
  const cap = Math.max(1, Math.ceil((MAX_SCAN_FACTOR * size) / rows));
  return Math.min(Math.max(1, wanted), cap);
}

/**
 * Density for the next range after one of `scanned` units yielded `deleted` rows.
 *
 * Close to the estimate (within a factor of two), the two are averaged so one
 * uneven range does not swing the next. Far from it, the table is not what the
 * estimate assumed (the stale statistics of a heap an earlier cleanup emptied,
 * the walk passing from an old expired stretch into a live one): the last
 * range is the better guide and is taken as it is, so the next batch is about
 * the size asked for instead of closing half the gap per batch. A range with
 * too few rows to measure a density (none, or a handful) lowers it by at most
 * MAX_GROWTH: the ranges grow geometrically across a stretch with nothing to
 * delete instead of leaping past its end into whatever follows.
 */
export function nextDensity(previous: number, deleted: number, scanned: number): number {
  if (scanned <= 0) return previous;
  const observed = deleted / scanned;
  let next: number;
  if (observed > previous / 2 && observed < previous * 2) next = 0.5 * previous + 0.5 * observed;
  else if (deleted >= TRUSTED_ROWS || observed > previous) next = observed;
  else next = Math.max(observed, previous / MAX_GROWTH);
  return Math.max(MIN_DENSITY, next);
}
