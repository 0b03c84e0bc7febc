// Bad input (RELIABILITY.md): the schemas every form, server action and CLI
// flag goes through, fed hostile values by fast-check. Whatever comes in, the
// outcome is a validation error or a value inside its limits, never a throw;
// identifiers that pass can always be quoted.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CLEANUP_DEFAULTS, CLEANUP_LIMITS, NO_SLEEP_TARGET_BATCH_MS, STRATEGY_CHOICES, cleanupKnobsSchema, cleanupParamsSchema } from '@/lib/schemas/cleanup-params';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';
import { RECLAIM_DEFAULTS, RECLAIM_LIMITS, RECLAIM_MODES, reclaimParamsSchema, reclaimTableSchema } from '@/lib/schemas/reclaim';
import { signInSchema, usernameSchema, newPasswordSchema } from '@/lib/schemas/user';
import { auditFilterSchema } from '@/lib/schemas/audit-filter';
import { PRESET_NAMES } from '@/lib/session-tables/presets';
import { quoteIdent } from '@/lib/targets/quote-identifier';
import { fieldValue, hostileText, numberishText, NUMBERISH } from '../helpers/hostile';

/** Length as zod's max() counts it: characters (code points), so an emoji is one, not two UTF-16 units. */
const chars = (s: string) => [...s].length;

const RUNS = { numRuns: 300 };

/** A plain decimal numeral, as a person types one; anything else must not become a number. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;
const isBlank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');

type Rule = { min: number; max: number; int?: boolean; exclusiveMin?: boolean; blank: number | null };

const CLEANUP_RULES: Record<string, Rule> = {
  deleteCount: { min: 1, max: CLEANUP_LIMITS.deleteCount, int: true, blank: CLEANUP_DEFAULTS.deleteCount },
  sleepSeconds: { min: 0, max: CLEANUP_LIMITS.sleepSeconds, blank: CLEANUP_DEFAULTS.sleepSeconds },
  iterationCount: { min: 1, max: CLEANUP_LIMITS.iterationCount, int: true, blank: null },
  maxRuntimeSeconds: { min: 0, max: CLEANUP_LIMITS.maxRuntimeSeconds, exclusiveMin: true, blank: null },
  targetBatchMs: { min: 10, max: CLEANUP_LIMITS.targetBatchMs, blank: null },
  maxReplicaLagSeconds: { min: 0, max: CLEANUP_LIMITS.maxReplicaLagSeconds, blank: null },
  maxActiveConnections: { min: 1, max: CLEANUP_LIMITS.maxActiveConnections, int: true, blank: null },
  retryForSeconds: { min: 0, max: CLEANUP_LIMITS.retryForSeconds, blank: CLEANUP_DEFAULTS.retryForSeconds },
};

const RECLAIM_RULES: Record<string, Rule> = {
  lockTimeoutSeconds: { ...RECLAIM_LIMITS.lockTimeoutSeconds, blank: RECLAIM_DEFAULTS.lockTimeoutSeconds },
  statementTimeoutSeconds: { ...RECLAIM_LIMITS.statementTimeoutSeconds, blank: RECLAIM_DEFAULTS.statementTimeoutSeconds },
  retries: { ...RECLAIM_LIMITS.retries, int: true, blank: RECLAIM_DEFAULTS.retries },
  retryPauseSeconds: { ...RECLAIM_LIMITS.retryPauseSeconds, blank: RECLAIM_DEFAULTS.retryPauseSeconds },
};

/** What a number field may turn `input` into when the schema accepts it. */
function expectAccepted(field: string, rule: Rule, input: string | undefined, output: unknown) {
  const ctx = `${field}: ${JSON.stringify(input)?.slice(0, 80)} → ${JSON.stringify(output)}`;
  if (isBlank(input)) {
    expect(output, ctx).toBe(rule.blank);
    return;
  }
  expect(input!.trim(), ctx).toMatch(DECIMAL);
  expect(typeof output, ctx).toBe('number');
  const n = output as number;
  expect(n, ctx).toBe(Number(input));
  expect(Number.isFinite(n), ctx).toBe(true);
  expect(rule.exclusiveMin ? n > rule.min : n >= rule.min, ctx).toBe(true);
  expect(n <= rule.max, ctx).toBe(true);
  if (rule.int) expect(Number.isInteger(n), ctx).toBe(true);
}

/** Whether `input` is a value the field must accept (the property's converse). */
function shouldAccept(rule: Rule, input: string | undefined): boolean {
  if (isBlank(input)) return true;
  if (!DECIMAL.test(input!.trim())) return false;
  const n = Number(input);
  return Number.isFinite(n) && (rule.exclusiveMin ? n > rule.min : n >= rule.min) && n <= rule.max && (!rule.int || Number.isInteger(n));
}

