// Throughput of the cleanup engine against the limit, one big DELETE, on
// identical copies of the findings.md table in the same run (issue #3:
// >= 0.8x on PostgreSQL, >= 0.7x on MariaDB with no sleep and the default
// batch size; mean of the last 10 batches <= 1.5x the first 10).
//
//   npx tsx bench/cleanup-throughput.ts [--dialect pg|mysql|both] [--rows 2000000]
//        [--mysql-rows N] [--delete-count N] [--strategy auto|keyset|…] [--order delete-first|engine-first]
//
// TEST_PG_URL / TEST_MYSQL_URL pick the servers (default: the local test
// servers; non-local hosts are refused, since this creates and drops databases).
import { register } from 'node:module';
import { parseArgs } from 'node:util';

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

type BigDelete = { deleted: number; seconds: number; verifySeconds: number };
type EngineRun = { deleted: number; deleteSeconds: number; seconds: number; batchMs: number[]; strategy: string; reason: string };

function report(title: string, big: BigDelete, engine: EngineRun, target: number) {
  const bigRate = big.deleted / big.seconds;
  const engRate = engine.deleted / engine.deleteSeconds;
  const ratio = engRate / bigRate;
  const wholeRatio = (big.seconds + big.verifySeconds) / engine.seconds;
  const first = mean(engine.batchMs.slice(0, 10));
  const last = mean(engine.batchMs.slice(-10));
  const s = (x: number) => `${x.toFixed(2)} s`;
  console.log(`\n${title}`);
  console.log(`  one big DELETE:            ${s(big.seconds).padStart(8)}  ${fmtRate(bigRate).padStart(6)} rows/s`);
  console.log(`  engine (${engine.strategy}), ${engine.batchMs.length} batches: ${s(engine.deleteSeconds).padStart(8)}  ${fmtRate(engRate).padStart(6)} rows/s`);
  console.log(`  => throughput ratio engine / big DELETE: ${ratio.toFixed(2)}x (target >= ${target}x) ${ratio >= target ? 'OK' : 'BELOW TARGET'}`);
  console.log(
    `  => batch ms, mean of first 10 -> last 10: ${first.toFixed(1)} -> ${last.toFixed(1)} = ${(last / first).toFixed(2)}x (target <= 1.5x) ${last / first <= 1.5 ? 'OK' : 'ABOVE TARGET'}`,
  );
  console.log(
    `  with the final verification count: engine run ${s(engine.seconds)} vs big DELETE + the same count ${s(big.seconds)} + ${s(big.verifySeconds)} => ${wholeRatio.toFixed(2)}x`,
  );
  console.log(`  (the first read after a mass delete prunes the dead rows: work one big DELETE leaves for later)`);
  console.log(`  strategy: ${engine.reason}`);
}

/** Runs the engine as the CLI would (default knobs, no sleep) and times the deleting and the whole run. */
async function runEngine(adapter: { cleanupDriver: () => import('../lib/cleanup/driver').CleanupDriver }, schema: string, cutoff: Date): Promise<EngineRun> {
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
    return { deleted: r.totalDeleted, deleteSeconds: (lastBatchAt - t) / 1000, seconds, batchMs, strategy: prep.plan.strategy, reason: prep.plan.reason };
  } finally {
    await driver.close();
  }
}

async function sideBySide(bigDelete: () => Promise<BigDelete>, engine: () => Promise<EngineRun>): Promise<[BigDelete, EngineRun]> {
  if (values.order === 'engine-first') {
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
  try {
    const cutoff = new Date();
    const t0 = performance.now();
    await seedPgSessions(c, { rows, cutoff, copies: ['big_delete', 'engine'] });
    const [{ v }] = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows;
    const expired = Number((await c.query('SELECT count(*) AS n FROM engine WHERE expire_date < $1', [cutoff])).rows[0].n);
    console.log(`PostgreSQL ${v}: seeded 2 x ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await c.query('SET statement_timeout = 0');
    const countLeft = async (table: string) => Number((await c.query(`SELECT count(*) AS n FROM ${table} WHERE expire_date < $1`, [cutoff])).rows[0].n);

    const [big, eng] = await sideBySide(
      async () => {
        await c.query('CHECKPOINT');
        let t = performance.now();
        const r = await c.query('DELETE FROM big_delete WHERE expire_date < $1', [cutoff]);
        const seconds = (performance.now() - t) / 1000;
        t = performance.now();
        if ((await countLeft('big_delete')) !== 0) throw new Error('big DELETE left expired rows');
        return { deleted: r.rowCount ?? 0, seconds, verifySeconds: (performance.now() - t) / 1000 };
      },
      async () => {
        await c.query('CHECKPOINT');
        return runEngine(adapter, 'public', cutoff);
      },
    );
    if ((await countLeft('engine')) !== 0) throw new Error('engine left expired rows');
    if (big.deleted !== expired || eng.deleted !== expired) throw new Error(`deleted ${big.deleted} / ${eng.deleted}, expected ${expired}`);
    report(`PostgreSQL ${v.split(' ')[0]}, ${rows} rows, ${expired} expired (${((100 * expired) / rows).toFixed(1)}%), batch ${params.deleteCount}, no sleep`, big, eng, 0.8);
  } finally {
    await adapter.close();
    await c.end();
    await db.drop();
  }
}

async function benchMysql(rows: number) {
  const db = await createMysqlDatabase('jt_bench');
  const c = await mysqlConn(db.url);
  const adapter = createMysqlAdapter(parseTargetUrl('bench', db.url, 'TEST_MYSQL_URL'));
  try {
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
      async () => {
        await waitForPurge(c);
        let t = performance.now();
        const [r] = (await c.query('DELETE FROM big_delete WHERE expire_date < ?', [cutoff])) as unknown as [{ affectedRows: number }];
        const seconds = (performance.now() - t) / 1000;
        t = performance.now();
        if ((await countLeft('big_delete')) !== 0) throw new Error('big DELETE left expired rows');
        return { deleted: r.affectedRows, seconds, verifySeconds: (performance.now() - t) / 1000 };
      },
      async () => {
        await waitForPurge(c);
        return runEngine(adapter, db.name, cutoff);
      },
    );
    if ((await countLeft('engine')) !== 0) throw new Error('engine left expired rows');
    if (big.deleted !== expired || eng.deleted !== expired) throw new Error(`deleted ${big.deleted} / ${eng.deleted}, expected ${expired}`);
    report(`${v}, ${rows} rows, ${expired} expired (${((100 * expired) / rows).toFixed(1)}%), batch ${params.deleteCount}, no sleep`, big, eng, 0.7);
  } finally {
    await adapter.close();
    await c.end();
    await db.drop();
  }
}

function spec(schema: string, table: string) {
  return { schema, table, expiryColumn: 'expire_date', expiryType: 'timestamp' as const, ttlSeconds: null };
}

const rows = Number(values.rows);
if (values.dialect === 'pg' || values.dialect === 'both') await benchPostgres(rows);
if (values.dialect === 'mysql' || values.dialect === 'both') await benchMysql(Number(values['mysql-rows'] ?? rows));
