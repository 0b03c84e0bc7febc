// Whole-run speed of a real `janitor cleanup` with no sleep against the
// limit, one big DELETE, and on MariaDB against Percona's pt-archiver, on
// identical copies of each table (issue #11: >= 0.9x of one DELETE on both
// dialects, >= 1.5x pt-archiver):
//
// - PostgreSQL: the findings.md `django_session` (1.5M rows, 60% expired,
//   scattered); Janitor with its defaults and `--sleep-seconds 0`.
// - MariaDB: Laravel's `sessions` as its migration builds it (600k rows, 60%
//   expired by the preset's 120-minute lifetime); Janitor with its defaults
//   and `--sleep-seconds 0`.
// - MariaDB: `django_session`, 1M rows, 80% expired; Janitor
//   `--sleep-seconds 0 --delete-count 10000` against `pt-archiver --purge
//   --bulk-delete --commit-each --limit 10000`, both timed as whole processes.
//
//   npm run bench:cleanup:throughput -- [--dialect pg|mysql|both] [--pg-rows 1500000]
//        [--mysql-rows 600000] [--expired 0.6] [--archiver-rows 1000000]
//        [--archiver-expired 0.8] [--rounds 2] [--delete-count N] [--purge-sides]
//
// --purge-sides adds two sides to the Laravel comparison that explain its
// gap: the same number of primary-key ranges as Janitor's run, deleted by bare
// statements (no Janitor: what the walk itself costs), and the same again
// while another connection holds a read view open, so InnoDB purges nothing
// until they are done, as after one big DELETE (not something Janitor may do
// on a live server: purge is server-wide, and holding it back grows every
// table's history).
//
// --delete-count sets the batch size of the runs compared with one DELETE
// (default: none given, as an operator would run it). Each round seeds fresh
// copies and rotates which side runs first; the ratios compare best with best
// over the rounds, so one slow run on either side (a checkpoint, a
// neighbour's burst) flatters neither. Janitor is timed by its own
// `done.seconds` (the run, as the run page shows it) and as a whole process
// (start-up, store, planning and the closing ANALYZE included); the big DELETE
// and pt-archiver as what they are: one statement, one process.
//
// pt-archiver comes from Debian's percona-toolkit; the bench installs it with
// apt-get when missing and it can (root), else says how. TEST_PG_URL /
// TEST_MYSQL_URL pick the servers (default: the local test servers; non-local
// hosts are refused, since this creates and drops databases).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient } from '../tests/helpers/databases';
import { mean, seedMysqlLaravelSessions, seedMysqlSessions, seedPgSessions, waitForPurge } from './cleanup-seed';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    'pg-rows': { type: 'string', default: '1500000' },
    'mysql-rows': { type: 'string', default: '600000' },
    expired: { type: 'string', default: '0.6' },
    'archiver-rows': { type: 'string', default: '1000000' },
    'archiver-expired': { type: 'string', default: '0.8' },
    rounds: { type: 'string', default: '2' },
    'delete-count': { type: 'string' },
    'purge-sides': { type: 'boolean', default: false },
  },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const SHARE = Number(values.expired);
/** Batch size of the runs compared with one DELETE: none given (the defaults) unless asked. */
const DELETE_COUNT = values['delete-count'] ? ['--delete-count', values['delete-count']] : [];
/** pt-archiver's --limit and Janitor's --delete-count in that comparison, as the issue states it. */
const ARCHIVER_LIMIT = 10_000;
const DJANGO = ['--expiry-column', 'expire_date', '--expiry-type', 'timestamp', '--timestamp-zone', 'utc'];
const LARAVEL = ['--preset', 'laravel'];
/** Laravel's SESSION_LIFETIME default, the preset's TTL. */
const LARAVEL_LIFETIME_S = 120 * 60;
const GOAL_VS_DELETE = 0.9;
const GOAL_VS_ARCHIVER = 1.5;
// Live rows expire a day after the cutoff at the earliest: none turns expired
// while a round runs, so every side has exactly the same rows to delete.
const LIVE_AFTER_S = 86_400;
const store = mkdtempSync(path.join(tmpdir(), 'janitor-bench-'));

