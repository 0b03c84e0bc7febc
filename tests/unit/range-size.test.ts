// The range a walk takes for a batch (pages or keys), on synthetic tables
// whose expired rows per unit are known: what the operator sees is the rows
// each batch deletes, which should be about the delete count whatever the
// table's history and however wrong the walk's first estimate was.
import { describe, expect, it } from 'vitest';
import { MAX_GROWTH, MAX_SCAN_FACTOR, nextDensity, rangeLength } from '@/lib/cleanup/range-size';

/**
 * Walks `units` (expired rows in each unit) the way the drivers do: a range of
 * rangeLength units, then nextDensity from what it deleted. Returns the rows
 * each batch deleted and each range's length.
 */
function walk(units: number[], o: { size: number; start: number; rowsPerUnit?: number }) {
  const deleted: number[] = [];
  const lengths: number[] = [];
  let density = o.start;
  for (let at = 0; at < units.length; ) {
    const k = Math.min(rangeLength(o.size, density, o.rowsPerUnit ?? 1), units.length - at);
    let d = 0;
    for (let i = at; i < at + k; i++) d += units[i]!;
    deleted.push(d);
    lengths.push(k);
    density = nextDensity(density, d, k);
    at += k;
  }
  return { deleted, lengths };
}

/** `n` units where every `every`-th holds one expired row. */
const sparse = (n: number, every: number) => Array.from({ length: n }, (_, i) => (i % every === 0 ? 1 : 0));
const offBand = (deleted: number[], size: number) => deleted.slice(0, -1).filter((d) => d < size / 2 || d > 2 * size);

describe('range walk sizing', () => {
  it('after one batch, sizes ranges from what the table holds, not from a start estimate ten times too high', () => {
    // A log-everyone-out starts at one expired row per key; a cleanup left one in ten.
    const { deleted } = walk(sparse(20_000, 10), { size: 200, start: 1 });
    expect(deleted[0]).toBe(20);
    expect(offBand(deleted.slice(1), 200)).toEqual([]);
    expect(deleted.length).toBeLessThanOrEqual(Math.ceil(2_000 / 200) + 2);
  });

  it('after one batch, sizes ranges right when the start estimate was ten times too low', () => {
    const units = Array.from({ length: 5_000 }, () => 1);
    const { deleted } = walk(units, { size: 200, start: 0.1 });
    expect(deleted[0]).toBe(2_000);
    expect(offBand(deleted.slice(1), 200)).toEqual([]);
  });

  it('passing from an old, mostly expired stretch to a live one costs at most two short batches', () => {
    const units: number[] = [...Array.from({ length: 10_000 }, (_, i) => (i % 10 === 0 ? 0 : 1)), ...sparse(10_000, 10)];
    const total = units.reduce((a, b) => a + b, 0);
    const { deleted } = walk(units, { size: 200, start: 0.5 });
    expect(offBand(deleted, 200).length).toBeLessThanOrEqual(2);
    expect(deleted.length).toBeLessThanOrEqual(Math.ceil(total / 200) + 2);
  });

  it('averages a range that is only somewhat off the estimate, so one uneven range does not swing the next', () => {
    expect(nextDensity(1, 150, 100)).toBeCloseTo(1.25);
    expect(nextDensity(1, 60, 100)).toBeCloseTo(0.8);
  });

  it('crosses a stretch with nothing to delete in ranges that grow geometrically, by at most MAX_GROWTH each', () => {
    // 200 keys, then 800, 3,200 and 4,000 (the scan cap): the fourth range reaches the rows.
    const units = [...Array.from({ length: 8_000 }, () => 0), ...Array.from({ length: 1_000 }, () => 1)];
    const { lengths, deleted } = walk(units, { size: 200, start: 1 });
    expect(deleted.findIndex((d) => d > 0)).toBe(3);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]!).toBeLessThanOrEqual(lengths[i - 1]! * MAX_GROWTH);
  });

  it('caps a range at MAX_SCAN_FACTOR rows per requested row, and at that many units when they are nearly empty', () => {
    // 30 rows a page, a few expired: the cap, not the density, sets the range.
    expect(rangeLength(200, 0.01, 30)).toBe(Math.ceil((MAX_SCAN_FACTOR * 200) / 30));
    // An emptied heap: a page still costs a read, so the range stops at MAX_SCAN_FACTOR pages per requested row.
    expect(rangeLength(200, 0.001, 0.002)).toBe(MAX_SCAN_FACTOR * 200);
    // Rows per unit below the expired rows per unit (stale statistics): the expired rows count as rows.
    expect(rangeLength(200, 5, 0.5)).toBe(40);
  });
});
