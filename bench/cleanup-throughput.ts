// Whole-run speed of a real `janitor cleanup` (no sleep, the default 10,000
// rows a batch) against the limit, one big DELETE, and on MariaDB against
// Percona's pt-archiver, on identical copies of the findings.md table
// (issue #11: >= 0.9x of one DELETE on both dialects, >= 1.5x pt-archiver).
//
//   npm run bench:cleanup:throughput -- [--dialect pg|mysql|both] [--pg-rows 1500000]
//        [--mysql-rows 600000] [--expired 0.6] [--rounds 2] [--delete-count N]
//
// Each round seeds fresh copies and rotates which side runs first; the ratios
// compare best with best over the rounds, so one slow run on either side (a
// checkpoint, a neighbour's burst) flatters neither. Janitor is timed by its
// own `done.seconds` (the run, as the run page shows it) and as a whole
// process (start-up, store, planning included); the big DELETE and
// pt-archiver as what they are: one statement, one process.
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
import { mean, seedMysqlSessions, seedPgSessions, waitForPurge } from './cleanup-seed';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    'pg-rows': { type: 'string', default: '1500000' },
    'mysql-rows': { type: 'string', default: '600000' },
    expired: { type: 'string', default: '0.6' },
    rounds: { type: 'string', default: '2' },
    'delete-count': { type: 'string', default: '10000' },
  },
});
const ROUNDS = Math.max(1, Number(values.rounds));
const SHARE = Number(values.expired);
const DELETE_COUNT = Number(values['delete-count']);
const GOAL_VS_DELETE = 0.9;
const GOAL_VS_ARCHIVER = 1.5;
// Live rows expire a day after the cutoff at the earliest: none turns expired
// while a round runs, so every side has exactly the same rows to delete.
const LIVE_AFTER_S = 86_400;
const store = mkdtempSync(path.join(tmpdir(), 'janitor-bench-'));

type Janitor = { seconds: number; wall: number; deleted: number; batchMs: number[]; strategy: string };

/** Runs the real command and reads its JSON lines. */
function runJanitor(url: string, table: string): Promise<Janitor> {
  const args = ['cli/janitor.mjs', 'cleanup', '--url', url, '--table', table, '--expiry-column', 'expire_date', '--expiry-type', 'timestamp', '--timestamp-zone', 'utc'];
  args.push('--sleep-seconds', '0', '--delete-count', String(DELETE_COUNT), '--json');
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
function runArchiver(url: string, table: string, cutoff: Date): number {
  const u = new URL(url);
  const dsn = `h=${u.hostname},P=${u.port || 3306},u=${decodeURIComponent(u.username)},p=${decodeURIComponent(u.password)},D=${u.pathname.slice(1)},t=${table}`;
  const where = `expire_date < '${cutoff.toISOString().replace('T', ' ').replace('Z', '')}'`;
  const t = performance.now();
  const r = spawnSync('pt-archiver', ['--source', dsn, '--where', where, '--purge', '--bulk-delete', '--commit-each', '--limit', String(DELETE_COUNT), '--no-check-charset', '--set-vars', "time_zone='+00:00'"], { encoding: 'utf8' });
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
          const r = await runJanitor(db.url, 'engine');
          if (r.deleted !== expired) throw new Error(`janitor deleted ${r.deleted}, expected ${expired}`);
          jan.push(r);
        },
      };
      for (const side of rotate(['delete', 'janitor'] as const, round)) await sides[side]();
      console.log(`PostgreSQL round ${round + 1}: ${rows} rows, ${expired} expired; load average ${loadavg()[0]!.toFixed(2)}`);
    }
    console.log(`\nPostgreSQL, ${rows} rows, ${(SHARE * 100).toFixed(0)}% expired, ${DELETE_COUNT} a batch, no sleep; best of ${ROUNDS}`);
    console.log(`  one big DELETE:                     ${list(big)}`);
    printJanitor(jan);
    ratio('whole run vs one DELETE, best vs best', best(big), best(jan.map((r) => r.seconds)), GOAL_VS_DELETE);
  } finally {
    await c.end();
    await db.drop();
  }
}

async function benchMysql(rows: number) {
  const archiver = ensureArchiver();
  const db = await createMysqlDatabase('jt_bench');
  const c = await mysqlConn(db.url);
  const big: number[] = [];
  const arch: number[] = [];
  const jan: Janitor[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const cutoff = new Date(Date.now() - 1000);
      const copies = archiver ? ['big_delete', 'engine', 'archiver'] : ['big_delete', 'engine'];
      await seedMysqlSessions(c, { rows, cutoff, expiredShare: SHARE, copies, liveAfterSeconds: LIVE_AFTER_S });
      const left = async (t: string) => Number(((await c.query(`SELECT COUNT(*) AS n FROM ${t} WHERE expire_date < ?`, [cutoff])) as unknown as [[{ n: number }]])[0][0].n);
      const size = async (t: string) => Number(((await c.query(`SELECT COUNT(*) AS n FROM ${t}`)) as unknown as [[{ n: number }]])[0][0].n);
      const expired = await left('engine');
      const sides = {
        delete: async () => {
          await waitForPurge(c);
          const t = performance.now();
          const [r] = (await c.query('DELETE FROM big_delete WHERE expire_date < ?', [cutoff])) as unknown as [{ affectedRows: number }];
          big.push((performance.now() - t) / 1000);
          if (r.affectedRows !== expired) throw new Error(`big DELETE deleted ${r.affectedRows}, expected ${expired}`);
        },
        janitor: async () => {
          await waitForPurge(c);
          const r = await runJanitor(db.url, 'engine');
          if (r.deleted !== expired || (await left('engine')) !== 0) throw new Error(`janitor deleted ${r.deleted}, expected ${expired}`);
          jan.push(r);
        },
        archiver: async () => {
          await waitForPurge(c);
          arch.push(runArchiver(db.url, 'archiver', cutoff));
          if ((await left('archiver')) !== 0 || (await size('archiver')) !== rows - expired) throw new Error('pt-archiver left a different table');
        },
      };
      for (const side of rotate(archiver ? (['delete', 'janitor', 'archiver'] as const) : (['delete', 'janitor'] as const), round)) await sides[side]();
      await waitForPurge(c);
      console.log(`MariaDB round ${round + 1}: ${rows} rows, ${expired} expired; load average ${loadavg()[0]!.toFixed(2)}`);
    }
    const [[{ v }]] = (await c.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    console.log(`\n${v}, ${rows} rows, ${(SHARE * 100).toFixed(0)}% expired, ${DELETE_COUNT} a batch, no sleep; best of ${ROUNDS}`);
    console.log(`  one big DELETE:                     ${list(big)}`);
    if (archiver) console.log(`  pt-archiver --purge --bulk-delete --commit-each --limit ${DELETE_COUNT}: ${list(arch)}`);
    printJanitor(jan);
    ratio('whole run vs one DELETE, best vs best', best(big), best(jan.map((r) => r.seconds)), GOAL_VS_DELETE);
    if (archiver) ratio('whole process vs pt-archiver, best vs best', best(arch), best(jan.map((r) => r.wall)), GOAL_VS_ARCHIVER);
  } finally {
    await c.end();
    await db.drop();
  }
}

try {
  if (values.dialect === 'pg' || values.dialect === 'both') await benchPostgres(Number(values['pg-rows']));
  if (values.dialect === 'mysql' || values.dialect === 'both') await benchMysql(Number(values['mysql-rows']));
} finally {
  rmSync(store, { recursive: true, force: true });
}