/** Decimal numerals a field must accept: inside its limits, whole when it must be. */
function inRange(rule: Rule): fc.Arbitrary<string> {
  const n = rule.int ? fc.integer({ min: Math.ceil(rule.min), max: Math.floor(rule.max) }) : fc.double({ min: rule.min, max: rule.max, noNaN: true, noDefaultInfinity: true });
  return n.map(String).filter((v) => shouldAccept(rule, v));
}

/**
 * A name that passed a schema is quoted as one identifier, or, when the server
 * could not hold it as given (PostgreSQL truncates past 63 bytes), refused with
 * an input error; the catalog lookup that comes first finds no such table.
 */
function expectQuotedOrRefused(dialect: 'postgres' | 'mysql', name: string) {
  const fits = dialect === 'postgres' ? Buffer.byteLength(name) <= 63 : name.length <= 64;
  if (!fits) {
    expect(() => quoteIdent(dialect, name)).toThrow(expect.objectContaining({ kind: 'input' }));
    return;
  }
  const quoted = quoteIdent(dialect, name);
  const q = dialect === 'postgres' ? '"' : '`';
  expect(quoted.slice(1, -1).replaceAll(q + q, ''), JSON.stringify(name).slice(0, 80)).not.toContain(q);
}

describe('cleanup settings (start form, knobs form, CLI flags)', () => {
  const anyParams = fc.record(
    {
      ...Object.fromEntries(Object.keys(CLEANUP_RULES).map((k) => [k, fieldValue()])),
      strategy: fc.option(fc.oneof(fc.constantFrom(...STRATEGY_CHOICES), hostileText()), { nil: undefined }),
      dryRun: fc.option(fc.oneof(fc.constantFrom('on', 'true', '1', 'yes', 'off', ''), hostileText()), { nil: undefined }),
    },
    { requiredKeys: [] },
  );

  it('sizes batches by time when there is no sleep and no batch size was given, and keeps a delete count that was', () => {
    expect(cleanupParamsSchema.parse({ sleepSeconds: '0' })).toMatchObject({ deleteCount: CLEANUP_DEFAULTS.deleteCount, targetBatchMs: NO_SLEEP_TARGET_BATCH_MS });
    expect(cleanupParamsSchema.parse({ sleepSeconds: 0, deleteCount: '', targetBatchMs: '' }).targetBatchMs).toBe(NO_SLEEP_TARGET_BATCH_MS);
    expect(cleanupParamsSchema.parse({ sleepSeconds: '0', deleteCount: '10000' })).toMatchObject({ deleteCount: 10_000, targetBatchMs: null });
    expect(cleanupParamsSchema.parse({ sleepSeconds: '0', targetBatchMs: '500' }).targetBatchMs).toBe(500);
    expect(cleanupParamsSchema.parse({ sleepSeconds: '0', targetBatchMs: null }).targetBatchMs).toBeNull();
    expect(cleanupParamsSchema.parse({ sleepSeconds: '0.5' }).targetBatchMs).toBeNull();
    expect(cleanupParamsSchema.parse({}).targetBatchMs).toBeNull();
  });

  it('turns any mix of fields into a validation error or settings inside their limits, never a throw', () => {
    fc.assert(
      fc.property(anyParams, (input) => {
        const r = cleanupParamsSchema.safeParse(input);
        if (!r.success) {
          for (const issue of r.error.issues) expect(issue.message.length).toBeLessThan(200);
          return;
        }
        const given = input as Record<string, string | undefined>;
        // No sleep, and neither a delete count nor a target given: batches are sized by time (NO_SLEEP_TARGET_BATCH_MS).
        const timed = !isBlank(given.sleepSeconds) && Number(given.sleepSeconds) === 0 && isBlank(given.deleteCount) && isBlank(given.targetBatchMs);
        for (const [k, rule] of Object.entries(CLEANUP_RULES)) {
          if (k === 'targetBatchMs' && timed) expect(r.data.targetBatchMs).toBe(NO_SLEEP_TARGET_BATCH_MS);
          else expectAccepted(k, rule, given[k], (r.data as Record<string, unknown>)[k]);
        }
        expect(STRATEGY_CHOICES).toContain(r.data.strategy);
        expect(typeof r.data.dryRun).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('accepts in each number field exactly the decimal numbers inside its limits; blank means the default', () => {
    for (const [field, rule] of Object.entries(CLEANUP_RULES)) {
      fc.assert(
        fc.property(fieldValue(), (value) => {
          const r = cleanupParamsSchema.safeParse({ [field]: value });
          expect(r.success, `${field}=${JSON.stringify(value)?.slice(0, 80)}`).toBe(shouldAccept(rule, value));
          if (r.success) expectAccepted(field, rule, value, (r.data as Record<string, unknown>)[field]);
          else expect(r.error.issues[0]!.path[0]).toBe(field);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('refuses NaN, infinities and out-of-range numbers in every number field, naming the field', () => {
    const outOfRange = (rule: Rule) =>
      fc.oneof(
        fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '0x10'),
        fc.double({ min: rule.max, noNaN: true, minExcluded: true }).map(String),
        fc.double({ max: rule.min, noNaN: true, maxExcluded: !rule.exclusiveMin }).map(String),
      ).filter((v) => !shouldAccept(rule, v)); // -0 prints as "0"
    for (const [field, rule] of Object.entries(CLEANUP_RULES)) {
      fc.assert(
        fc.property(outOfRange(rule), (value) => {
          const r = cleanupParamsSchema.safeParse({ [field]: value });
          expect(r.success, `${field}=${value}`).toBe(false);
          if (!r.success) expect(r.error.issues[0]!.path[0]).toBe(field);
          const knobs = cleanupKnobsSchema.safeParse({ [field]: value });
          if (field in cleanupKnobsSchema.shape) expect(knobs.success, `knob ${field}=${value}`).toBe(false);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('mid-run knob changes take only known knobs, inside the same limits', () => {
    const KNOBS = Object.keys(cleanupKnobsSchema.shape);
    // Half the inputs are changes an operator may make (known knobs, numbers inside
    // their limits), so a schema that refused everything would fail here too.
    const validKnobs = fc.dictionary(fc.constantFrom(...KNOBS), fc.constant(null)).chain((d) =>
      fc.record(Object.fromEntries(Object.keys(d).map((k) => [k, inRange(CLEANUP_RULES[k]!)]))),
    );
    const hostileKnobs = fc.dictionary(fc.oneof(fc.constantFrom(...Object.keys(CLEANUP_RULES)), hostileText({ long: false })), fc.oneof(numberishText(), hostileText()));
    fc.assert(
      fc.property(fc.oneof(validKnobs, hostileKnobs), (input) => {
        const r = cleanupKnobsSchema.safeParse(input);
        const allowed = Object.entries(input).every(([k, v]) => KNOBS.includes(k) && !isBlank(v) && shouldAccept(CLEANUP_RULES[k]!, v));
        if (allowed) expect(r.success, JSON.stringify(input).slice(0, 200)).toBe(true);
        if (!r.success) return;
        for (const [k, v] of Object.entries(r.data)) {
          const rule = CLEANUP_RULES[k]!;
          expect(rule, k).toBeDefined();
          if (v === null) continue;
          expect(Number.isFinite(v), k).toBe(true);
          expect(v as number).toBeLessThanOrEqual(rule.max);
          if (allowed) expect(v, k).toBe(Number(input[k]));
        }
      }),
      RUNS,
    );
  });
});

describe('which table to clean (start form, CLI flags)', () => {
  const anySpec = fc.record(
    {
      schema: fc.option(hostileText(), { nil: undefined }),
      table: fc.option(hostileText(), { nil: undefined }),
      preset: fc.option(fc.oneof(fc.constantFrom(...PRESET_NAMES), hostileText()), { nil: undefined }),
      expiryColumn: fc.option(hostileText(), { nil: undefined }),
      expiryType: fc.option(fc.oneof(fc.constantFrom('timestamp', 'epoch-s', 'epoch-ms'), hostileText()), { nil: undefined }),
      ttlSeconds: fc.option(numberishText(), { nil: undefined }),
    },
    { requiredKeys: [] },
  );

  it('passes only names that quote safely on both dialects, and a whole-number TTL in range', () => {
    fc.assert(
      fc.property(anySpec, (input) => {
        const r = sessionSpecSchema.safeParse(input);
        if (!r.success) {
          expect(r.error.issues.length).toBeGreaterThan(0);
          return;
        }
        for (const name of [r.data.schema, r.data.table, r.data.expiryColumn]) {
          if (name === undefined) continue;
          expect(name.length).toBeGreaterThan(0);
          expect(chars(name)).toBeLessThanOrEqual(64);
          expect(name).not.toMatch(/[\u0000-\u001f]/);
          for (const dialect of ['postgres', 'mysql'] as const) expectQuotedOrRefused(dialect, name);
        }
        if (r.data.ttlSeconds !== undefined) {
          expect(Number.isInteger(r.data.ttlSeconds)).toBe(true);
          expect(r.data.ttlSeconds).toBeGreaterThanOrEqual(0);
          expect(r.data.ttlSeconds).toBeLessThanOrEqual(10 * 365 * 86400);
          expect(String(input.ttlSeconds).trim()).toMatch(DECIMAL);
        }
      }),
      RUNS,
    );
  });

  it('refuses names longer than 64 characters and names with control characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 65, maxLength: 12_000 }),
          fc.tuple(fc.string({ maxLength: 20 }), fc.integer({ min: 0, max: 0x1f }), fc.string({ maxLength: 20 })).map(([a, c, b]) => a + String.fromCharCode(c) + b),
        ),
        (name) => {
          expect(sessionSpecSchema.safeParse({ table: name }).success).toBe(false);
          expect(sessionSpecSchema.safeParse({ table: 'django_session', expiryColumn: name, expiryType: 'timestamp' }).success).toBe(false);
        },
      ),
      RUNS,
    );
  });
});

describe('reclaim settings (reclaim form, CLI flags)', () => {
  it('accepts exactly a known mode and the decimal numbers inside their limits, and table names that quote safely', () => {
    for (const [field, rule] of Object.entries(RECLAIM_RULES)) {
      fc.assert(
        fc.property(fc.oneof(fc.constantFrom(...RECLAIM_MODES), hostileText({ long: false })), fieldValue(), (mode, value) => {
          const r = reclaimParamsSchema.safeParse({ mode, [field]: value });
          const modeOk = (RECLAIM_MODES as readonly string[]).includes(mode);
          expect(r.success, `${mode} ${field}=${JSON.stringify(value)?.slice(0, 80)}`).toBe(modeOk && shouldAccept(rule, value));
          if (r.success) expectAccepted(field, rule, value, (r.data as Record<string, unknown>)[field]);
        }),
        { numRuns: 150 },
      );
    }
    // Ordinary names too, so a schema that refused everything would fail here.
    const anyName = () => fc.oneof(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_$ ]{0,40}$/), hostileText());
    fc.assert(
      fc.property(fc.record({ schema: fc.option(anyName(), { nil: undefined }), table: anyName() }), (ref) => {
        const t = reclaimTableSchema.safeParse(ref);
        // 1–128 characters without control characters pass; the catalog lookup decides the rest.
        const plain = (n: string | undefined) => n === undefined || (chars(n) >= 1 && chars(n) <= 128 && !/[\u0000-\u001f]/.test(n));
        expect(t.success, JSON.stringify(ref).slice(0, 200)).toBe(plain(ref.schema) && plain(ref.table));
        if (!t.success) return;
        for (const name of [t.data.schema, t.data.table]) {
          if (name === undefined) continue;
          for (const dialect of ['postgres', 'mysql'] as const) expectQuotedOrRefused(dialect, name);
          expect(name).not.toMatch(/[\u0000-\u001f]/);
        }
      }),
      RUNS,
    );
  });
});

describe('users and sign-in', () => {
  it('accepts only plain user names, and sign-in input of any shape is a validation result, not a throw', () => {
    fc.assert(
      fc.property(hostileText(), hostileText(), (username, password) => {
        const u = usernameSchema.safeParse(username);
        if (u.success) expect(u.data).toMatch(/^[A-Za-z0-9_.@-]{1,64}$/);
        const p = newPasswordSchema.safeParse(password);
        if (p.success) expect(chars(p.data)).toBeLessThanOrEqual(200);
        const s = signInSchema.safeParse({ username, password });
        if (s.success) {
          expect(s.data.username).toMatch(/^[A-Za-z0-9_.@-]{1,64}$/);
          expect(chars(s.data.password)).toBeLessThanOrEqual(200);
        }
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (username, password) => {
        expect(() => signInSchema.safeParse({ username, password })).not.toThrow();
      }),
      RUNS,
    );
  });
});

describe('audit log filters (query string)', () => {
  it('ignores anything malformed instead of failing the page', () => {
    fc.assert(
      fc.property(fc.record({ actor: fc.oneof(hostileText(), fc.anything()), action: fc.oneof(hostileText(), fc.anything()), before: fc.oneof(fc.constantFrom(...NUMBERISH), hostileText(), fc.anything()) }), (input) => {
        const f = auditFilterSchema.parse(input);
        if (f.actor !== undefined) expect(chars(f.actor)).toBeLessThanOrEqual(64);
        if (f.action !== undefined) expect(chars(f.action)).toBeLessThanOrEqual(64);
        if (f.before !== undefined) {
          expect(Number.isSafeInteger(f.before)).toBe(true);
          expect(f.before).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});
