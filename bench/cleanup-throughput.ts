// Throughput of the cleanup engine against the limit, one big DELETE, on
// identical copies of the findings.md table in the same run (issue #3:
// >= 0.8x on PostgreSQL, >= 0.7x on MariaDB with no sleep and the default
// batch size; mean of the last 10 batches <= 1.5x the first 10).
//
//   npx tsx bench/cleanup-throughput.ts [--dialect pg|mysql|both] [--rows 2000000]
//        [--mysql-rows N] [--delete-count N] [--strategy auto|keyset|…] [--order delete-first|engine-first]
//        [--rounds N]   (N > 1: fresh copies each round, alternating which runs first; prints the median)
//
// TEST_PG_URL / TEST_MYSQL_URL pick the servers (default: the local test
// servers; non-local hosts are refused, since this creates and drops databases).
import { register } from 'node:module';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';

// lib/ modules import 'server-only'; outside Next.js it resolves to nothing (as in the CLI).
register('../cli/server-only-hook.mjs', import.meta.url);

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    rows: { type: 'string', default: '2000000' },
    'mysql-rows': { type: 'string' },
    'delete-count': { type: 'string' },
    strategy: { type: 'string', default: 'auto' },
    order: { type: 'string', default: 'delete-first' },
    rounds: { type: 'string', default: '1' },
  },
});

const { createPgDatabase, createMysqlDatabase, pgClient, mysqlConn } = await import('../tests/helpers/databases');
const { createPostgresAdapter } = await import('../lib/targets/postgres/adapter');
const { createMysqlAdapter } = await import('../lib/targets/mysql/adapter');
const { parseTargetUrl } = await import('../lib/targets/target-url');
const { prepareCleanup } = await import('../lib/cleanup/prepare');
const { runCleanup } = await import('../lib/cleanup/engine');
const { cleanupParamsSchema } = await import('../lib/schemas/cleanup-params');
const { seedPgSessions, seedMysqlSessions, waitForPurge, mean, fmtRate } = await import('./cleanup-seed');

const params = cleanupParamsSchema.parse({
  sleepSeconds: 0,
  deleteCount: values['delete-count'],
  strategy: values.strategy,
});

/** Times in seconds. `after`: the deferred work a DELETE leaves (PostgreSQL: the first read prunes the dead rows; InnoDB: purge). */
type BigDelete = { deleted: number; seconds: number; after: number };
type EngineRun = { deleted: number; deleteSeconds: number; seconds: number; after: number; batchMs: number[]; strategy: string; reason: string };

function report(title: string, afterLabel: string, big: BigDelete, engine: EngineRun, target: number): Ratios {
  const bigRate = big.deleted / big.seconds;
  const engRate = engine.deleted / engine.deleteSeconds;
  const ratio = engRate / bigRate;
  const wholeRatio = (big.seconds + big.after) / (engine.seconds + engine.after);
  const first = mean(engine.batchMs.slice(0, 10));
  const last = mean(engine.batchMs.slice(-10));
  const s = (x: number) => `${x.toFixed(2)} s`;
  console.log(`\n${title}`);
  console.log(`  one big DELETE:                   ${s(big.seconds).padStart(9)}  ${fmtRate(bigRate).padStart(6)} rows/s`);
  console.log(`  engine (${engine.strategy}), ${engine.batchMs.length} batches: ${s(engine.deleteSeconds).padStart(9)}  ${fmtRate(engRate).padStart(6)} rows/s`);
  console.log(`  => throughput ratio engine / big DELETE: ${ratio.toFixed(2)}x (target >= ${target}x) ${ratio >= target ? 'OK' : 'BELOW TARGET'}`);
  console.log(
    `  => batch ms, mean of first 10 -> last 10: ${first.toFixed(1)} -> ${last.toFixed(1)} = ${(last / first).toFixed(2)}x (target <= 1.5x) ${last / first <= 1.5 ? 'OK' : 'ABOVE TARGET'}`,
  );
  console.log(`  all the work, including ${afterLabel}:`);
  console.log(`     big DELETE ${s(big.seconds)} + ${s(big.after)} after = ${s(big.seconds + big.after)}`);
  console.log(`     engine run ${s(engine.seconds)} (with its final count) + ${s(engine.after)} after = ${s(engine.seconds + engine.after)}   => ${wholeRatio.toFixed(2)}x`);
  console.log(`  strategy: ${engine.reason}`);
  // Other work on the machine shows up as noise here: re-run when the load is high.
  console.log(`  load average (1 min) now: ${loadavg()[0]!.toFixed(2)}`);
  return { ratio, flat: last / first, whole: wholeRatio };
}

