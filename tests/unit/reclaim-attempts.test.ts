// The reclaim attempt loop with a fake driver and an instant sleep: retries
// only lock timeouts, pauses between attempts, gives up with the blockers, and
// stops at once on any other failure or a cancel. Plus the knobs' validation
// and which modes fit which dialect.
import { describe, expect, it } from 'vitest';
import { runAttempts } from '@/lib/reclaim/run-attempts';
import type { AttemptOutcome, AttemptRequest, Blocker, ReclaimDriver, ReclaimTable } from '@/lib/reclaim/driver';
import { reclaimParamsSchema, RECLAIM_DEFAULTS } from '@/lib/schemas/reclaim';
import { assertModeFits, reclaimModes, rewriteMode } from '@/lib/reclaim/modes';
import { AppError } from '@/lib/errors';

const table = { dialect: 'postgres', schema: 'public', table: 'django_session' } as ReclaimTable;

const lockTimeout = (blockedBy: number[] = [42]): AttemptOutcome => ({ ok: false, reason: 'lock-timeout', message: 'no lock', seconds: 1, blockedBy });

function fakeDriver(outcomes: AttemptOutcome[]) {
  const requests: AttemptRequest[] = [];
  const blockerCalls: Array<{ longerThanSeconds: number; pids?: number[] }> = [];
  const driver = {
    dialect: 'postgres',
    modes: ['full', 'vacuum', 'analyze'],
    defaultSchema: 'public',
    attempt: async (req: AttemptRequest) => {
      requests.push(req);
      return outcomes.shift()!;
    },
    blockers: async (_t: ReclaimTable, opts: { longerThanSeconds: number; pids?: number[] }): Promise<Blocker[]> => {
      blockerCalls.push(opts);
      return (opts.pids ?? []).map((pid) => ({ pid, user: 'app', application: null, client: null, state: 'idle in transaction', query: null, ageSeconds: 9, heldLocks: ['ACCESS SHARE'], reasons: ['holds-lock'], blocksOperation: true }));
    },
  } as unknown as ReclaimDriver;
  return { driver, requests, blockerCalls };
}

const params = (over: Record<string, unknown> = {}) => reclaimParamsSchema.parse({ mode: 'full', ...over });

describe('reclaim attempts', () => {
  it('retries a lock timeout after a pause, and succeeds on a later attempt', async () => {
    const { driver, requests } = fakeDriver([lockTimeout(), { ok: true, seconds: 2, messages: [] }]);
    const sleeps: number[] = [];
    const retries: number[] = [];
    const r = await runAttempts({ driver, table, params: params({ retryPauseSeconds: 7 }), sleep: async (ms) => void sleeps.push(ms), onRetry: (x) => void retries.push(x.attempt) });
    expect(r.outcome.ok).toBe(true);
    expect(r.attempts).toBe(2);
    expect(sleeps).toEqual([7000]);
    expect(retries).toEqual([1]);
    expect(requests[0]).toMatchObject({ mode: 'full', lockTimeoutMs: RECLAIM_DEFAULTS.lockTimeoutSeconds * 1000, statementTimeoutMs: RECLAIM_DEFAULTS.statementTimeoutSeconds * 1000 });
  });

  it('gives up after the last retry and reports who blocked it', async () => {
    const { driver, requests, blockerCalls } = fakeDriver([lockTimeout([1]), lockTimeout([2]), lockTimeout([3])]);
    const r = await runAttempts({ driver, table, params: params({ retries: 2, lockTimeoutSeconds: 1.5 }), sleep: async () => {} });
    expect(r.outcome).toMatchObject({ ok: false, reason: 'lock-timeout' });
    expect(r.attempts).toBe(3);
    expect(requests).toHaveLength(3);
    expect(r.blockers.map((b) => b.pid)).toEqual([3]);
    // anyone who kept it waiting the whole timeout has been in a transaction at least that long
    expect(blockerCalls.at(-1)).toMatchObject({ longerThanSeconds: 1, pids: [3] });
  });

  it('does not retry a statement timeout, a lost connection or an error', async () => {
    for (const reason of ['statement-timeout', 'connection-lost', 'error', 'cancelled'] as const) {
      const { driver, requests } = fakeDriver([{ ok: false, reason, message: reason, seconds: 1, blockedBy: [] }, { ok: true, seconds: 1, messages: [] }]);
      const r = await runAttempts({ driver, table, params: params(), sleep: async () => {} });
      expect(r.outcome).toMatchObject({ ok: false, reason });
      expect(requests).toHaveLength(1);
    }
  });

  it('a cancel during the pause ends it without another attempt', async () => {
    const { driver, requests } = fakeDriver([lockTimeout(), { ok: true, seconds: 1, messages: [] }]);
    const abort = new AbortController();
    const r = await runAttempts({ driver, table, params: params(), signal: abort.signal, sleep: async () => abort.abort() });
    expect(r.outcome).toMatchObject({ ok: false, reason: 'cancelled' });
    expect(requests).toHaveLength(1);
  });
});

describe('reclaim knobs and modes', () => {
  it('defaults, coercion of typed values, and one-line errors', () => {
    expect(reclaimParamsSchema.parse({ mode: 'full' })).toEqual({ mode: 'full', ...RECLAIM_DEFAULTS });
    expect(reclaimParamsSchema.parse({ mode: 'optimize', lockTimeoutSeconds: '2.5', retries: '0', retryPauseSeconds: '', statementTimeoutSeconds: undefined })).toEqual({
      ...RECLAIM_DEFAULTS,
      mode: 'optimize',
      lockTimeoutSeconds: 2.5,
      retries: 0,
    });
    const bad = (v: Record<string, unknown>) => {
      const r = reclaimParamsSchema.safeParse({ mode: 'full', ...v });
      return r.success ? null : r.error.issues[0]!.message;
    };
    expect(bad({ lockTimeoutSeconds: '0' })).toBe('lock timeout must be at least 0.1');
    expect(bad({ lockTimeoutSeconds: 'soon' })).toBe('lock timeout must be a number');
    expect(bad({ retries: 1.5 })).toBe('retries must be a whole number');
    expect(bad({ mode: 'shrink' })).toBe('mode must be one of full, vacuum, analyze, optimize');
  });

  it('each dialect offers its own modes, and another dialect\'s mode is a clear input error', () => {
    expect(reclaimModes('postgres')).toEqual(['full', 'vacuum', 'analyze']);
    expect(reclaimModes('mysql')).toEqual(['optimize', 'analyze']);
    expect(rewriteMode('postgres')).toBe('full');
    expect(rewriteMode('mysql')).toBe('optimize');
    expect(() => assertModeFits('mysql', 'analyze')).not.toThrow();
    expect(() => assertModeFits('mysql', 'vacuum')).toThrow(new AppError('mode "vacuum" is not available on MySQL/MariaDB (it is for PostgreSQL); use optimize, analyze', 'input'));
  });
});
