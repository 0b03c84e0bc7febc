// Size history in the store: one sample per table when a report is taken,
// at most one sample per target per ten minutes, summed per sample for the growth line.
import { useTempStore } from '../helpers/temp-store';
useTempStore();

import { afterAll, describe, expect, it } from 'vitest';
import { recordSizeSamples, SAMPLE_EVERY_MS } from '@/lib/stats/record-size-samples';
import { getSizeHistory } from '@/lib/stats/size-history';
import { closeStore } from '@/lib/store/client';

const tables = (bytes: number[]) => bytes.map((b, i) => ({ schema: 'public', name: `t${i}`, totalBytes: b })) as never;

afterAll(() => closeStore());

describe('size samples', () => {
  it('records a sample per table at most once per target per ten minutes', async () => {
    const t0 = Date.parse('2025-03-01T12:00:00Z');
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    expect(await recordSizeSamples({ target: 'main', report: { tables: tables([100, 50]), takenAt: at(0) } })).toBe(true);
    expect(await recordSizeSamples({ target: 'main', report: { tables: tables([999, 999]), takenAt: at(SAMPLE_EVERY_MS - 1000) } })).toBe(false);
    // Another target has its own clock.
    expect(await recordSizeSamples({ target: 'other', report: { tables: tables([7]), takenAt: at(60_000) } })).toBe(true);
    expect(await recordSizeSamples({ target: 'main', report: { tables: tables([300, 60]), takenAt: at(SAMPLE_EVERY_MS + 1000) } })).toBe(true);

    expect(await getSizeHistory({ target: 'main' })).toEqual([
      { at: at(0), totalBytes: 150 },
      { at: at(SAMPLE_EVERY_MS + 1000), totalBytes: 360 },
    ]);
    expect(await getSizeHistory({ target: 'other' })).toEqual([{ at: at(60_000), totalBytes: 7 }]);
  });

  it('writes one sample when two requests take a report at the same moment', async () => {
    const takenAt = '2025-04-01T00:00:00.000Z';
    await Promise.all([
      recordSizeSamples({ target: 'busy', report: { tables: tables([1, 2]), takenAt } }),
      recordSizeSamples({ target: 'busy', report: { tables: tables([1, 2]), takenAt } }),
    ]);
    // Two samples at one moment would sum to 6.
    expect(await getSizeHistory({ target: 'busy' })).toEqual([{ at: takenAt, totalBytes: 3 }]);
  });
});