type Ratios = { ratio: number; flat: number; whole: number };

function summary(label: string, all: Ratios[], target: number) {
  if (all.length < 2) return;
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const list = (f: (r: Ratios) => number) => all.map((r) => f(r).toFixed(2)).join(', ');
  console.log(`\n${label}, ${all.length} rounds (alternating which runs first):`);
  console.log(`  throughput ratio: ${list((r) => r.ratio)} -> median ${med(all.map((r) => r.ratio)).toFixed(2)}x (target >= ${target}x)`);
  console.log(`  last 10 / first 10 batches: ${list((r) => r.flat)} -> median ${med(all.map((r) => r.flat)).toFixed(2)}x (target <= 1.5x)`);
  console.log(`  all the work incl. deferred cleanup: ${list((r) => r.whole)} -> median ${med(all.map((r) => r.whole)).toFixed(2)}x`);
}

/** Runs the engine as the CLI would (default knobs, no sleep) and times the deleting and the whole run. */
async function runEngine(
  adapter: { cleanupDriver: () => import('../lib/cleanup/driver').CleanupDriver },
  schema: string,
  cutoff: Date,
  after: () => Promise<number>,
): Promise<EngineRun> {
  const driver = adapter.cleanupDriver();
  try {
    const prep = await prepareCleanup({ driver, spec: spec(schema, 'engine'), cutoff, params });
    const batchMs: number[] = [];
    const t = performance.now();
    let lastBatchAt = t;
    const r = await runCleanup({
      driver,
      table: prep.table,
      bound: prep.bound,
      strategy: prep.plan.strategy,
      expiredFraction: prep.estimate.fraction,
      getParams: () => params,
      onBatch: (e) => {
        batchMs.push(e.ms);
        lastBatchAt = performance.now();
      },
    });
    const seconds = (performance.now() - t) / 1000;
    if (r.endedBy !== 'done') throw new Error(`engine ended by ${r.endedBy}: ${r.error?.message}`);
    return {
      deleted: r.totalDeleted,
      deleteSeconds: (lastBatchAt - t) / 1000,
      seconds,
      after: await after(),
      batchMs,
      strategy: prep.plan.strategy,
      reason: prep.plan.reason,
    };
  } finally {
    await driver.close();
  }
}

async function sideBySide(order: string, bigDelete: () => Promise<BigDelete>, engine: () => Promise<EngineRun>): Promise<[BigDelete, EngineRun]> {
  if (order === 'engine-first') {
    const e = await engine();
    return [await bigDelete(), e];
  }
  const b = await bigDelete();
  return [b, await engine()];
}

