// Peak memory of a process running the cleanup engine over 200k rows vs 2M
// rows (issue #3: within +50 MB). Each cleanup runs in a fresh child process,
// as the CLI would, and reports process.resourceUsage().maxRSS.
//
//   npx tsx bench/cleanup-memory.ts [--dialect pg|mysql|both] [--small 200000] [--large 2000000]
//
// Once the CLI runs cleanups, the same comparison applies to `janitor cleanup`.
import { register } from 'node:module';
import { fork } from 'node:child_process';
import { parseArgs } from 'node:util';

register('../cli/server-only-hook.mjs', import.meta.url);

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    small: { type: 'string', default: '200000' },
    large: { type: 'string', default: '2000000' },
    child: { type: 'boolean', default: false },
    kind: { type: 'string' },
    url: { type: 'string' },
    table: { type: 'string' },
    schema: { type: 'string' },
    cutoff: { type: 'string' },
  },
});

type ChildReport = { maxRssMb: number; deleted: number; batches: number; seconds: number; endedBy: string };

/** The child: one cleanup with default knobs and no sleep, then its peak RSS. */
async function child() {
  const { parseTargetUrl } = await import('../lib/targets/target-url');
  const { prepareCleanup } = await import('../lib/cleanup/prepare');
  const { runCleanup } = await import('../lib/cleanup/engine');
  const { cleanupParamsSchema } = await import('../lib/schemas/cleanup-params');
  const config = parseTargetUrl('bench', values.url!, 'url');
  const adapter =
    values.kind === 'pg'
      ? (await import('../lib/targets/postgres/adapter')).createPostgresAdapter(config)
      : (await import('../lib/targets/mysql/adapter')).createMysqlAdapter(config);
  const params = cleanupParamsSchema.parse({ sleepSeconds: 0 });
  const driver = adapter.cleanupDriver();
  const t = performance.now();
  const prep = await prepareCleanup({
    driver,
    spec: { schema: values.schema!, table: values.table!, expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null },
    cutoff: new Date(values.cutoff!),
    params,
  });
  const r = await runCleanup({ driver, table: prep.table, bound: prep.bound, strategy: prep.plan.strategy, expiredFraction: prep.estimate.fraction, getParams: () => params });
  await driver.close();
  await adapter.close();
  const report: ChildReport = {
    // maxRSS is in kilobytes
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    deleted: r.totalDeleted,
    batches: r.batches,
    seconds: (performance.now() - t) / 1000,
    endedBy: r.endedBy,
  };
  process.send!(report, () => process.exit(0));
}

function runChild(args: string[]): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const c = fork(new URL(import.meta.url).pathname, ['--child', ...args]);
    c.once('message', (m) => resolve(m as ChildReport));
    c.once('exit', (code) => code !== 0 && reject(new Error(`child exited with ${code}`)));
  });
}

async function bench(kind: 'pg' | 'mysql') {
  const dbs = await import('../tests/helpers/databases');
  const { seedPgSessions, seedMysqlSessions } = await import('./cleanup-seed');
  const sizes = [Number(values.small), Number(values.large)];
  const cutoff = new Date();
  const db = kind === 'pg' ? await dbs.createPgDatabase('jt_bench') : await dbs.createMysqlDatabase('jt_bench');
  try {
    const results: Array<[number, ChildReport]> = [];
    for (const rows of sizes) {
      const table = `mem_${rows}`;
      if (kind === 'pg') {
        const c = await dbs.pgClient(db.url);
        await seedPgSessions(c, { rows, cutoff, copies: [table] });
        await c.end();
      } else {
        const c = await dbs.mysqlConn(db.url);
        await seedMysqlSessions(c, { rows, cutoff, copies: [table] });
        await c.end();
      }
      const schema = kind === 'pg' ? 'public' : db.name;
      const r = await runChild(['--kind', kind, '--url', db.url, '--schema', schema, '--table', table, '--cutoff', cutoff.toISOString()]);
      if (r.endedBy !== 'done') throw new Error(`cleanup of ${table} ended by ${r.endedBy}`);
      results.push([rows, r]);
    }
    console.log(`\n${kind === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'}: peak RSS of a process running one cleanup (default batch size, no sleep)`);
    for (const [rows, r] of results) {
      console.log(`  ${String(rows).padStart(9)} rows: ${r.maxRssMb.toFixed(1).padStart(6)} MB peak RSS, ${r.deleted} deleted in ${r.batches} batches, ${r.seconds.toFixed(1)} s`);
    }
    const diff = results[1]![1].maxRssMb - results[0]![1].maxRssMb;
    console.log(`  => ${sizes[1]} rows vs ${sizes[0]}: ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} MB (target within +50 MB) ${diff <= 50 ? 'OK' : 'ABOVE TARGET'}`);
  } finally {
    await db.drop();
  }
}

if (values.child) {
  await child();
} else {
  if (values.dialect === 'pg' || values.dialect === 'both') await bench('pg');
  if (values.dialect === 'mysql' || values.dialect === 'both') await bench('mysql');
}
