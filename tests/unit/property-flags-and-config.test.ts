// Bad input (RELIABILITY.md): command-line flags, target URLs and the
// environment, fed hostile values by fast-check, and the one identifier
// quoting helper. Outcomes: a value, or an AppError with a one-line message
// that never repeats a password; quoting always yields exactly one identifier.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseFlags } from '@/cli/args';
import { cleanupFlags } from '@/cli/commands/cleanup';
import { isAppError } from '@/lib/errors';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { readEnv } from '@/lib/env';
import { quoteIdent } from '@/lib/targets/quote-identifier';
import { sessionSpecSchema } from '@/lib/schemas/session-spec';
import { cleanupParamsSchema } from '@/lib/schemas/cleanup-params';
import { z } from 'zod';
import { hostileText, numberishText } from '../helpers/hostile';

/** Length as zod's max() counts it: characters (code points), so an emoji is one, not two UTF-16 units. */
const chars = (s: string) => [...s].length;

const RUNS = { numRuns: 300 };

/** Runs `fn`; a throw must be an AppError with a one-line message. */
function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; message: string; kind: string } {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (!isAppError(e)) throw new Error(`not an AppError: ${String(e)}`);
    expect(e.message, 'one line').not.toMatch(/[\r\n]/);
    return { ok: false, message: e.message, kind: e.kind };
  }
}