async function benchPostgres(rows: number) {
  const db = await createPgDatabase('jt_bench');
  const c = await pgClient(db.url);
  const adapter = createPostgresAdapter(parseTargetUrl('bench', db.url, 'TEST_PG_URL'));
  const all: Ratios[] = [];
  try {
    for (let round = 1; round <= rounds; round++) all.push(await roundPostgres(round));
    summary('PostgreSQL', all, 0.8);
  } finally {
    await adapter.close();
    await c.end();
    await db.drop();
  }

  async function roundPostgres(round: number): Promise<Ratios> {
    const order = orderOf(round);
    const cutoff = new Date();
    const t0 = performance.now();
    await seedPgSessions(c, { rows, cutoff, copies: ['big_delete', 'engine'] });
    const [{ v }] = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows;
    const expired = Number((await c.query('SELECT count(*) AS n FROM engine WHERE expire_date < $1', [cutoff])).rows[0].n);
    console.log(`PostgreSQL ${v}: seeded 2 x ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await c.query('SET statement_timeout = 0');
    const countLeft = async (table: string) => Number((await c.query(`SELECT count(*) AS n FROM ${table} WHERE expire_date < $1`, [cutoff])).rows[0].n);

    const [big, eng] = await sideBySide(
      order,
      async () => {
        await c.query('CHECKPOINT');
        let t = performance.now();
        const r = await c.query('DELETE FROM big_delete WHERE expire_date < $1', [cutoff]);
        const seconds = (performance.now() - t) / 1000;
        t = performance.now();
        if ((await countLeft('big_delete')) !== 0) throw new Error('big DELETE left expired rows');
        return { deleted: r.rowCount ?? 0, seconds, after: (performance.now() - t) / 1000 };
      },
      async () => {
        await c.query('CHECKPOINT');
        return runEngine(adapter, 'public', cutoff, async () => {
          const t = performance.now();
          if ((await countLeft('engine')) !== 0) throw new Error('engine left expired rows');
          return (performance.now() - t) / 1000;
        });
      },
    );
    if (big.deleted !== expired || eng.deleted !== expired) throw new Error(`deleted ${big.deleted} / ${eng.deleted}, expected ${expired}`);
    return report(
      `PostgreSQL ${v.split(' ')[0]}, ${rows} rows, ${expired} expired (${((100 * expired) / rows).toFixed(1)}%), batch ${params.deleteCount}, no sleep, ${order}`,
      'the first count afterwards (it prunes the dead rows)',
      big,
      eng,
      0.8,
    );
  }
}

async function benchMysql(rows: number) {
  const db = await createMysqlDatabase('jt_bench');
  const c = await mysqlConn(db.url);
  const adapter = createMysqlAdapter(parseTargetUrl('bench', db.url, 'TEST_MYSQL_URL'));
  const all: Ratios[] = [];
  try {
    for (let round = 1; round <= rounds; round++) all.push(await roundMysql(round));
    summary('MySQL/MariaDB', all, 0.7);
  } finally {
    await adapter.close();
    await c.end();
    await db.drop();
  }

  async function roundMysql(round: number): Promise<Ratios> {
    const order = orderOf(round);
    const cutoff = new Date();
    const t0 = performance.now();
    await seedMysqlSessions(c, { rows, cutoff, copies: ['big_delete', 'engine'] });
    const [[{ v }]] = (await c.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
    const countLeft = async (table: string) => {
      const [[r]] = (await c.query(`SELECT COUNT(*) AS n FROM ${table} WHERE expire_date < ?`, [cutoff])) as unknown as [[{ n: number }]];
      return Number(r.n);
    };
    const expired = await countLeft('engine');
    console.log(`${v}: seeded 2 x ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const [big, eng] = await sideBySide(
      order,
      async () => {
        await waitForPurge(c);
        const t = performance.now();
        const [r] = (await c.query('DELETE FROM big_delete WHERE expire_date < ?', [cutoff])) as unknown as [{ affectedRows: number }];
        const seconds = (performance.now() - t) / 1000;
        const after = await waitForPurge(c);
        if ((await countLeft('big_delete')) !== 0) throw new Error('big DELETE left expired rows');
        return { deleted: r.affectedRows, seconds, after };
      },
      async () => {
        await waitForPurge(c);
        return runEngine(adapter, db.name, cutoff, () => waitForPurge(c));
      },
    );
    if ((await countLeft('engine')) !== 0) throw new Error('engine left expired rows');
    if (big.deleted !== expired || eng.deleted !== expired) throw new Error(`deleted ${big.deleted} / ${eng.deleted}, expected ${expired}`);
    return report(
      `${v}, ${rows} rows, ${expired} expired (${((100 * expired) / rows).toFixed(1)}%), batch ${params.deleteCount}, no sleep, ${order}`,
      'InnoDB purge of the deleted rows',
      big,
      eng,
      0.7,
    );
  }
}

const rounds = Number(values.rounds);

/** With several rounds, alternate which side runs first so neither always gets the warmer server. */
function orderOf(round: number): string {
  if (rounds === 1) return values.order!;
  return round % 2 === 1 ? 'delete-first' : 'engine-first';
}

function spec(schema: string, table: string) {
  return { schema, table, expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null, timestampZone: 'utc' };
}

const rows = Number(values.rows);
if (values.dialect === 'pg' || values.dialect === 'both') await benchPostgres(rows);
if (values.dialect === 'mysql' || values.dialect === 'both') await benchMysql(Number(values['mysql-rows'] ?? rows));