type Janitor = { seconds: number; wall: number; deleted: number; batchMs: number[]; strategy: string };

/** Runs the real command and reads its JSON lines. */
function runJanitor(url: string, table: string, spec: string[], batch: string[]): Promise<Janitor> {
  const args = ['cli/janitor.mjs', 'cleanup', '--url', url, '--table', table, ...spec, '--sleep-seconds', '0', ...batch, '--json'];
  const env = { ...process.env, DATABASE_URL: `file:${path.join(store, 'janitor.db')}` };
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => {
      const wall = (performance.now() - t) / 1000;
      const lines = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const done = lines.find((l) => l.type === 'done');
      if (status !== 0 || done?.status !== 'completed') return reject(new Error(`janitor cleanup exited ${status}: ${err.slice(0, 400)}`));
      const batches = lines.filter((l) => l.type === 'batch');
      resolve({ seconds: done.seconds, wall, deleted: done.totalDeleted, batchMs: batches.map((b) => b.ms), strategy: batches[0]?.strategy ?? '—' });
    });
  });
}

function ensureArchiver(): boolean {
  if (existsSync('/usr/bin/pt-archiver')) return true;
  if (process.getuid?.() === 0) {
    console.log('installing percona-toolkit (pt-archiver) with apt-get …');
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-q', 'percona-toolkit'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (existsSync('/usr/bin/pt-archiver')) return true;
  console.log('pt-archiver is missing: install it with `apt-get update && apt-get install -y percona-toolkit` (as root); skipping that comparison');
  return false;
}

/** pt-archiver as people run it to purge a table: bulk deletes of --limit keys, a commit each. */
function runArchiver(url: string, table: string, cutoff: Date, limit: number): number {
  const u = new URL(url);
  const dsn = `h=${u.hostname},P=${u.port || 3306},u=${decodeURIComponent(u.username)},p=${decodeURIComponent(u.password)},D=${u.pathname.slice(1)},t=${table}`;
  const where = `expire_date < '${cutoff.toISOString().replace('T', ' ').replace('Z', '')}'`;
  const t = performance.now();
  const r = spawnSync('pt-archiver', ['--source', dsn, '--where', where, '--purge', '--bulk-delete', '--commit-each', '--limit', String(limit), '--no-check-charset', '--set-vars', "time_zone='+00:00'"], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pt-archiver exited ${r.status}: ${r.stderr.slice(0, 400)}`);
  return (performance.now() - t) / 1000;
}

const best = (xs: number[]) => Math.min(...xs);
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
/** Rotates the order of the sides each round, so none always gets the warmer server. */
const rotate = <T>(xs: T[], round: number) => xs.map((_, i) => xs[(i + round) % xs.length]!);

function printJanitor(runs: Janitor[]) {
  const flat = runs.map((r) => mean(r.batchMs.slice(-10)) / mean(r.batchMs.slice(0, 10)));
  console.log(`  janitor cleanup, done.seconds:      ${list(runs.map((r) => r.seconds))} (${runs[0]!.batchMs.length} batches, ${runs[0]!.strategy})`);
  console.log(`  janitor cleanup, whole process:     ${list(runs.map((r) => r.wall))}`);
  console.log(`  batch ms, last 10 / first 10:       ${list(flat)}`);
  // What the batches' statements took (DELETE up to its COMMIT); the rest of done.seconds is commits, store writes and checks.
  console.log(`  sum of batch ms (statements), s:    ${list(runs.map((r) => r.batchMs.reduce((a, b) => a + b, 0) / 1000))}`);
}

function ratio(label: string, other: number, janitor: number, goal: number) {
  const r = other / janitor;
  console.log(`  => ${label}: ${r.toFixed(2)}x (goal >= ${goal}x) ${r >= goal ? 'OK' : 'BELOW GOAL'}`);
}

async function benchPostgres(rows: number) {
  const db = await createPgDatabase('jt_bench');
  const c = await pgClient(db.url);
  const big: number[] = [];
  const jan: Janitor[] = [];
  try {
    await c.query('SET statement_timeout = 0');
    for (let round = 0; round < ROUNDS; round++) {
      const cutoff = new Date(Date.now() - 1000);
      await seedPgSessions(c, { rows, cutoff, expiredShare: SHARE, copies: ['big_delete', 'engine'], liveAfterSeconds: LIVE_AFTER_S });
      const expired = Number((await c.query('SELECT count(*) AS n FROM engine WHERE expire_date < $1', [cutoff])).rows[0].n);
      const sides = {
        delete: async () => {
          await c.query('CHECKPOINT');
          const t = performance.now();
          const r = await c.query('DELETE FROM big_delete WHERE expire_date < $1', [cutoff]);
          big.push((performance.now() - t) / 1000);
          if (r.rowCount !== expired) throw new Error(`big DELETE deleted ${r.rowCount}, expected ${expired}`);
        },
        janitor: async () => {
          await c.query('CHECKPOINT');
          const r = await runJanitor(db.url, 'engine', DJANGO, DELETE_COUNT);
          if (r.deleted !== expired) throw new Error(`janitor deleted ${r.deleted}, expected ${expired}`);
          jan.push(r);
        },
      };
      for (const side of rotate(['delete', 'janitor'] as const, round)) await sides[side]();
      console.log(`PostgreSQL round ${round + 1}: ${rows} rows, ${expired} expired; load average ${loadavg()[0]!.toFixed(2)}`);
    }
    console.log(`\nPostgreSQL, django_session, ${rows} rows, ${(SHARE * 100).toFixed(0)}% expired; janitor ${batchFlags(DELETE_COUNT)}; best of ${ROUNDS}`);
    console.log(`  one big DELETE:                     ${list(big)}`);
    printJanitor(jan);
    ratio('whole run vs one DELETE, best vs best', best(big), best(jan.map((r) => r.seconds)), GOAL_VS_DELETE);
  } finally {
    await c.end();
    await db.drop();
  }
}

/** Seconds since the epoch, as Laravel's last_activity holds them. */
const epochNow = () => Math.floor(Date.now() / 1000);

async function mysqlCount(c: Awaited<ReturnType<typeof mysqlConn>>, sql: string, params: unknown[] = []): Promise<number> {
  return Number(((await c.query(sql, params)) as unknown as [[{ n: number }]])[0][0].n);
}

/**
 * The expired rows of `table` deleted by `ranges` bare primary-key range
 * DELETEs of equal key counts (their ends read first, untimed), each in its own
 * transaction under READ COMMITTED as Janitor's batches run. With holdPurge a
 * second connection keeps a read view open until the last one commits, so
 * InnoDB purges none of it meanwhile. Returns the seconds the DELETEs took.
 */
async function bareRanges(c: Awaited<ReturnType<typeof mysqlConn>>, url: string, table: string, cutoff: number, ranges: number, holdPurge: boolean): Promise<number> {
  const [ids] = (await c.query(`SELECT id FROM ${table} ORDER BY id`)) as unknown as [Array<{ id: string }>];
  const ends: Array<string | null> = [];
  for (let i = 1; i < ranges; i++) ends.push(ids[Math.floor((ids.length * i) / ranges)]!.id);
  ends.push(null);
  const holder = holdPurge ? await mysqlConn(url) : null;
  try {
    if (holder) {
      await holder.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      await holder.query(`SELECT COUNT(*) FROM ${table} WHERE id < '0'`);
    }
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    const t = performance.now();
    let after: string | null = null;
    for (const end of ends) {
      const where = [after !== null ? 'id > ?' : null, end !== null ? 'id <= ?' : null, 'last_activity < ?'].filter(Boolean).join(' AND ');
      await c.query('START TRANSACTION');
      await c.query(`DELETE FROM ${table} WHERE ${where}`, [after, end, cutoff].filter((x) => x !== null));
      await c.query('COMMIT');
      after = end;
    }
    return (performance.now() - t) / 1000;
  } finally {
    await c.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    if (holder) {
      await holder.query('COMMIT');
      await holder.end();
    }
  }
}

/** Laravel's sessions: Janitor's defaults with no sleep against one big DELETE. */
async function benchMysqlLaravel(rows: number) {
  const db = await createMysqlDatabase('jt_bench');
  const c = await mysqlConn(db.url);
  const big: number[] = [];
  const jan: Janitor[] = [];
  // InnoDB purges deleted rows after their commit: a big DELETE's purge comes
  // after its timed statement, the batches' purge runs beside the walk.
  const bigPurge: number[] = [];
  const janPurge: number[] = [];
  const bare: number[] = [];
  const held: number[] = [];
  const copies = values['purge-sides'] ? ['big_delete', 'engine', 'bare', 'held'] : ['big_delete', 'engine'];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const now = epochNow();
      const cutoff = now - LARAVEL_LIFETIME_S;
      await seedMysqlLaravelSessions(c, { rows, cutoffEpoch: cutoff, nowEpoch: now, expiredShare: SHARE, copies });
      const expired = await mysqlCount(c, 'SELECT COUNT(*) AS n FROM engine WHERE last_activity < ?', [cutoff]);
      const sides = {
        delete: async () => {
          await waitForPurge(c);
          const t = performance.now();
          const [r] = (await c.query('DELETE FROM big_delete WHERE last_activity < ?', [cutoff])) as unknown as [{ affectedRows: number }];
          big.push((performance.now() - t) / 1000);
          if (r.affectedRows !== expired) throw new Error(`big DELETE deleted ${r.affectedRows}, expected ${expired}`);
          bigPurge.push(await waitForPurge(c));
        },
        janitor: async () => {
          await waitForPurge(c);
          const r = await runJanitor(db.url, 'engine', LARAVEL, DELETE_COUNT);
          janPurge.push(await waitForPurge(c));
          if (r.deleted !== expired || (await mysqlCount(c, 'SELECT COUNT(*) AS n FROM engine')) !== rows - expired) throw new Error(`janitor deleted ${r.deleted}, expected ${expired}`);
          jan.push(r);
        },
      };
      for (const side of rotate(['delete', 'janitor'] as const, round)) await sides[side]();
      if (values['purge-sides']) {
        const ranges = jan.at(-1)!.batchMs.length;
        for (const [table, out, hold] of rotate([['bare', bare, false], ['held', held, true]] as const, round)) {
          await waitForPurge(c);
          out.push(await bareRanges(c, db.url, table, cutoff, ranges, hold));
          if ((await mysqlCount(c, `SELECT COUNT(*) AS n FROM ${table}`)) !== rows - expired) throw new Error(`${table}: the ranges left the wrong rows`);
        }
      }
      await waitForPurge(c);
      console.log(`MariaDB Laravel round ${round + 1}: ${rows} rows, ${expired} expired; load average ${loadavg()[0]!.toFixed(2)}`);
    }
    const [[{ v }]] = (await c.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    console.log(`\n${v}, Laravel sessions, ${rows} rows, ${(SHARE * 100).toFixed(0)}% expired; janitor --preset laravel ${batchFlags(DELETE_COUNT)}; best of ${ROUNDS}`);
    console.log(`  one big DELETE:                     ${list(big)}`);
    printJanitor(jan);
    ratio('whole run vs one DELETE, best vs best', best(big), best(jan.map((r) => r.seconds)), GOAL_VS_DELETE);
    // Not the goal's measure, but the server's whole work: each side until InnoDB has purged what it deleted.
    console.log(`  purge after the big DELETE, s:      ${list(bigPurge)}`);
    console.log(`  purge after janitor's run, s:       ${list(janPurge)}`);
    const withPurge = (xs: number[], ps: number[]) => best(xs.map((x, i) => x + ps[i]!));
    console.log(`  => with the purge each leaves behind, best vs best: ${(withPurge(big, bigPurge) / withPurge(jan.map((r) => r.seconds), janPurge)).toFixed(2)}x`);
    if (values['purge-sides']) {
      console.log(`  the same number of ranges as bare DELETEs, s:        ${list(bare)}`);
      console.log(`  the same, purge held back until the last, s:         ${list(held)}`);
      console.log(`  => janitor vs bare ranges: ${(best(bare) / best(jan.map((r) => r.seconds))).toFixed(2)}x; one DELETE vs ranges with purge held back: ${(best(big) / best(held)).toFixed(2)}x`);
    }
  } finally {
    await c.end();
    await db.drop();
  }
}

/** django_session, 10,000 rows a batch on both sides: Janitor against pt-archiver, whole processes. */
async function benchMysqlArchiver(rows: number, share: number) {
  if (!ensureArchiver()) return;
  const db = await createMysqlDatabase('jt_bench');
  const c = await mysqlConn(db.url);
  const arch: number[] = [];
  const jan: Janitor[] = [];
  const batch = ['--delete-count', String(ARCHIVER_LIMIT)];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const cutoff = new Date(Date.now() - 1000);
      await seedMysqlSessions(c, { rows, cutoff, expiredShare: share, copies: ['engine', 'archiver'], liveAfterSeconds: LIVE_AFTER_S });
      const left = (t: string) => mysqlCount(c, `SELECT COUNT(*) AS n FROM ${t} WHERE expire_date < ?`, [cutoff]);
      const size = (t: string) => mysqlCount(c, `SELECT COUNT(*) AS n FROM ${t}`);
      const expired = await left('engine');
      const sides = {
        janitor: async () => {
          await waitForPurge(c);
          const r = await runJanitor(db.url, 'engine', DJANGO, batch);
          if (r.deleted !== expired || (await left('engine')) !== 0) throw new Error(`janitor deleted ${r.deleted}, expected ${expired}`);
          jan.push(r);
        },
        archiver: async () => {
          await waitForPurge(c);
          arch.push(runArchiver(db.url, 'archiver', cutoff, ARCHIVER_LIMIT));
          if ((await left('archiver')) !== 0 || (await size('archiver')) !== rows - expired) throw new Error('pt-archiver left a different table');
        },
      };
      for (const side of rotate(['janitor', 'archiver'] as const, round)) await sides[side]();
      await waitForPurge(c);
      console.log(`MariaDB pt-archiver round ${round + 1}: ${rows} rows, ${expired} expired; load average ${loadavg()[0]!.toFixed(2)}`);
    }
    console.log(`\nMariaDB, django_session, ${rows} rows, ${(share * 100).toFixed(0)}% expired; ${ARCHIVER_LIMIT} rows a batch on both sides; best of ${ROUNDS}`);
    console.log(`  pt-archiver --purge --bulk-delete --commit-each --limit ${ARCHIVER_LIMIT}: ${list(arch)}`);
    printJanitor(jan);
    ratio('whole process vs pt-archiver, best vs best', best(arch), best(jan.map((r) => r.wall)), GOAL_VS_ARCHIVER);
  } finally {
    await c.end();
    await db.drop();
  }
}

function batchFlags(flags: string[]): string {
  return flags.length ? `${flags.join(' ')} --sleep-seconds 0` : '--sleep-seconds 0 (batch size by its defaults)';
}

try {
  if (values.dialect === 'pg' || values.dialect === 'both') await benchPostgres(Number(values['pg-rows']));
  if (values.dialect === 'mysql' || values.dialect === 'both') {
    await benchMysqlLaravel(Number(values['mysql-rows']));
    await benchMysqlArchiver(Number(values['archiver-rows']), Number(values['archiver-expired']));
  }
} finally {
  rmSync(store, { recursive: true, force: true });
}