describe('janitor cleanup flags', () => {
  const flagNames = Object.keys(cleanupFlags);
  const stringFlags = flagNames.filter((f) => (cleanupFlags as Record<string, { type: string }>)[f]!.type === 'string');
  const token = fc.oneof(
    fc.constantFrom(...stringFlags).chain((f) => fc.tuple(fc.constant(`--${f}`), fc.oneof(numberishText(), hostileText())).map(([a, b]) => [a, b])),
    fc.constantFrom(...stringFlags).chain((f) => fc.oneof(numberishText(), hostileText({ long: false })).map((v) => [`--${f}=${v}`])),
    fc.constantFrom('--dry-run', '--json', '--', '-', '-x', '--no-such-flag', '--table').map((t) => [t]),
    hostileText({ long: false }).map((t) => [t]),
  );
  // What the command does with the values: the shared schemas decide.
  const commandSchema = z.object({ table: z.string(), json: z.boolean(), 'dry-run': z.boolean() }).passthrough();

  it('any argument list gives flags or one input error line, and what passes is then validated without a throw', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }).map((t) => t.flat()), (argv) => {
        const r = outcome(() => parseFlags(argv, cleanupFlags, commandSchema));
        if (!r.ok) {
          expect(r.kind).toBe('input');
          return;
        }
        const f = r.value.flags as Record<string, unknown>;
        const spec = sessionSpecSchema.safeParse({ schema: f.schema, table: f.table, preset: f.preset, expiryColumn: f['expiry-column'], expiryType: f['expiry-type'], ttlSeconds: f['ttl-seconds'] });
        const params = cleanupParamsSchema.safeParse({ deleteCount: f['delete-count'], sleepSeconds: f['sleep-seconds'], iterationCount: f['iteration-count'], strategy: f.strategy });
        if (spec.success) expect(chars(spec.data.table)).toBeLessThanOrEqual(64);
        if (params.success) expect(Number.isFinite(params.data.deleteCount)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('target URLs (JANITOR_TARGET_<NAME>, --url)', () => {
  const password = fc.tuple(fc.constant('Pw7Qz'), hostileText({ long: false })).map(([a, b]) => a + b);
  const url = fc
    .record({
      scheme: fc.oneof(fc.constantFrom('postgresql', 'postgres', 'mysql', 'mariadb', 'mongodb', 'http', 'file', ''), hostileText({ long: false })),
      user: fc.oneof(fc.constant('app'), hostileText({ long: false })),
      password,
      host: fc.oneof(fc.constantFrom('db', '127.0.0.1', '[::1]', ''), hostileText({ long: false })),
      port: fc.oneof(fc.constantFrom('', ':5432', ':0', ':99999', ':-1'), numberishText().map((n) => `:${n}`)),
      db: fc.oneof(fc.constantFrom('app', ''), hostileText({ long: false })),
      encode: fc.boolean(),
    })
    .map((u) => ({ ...u, text: `${u.scheme}://${u.encode ? encodeURIComponent(u.user) : u.user}:${u.encode ? encodeURIComponent(u.password) : u.password}@${u.host}${u.port}/${u.db}` }));

  it('either parses or fails with one line naming the setting, never repeating the password', () => {
    fc.assert(
      fc.property(url, fc.oneof(fc.constant('main'), hostileText({ long: false })), (u, name) => {
        const r = outcome(() => parseTargetUrl(name, u.text, 'JANITOR_TARGET_X'));
        if (r.ok) {
          expect(['postgres', 'mysql']).toContain(r.value.dialect);
          expect(r.value.name).toMatch(/^[a-z0-9][a-z0-9_-]{0,62}$/);
          return;
        }
        expect(r.kind).toBe('config');
        expect(r.message.startsWith('JANITOR_TARGET_X')).toBe(true);
        for (const secret of [u.password, encodeURIComponent(u.password), 'Pw7Qz']) expect(r.message).not.toContain(secret);
      }),
      RUNS,
    );
  });
});

describe('the environment', () => {
  it('a bad value stops Janitor with one line naming the variable, never the value', () => {
    const marked = (arb: fc.Arbitrary<string>) => arb.map((v) => `Zq9${v}`);
    fc.assert(
      fc.property(
        fc.record(
          {
            DATABASE_URL: fc.oneof(fc.constant('file:./x.db'), marked(hostileText())),
            JANITOR_SECURE_COOKIES: fc.oneof(fc.constantFrom('auto', 'true', 'false'), marked(hostileText({ long: false }))),
            JANITOR_MYSQL_TIMEZONE: fc.oneof(fc.constant('+00:00'), marked(hostileText({ long: false }))),
            JANITOR_EXACT_COUNT_MAX_ROWS: fc.oneof(fc.constant('1000'), marked(numberishText())),
            PORT: fc.oneof(fc.constant('3000'), marked(numberishText())),
            JANITOR_ADMIN_PASSWORD: fc.oneof(fc.constant('long enough'), marked(hostileText())),
            JANITOR_TARGET_MAIN: fc.oneof(fc.constant('postgresql://u:Zq9pw@h/db'), marked(hostileText())),
          },
          { requiredKeys: [] },
        ),
        (source) => {
          const r = outcome(() => readEnv(source));
          if (r.ok) return;
          expect(r.kind).toBe('config');
          expect(Object.keys(source).some((k) => r.message.startsWith(`${k} `))).toBe(true);
          expect(r.message).not.toContain('Zq9');
        },
      ),
      RUNS,
    );
  });
});

describe('identifier quoting', () => {
  /** Reads a quoted identifier back the way the server's lexer does; null when it is not exactly one. */
  function unquote(sql: string, q: string): string | null {
    if (sql.length < 2 || sql[0] !== q || sql.at(-1) !== q) return null;
    let out = '';
    for (let i = 1; i < sql.length - 1; i++) {
      if (sql[i] !== q) {
        out += sql[i];
        continue;
      }
      if (sql[i + 1] !== q || i + 1 === sql.length - 1) return null; // a lone quote would end the identifier early
      out += q;
      i++;
    }
    return out;
  }

  it('turns any accepted name into exactly one identifier that reads back as the name', () => {
    fc.assert(
      fc.property(hostileText(), fc.constantFrom('postgres' as const, 'mysql' as const), (name, dialect) => {
        let quoted: string;
        try {
          quoted = quoteIdent(dialect, name);
        } catch {
          // Refused: empty, overlong or with NUL; never quoted wrongly.
          expect(name.length === 0 || name.length > 128 || name.includes('\u0000') || Buffer.byteLength(name) > 63).toBe(true);
          return;
        }
        expect(unquote(quoted, dialect === 'postgres' ? '"' : '`')).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });
});
