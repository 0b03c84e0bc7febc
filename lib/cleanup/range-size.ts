// How long the next range of a range walk (heap pages, primary keys) should be
// so that it holds about `size` expired rows. The density of expired rows is
// learned as the walk goes (the first pages of a session table are often older
// and more expired than the last), and the cursor carries it so a resumed run
// starts with it.

/** Ranges never scan more than this many rows' worth per requested row, so a stretch of live rows cannot make one batch huge. */
export const MAX_SCAN_FACTOR = 20;

/** Smallest density the walk assumes, so a long live stretch does not divide by zero. */
const MIN_DENSITY = 1e-4;

/**
 * Units (pages or keys) for the next range.
 * @param size          rows the batch should delete, about
 * @param expiredPerUnit running estimate of expired rows per unit
 * @param rowsPerUnit   all rows per unit (1 for keys; rows per page for the heap)
 */
export function rangeLength(size: number, expiredPerUnit: number, rowsPerUnit: number): number {
  const wanted = Math.round(size / Math.max(expiredPerUnit, MIN_DENSITY));
  const cap = Math.max(1, Math.ceil((MAX_SCAN_FACTOR * size) / Math.max(rowsPerUnit, 1e-6)));
  return Math.min(Math.max(1, wanted), cap);
}

/** Exponentially weighted density after a range of `scanned` units yielded `deleted` rows. */
export function nextDensity(previous: number, deleted: number, scanned: number): number {
  if (scanned <= 0) return previous;
  const observed = deleted / scanned;
  return Math.max(MIN_DENSITY, 0.5 * previous + 0.5 * observed);
}
