// Bad input (RELIABILITY.md): the real `janitor` command given hostile table
// and column names and flag values, against a real PostgreSQL and MariaDB that
// hold a canary table. Every bad value is one error line on stderr and a
// non-zero exit, and no table changes. Values the schemas can judge alone are
// tried against a server that is not there: the answer must be the validation
// error, proving it came before any connection (so before any SQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, type TestDb } from '../helpers/databases';
import { janitorAsync, type CliResult } from '../helpers/cli';
import { freePort } from '../helpers/app-server';
import { useTempStore } from '../helpers/temp-store';
import { hostileText } from '../helpers/hostile';
import type { Dialect } from '../helpers/session-tables';

const storeUrl = useTempStore();
const HOSTILE_TABLE = { postgres: 'x"; DROP TABLE canary; --', mysql: 'x`; DROP TABLE canary; -- ' + "'" } as const;
const DIALECTS: Dialect[] = ['postgres', 'mysql'];

const dbs = {} as Record<Dialect, TestDb>;
const deadUrl = {} as Record<Dialect, string>;

/** Runs the CLI, a few at a time (each is its own Node process). */
async function runAll(argvs: string[][]): Promise<CliResult[]> {
  const out: CliResult[] = new Array(argvs.length);
  let next = 0;
  const worker = async () => {
    while (next < argvs.length) {
      const i = next++;
      out[i] = await janitorAsync(argvs[i]!, { env: { DATABASE_URL: storeUrl } }).done;
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return out;
}

function expectOneLineError(r: CliResult, what: string) {
  expect(r.status, `${what}: ${r.stderr}`).not.toBe(0);
  expect(r.status, `${what}: ${r.stderr}`).not.toBeNull();
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, `${what}: ${JSON.stringify(r.stderr).slice(0, 300)}`).toHaveLength(1);
  expect(lines[0]!.startsWith('janitor: '), `${what}: ${r.stderr}`).toBe(true);
  expect(r.stderr, what).not.toMatch(/\n\s+at /); // no stack trace
}

/** Every table of the test database with its row count and a hash of its rows. */
async function fingerprint(dialect: Dialect): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (dialect === 'postgres') {
    const c = await pgClient(dbs.postgres.url);
    try {
      const t = await c.query<{ relname: string }>(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname`);
      for (const { relname } of t.rows) {
        const q = `"${relname.replaceAll('"', '""')}"`;
        const r = await c.query<{ n: number; h: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS h FROM ${q} t`);
        out[relname] = `${r.rows[0]!.n}:${r.rows[0]!.h}`;
      }
    } finally {
      await c.end();
    }
    return out;
  }
  const c = await mysqlConn(dbs.mysql.url);
  try {
    const [t] = await c.query(`SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`);
    for (const { n } of t as { n: string }[]) {
      const [rows] = await c.query(`SELECT * FROM \`${n.replaceAll('`', '``')}\``);
      const list = (rows as Record<string, unknown>[]).map((r) => JSON.stringify(r)).sort();
      out[n] = `${list.length}:${createHash('md5').update(list.join(',')).digest('hex')}`;
    }
  } finally {
    await c.end();
  }
  return out;
}

async function seed(dialect: Dialect) {
  const hostile = HOSTILE_TABLE[dialect];
  if (dialect === 'postgres') {
    const c = await pgClient(dbs.postgres.url);
    const q = `"${hostile.replaceAll('"', '""')}"`;
    await c.query(`
      CREATE TABLE canary (id int PRIMARY KEY, note text NOT NULL);
      INSERT INTO canary SELECT g, 'canary ' || g FROM generate_series(1, 100) g;
      CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
      INSERT INTO django_session SELECT md5(g::text), 'x', CASE WHEN g % 5 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' END FROM generate_series(1, 500) g;
      CREATE TABLE ${q} (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
      INSERT INTO ${q} SELECT md5(g::text), 'x', CASE WHEN g % 5 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' END FROM generate_series(1, 300) g;
      ANALYZE;`);
    await c.end();
  } else {
    const c = await mysqlConn(dbs.mysql.url);
    const q = `\`${hostile.replaceAll('`', '``')}\``;
    await c.query(`
      CREATE TABLE canary (id int PRIMARY KEY, note varchar(40) NOT NULL) ENGINE=InnoDB;
      INSERT INTO canary SELECT seq, CONCAT('canary ', seq) FROM seq_1_to_100;
      CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL) ENGINE=InnoDB;
      INSERT INTO django_session SELECT MD5(seq), 'x', IF(seq % 5 = 0, UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 DAY) FROM seq_1_to_500;
      CREATE TABLE ${q} (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL, expire_date datetime(6) NOT NULL) ENGINE=InnoDB;
      INSERT INTO ${q} SELECT MD5(seq), 'x', IF(seq % 5 = 0, UTC_TIMESTAMP() + INTERVAL 1 DAY, UTC_TIMESTAMP() - INTERVAL 1 DAY) FROM seq_1_to_300;
      ANALYZE TABLE canary, django_session;`);
    await c.end();
  }
}

beforeAll(async () => {
  [dbs.postgres, dbs.mysql] = await Promise.all([createPgDatabase('jt_badcli'), createMysqlDatabase('jt_badcli')]);
  await Promise.all(DIALECTS.map(seed));
  // Nothing listens there: reaching the server would be a connection error, not the validation message.
  const [p1, p2] = [await freePort(), await freePort()];
  deadUrl.postgres = `postgresql://janitor_test:janitor_test@127.0.0.1:${p1}/nowhere`;
  deadUrl.mysql = `mysql://janitor_test:janitor_test@127.0.0.1:${p2}/nowhere`;
});

afterAll(async () => {
  await Promise.allSettled(DIALECTS.map((d) => dbs[d]?.drop()));
});

/**
 * Flag values the schemas refuse on their own, with the message they must give
 * (the unit properties try thousands more in-process; these prove the command
 * itself stops on them before connecting).
 */
const INVALID: [string[], RegExp][] = [
  [['cleanup', '--table', 'django_session', '--delete-count', 'NaN'], /Delete count must be a number/],
  [['cleanup', '--table', 'django_session', '--delete-count', '0x10'], /Delete count must be a number/],
  [['cleanup', '--table', 'django_session', '--delete-count=-5'], /Delete count must be at least 1/],
  [['cleanup', '--table', 'django_session', '--sleep-seconds=-Infinity'], /Sleep seconds must be a number/],
  [['cleanup', '--table', 'django_session', '--iteration-count', '1; DROP TABLE canary'], /Iteration count must be a number/],
  [['cleanup', '--table', 'django_session', '--strategy', "auto'; DROP TABLE canary; --"], /Strategy must be one of/],
  [['cleanup', '--table', 'django_session', '--preset', 'django"; DROP TABLE canary'], /Preset must be one of/],
  [['cleanup', '--table', 'x'.repeat(10_000)], /Table is at most 64 characters/],
  [['cleanup', '--table', 'django\rsession'], /Table contains control characters/],
  [['cleanup', '--table', 'django_session', '--schema', 'public\u001b[2J'], /Schema contains control characters/],
  [['cleanup', '--table', 'django_session', '--no-such-flag\r', 'x'], /^janitor: Unknown option '--no-such-flag\\r'$/m],
  [['stats', '--limit', 'NaN'], /--limit/],
  [['reclaim', '--table', 'canary', '--mode', 'full; DROP TABLE canary'], /mode must be one of/],
  [['reclaim', '--table', 'canary', '--mode', 'analyze', '--lock-timeout', 'NaN'], /lock timeout must be a number/],
  [['reclaim', '--table', 'canary\u0007', '--mode', 'analyze'], /table contains control characters/],
];

describe('janitor with bad flag values', () => {
  it('refuses every invalid value before connecting, with one line and exit 2', async () => {
    // Alternate the dialects: validation comes before the target is touched, whichever it is.
    const results = await runAll(INVALID.map(([argv], i) => [...argv, '--url', deadUrl[DIALECTS[i % 2]!]]));
    // All cases first, then one assertion: a regression shows every case it breaks.
    const wrong = INVALID.flatMap(([argv, message], i) => {
      const r = results[i]!;
      const lines = r.stderr.split('\n').filter(Boolean);
      const ok = r.status === 2 && lines.length === 1 && lines[0]!.startsWith('janitor: ') && message.test(r.stderr) && !/ECONNREFUSED|unreachable|connection refused/i.test(r.stderr);
      return ok ? [] : [`${JSON.stringify(argv).slice(0, 100)} → exit ${r.status}: ${r.stderr.slice(0, 300)}`];
    });
    expect(wrong).toEqual([]);
  });
});

describe.each(DIALECTS)('janitor with bad input (%s)', (dialect) => {
  it('looks hostile names up in the catalog as plain values: "does not exist", and no table changes', async () => {
    const before = await fingerprint(dialect);
    const q = dialect === 'postgres' ? '"' : '`';
    const cases: string[][] = [
      ['cleanup', '--table', `django_session${q}; DROP TABLE canary; --`, '--preset', 'django'],
      ['cleanup', '--table', 'django_session', '--expiry-column', `expire_date${q} < now(); DROP TABLE canary; --`, '--expiry-type', 'timestamp'],
      ['cleanup', '--schema', `public${q}; DROP TABLE canary; --`, '--table', 'django_session', '--preset', 'django'],
      ['cleanup', '--table', 'django_session ', '--preset', 'django'],
      ['cleanup', '--table', '😀'.repeat(20), '--preset', 'django'],
      ['reclaim', '--table', `canary${q}; DROP TABLE canary; --`, '--mode', dialect === 'postgres' ? 'full' : 'optimize'],
      ['reclaim', '--table', 'canary', '--schema', `x${q}; DROP TABLE canary; --`, '--mode', 'analyze'],
      ...(dialect === 'postgres' ? [['cleanup', '--target', `main${q}; DROP`, '--table', 'django_session']] : []),
    ];
    const results = await runAll(cases.map((argv) => (argv.includes('--target') ? argv : [...argv, '--url', dbs[dialect].url])));
    cases.forEach((argv, i) => {
      const r = results[i]!;
      const what = argv.join(' ');
      expectOneLineError(r, what);
      expect(r.stderr, what).toMatch(/does not exist|unknown target|no such table/i);
    });
    expect(await fingerprint(dialect)).toEqual(before);
  });

  it('any generated table name is refused or not found, in one line, and no table changes', async () => {
    const before = await fingerprint(dialect);
    const names = fc.sample(
      hostileText({ long: false }).filter((s) => s.length > 0 && !s.includes('\u0000') && !s.startsWith('-')),
      { numRuns: 3, seed: 20_261_121 },
    );
    const results = await runAll(names.map((n) => ['cleanup', '--url', dbs[dialect].url, `--table=${n}`, '--preset', 'django', '--json']));
    names.forEach((n, i) => expectOneLineError(results[i]!, JSON.stringify(n)));
    expect(await fingerprint(dialect)).toEqual(before);
  });

  it('cleans a real table whose name is an injection attempt, and touches no other table', async () => {
    const before = await fingerprint(dialect);
    const table = HOSTILE_TABLE[dialect];
    const [r] = await runAll([['cleanup', '--url', dbs[dialect].url, '--table', table, '--expiry-column', 'expire_date', '--expiry-type', 'timestamp', '--timestamp-zone', 'utc', '--sleep-seconds', '0', '--json']]);
    expect(r!.status, r!.stderr).toBe(0);
    const done = JSON.parse(r!.stdout.trim().split('\n').at(-1)!);
    expect(done).toMatchObject({ type: 'done', status: 'completed', totalDeleted: 240 });
    const after = await fingerprint(dialect);
    expect(after[table]!.split(':')[0]).toBe('60');
    expect({ ...after, [table]: '' }).toEqual({ ...before, [table]: '' });
  });
});
