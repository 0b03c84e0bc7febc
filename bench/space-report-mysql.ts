// Times the MySQL/MariaDB space report on a database with many tables
// (issue #2: 2,000 tables and 4,000 indexes within 2 s). Builds a throwaway
// database on the local test server, runs getSpaceReport a few times, drops it.
//
//   npx tsx bench/space-report-mysql.ts [--tables 2000] [--keep]
//
// TEST_MYSQL_URL picks the server (default: the local test server).
import { register } from 'node:module';
import { parseArgs } from 'node:util';

// lib/ modules import 'server-only'; outside Next.js it resolves to nothing (as in the CLI).
register('../lib/runtime/server-only-hook.mjs', import.meta.url);

const { values } = parseArgs({ options: { tables: { type: 'string', default: '2000' }, keep: { type: 'boolean', default: false } } });
const tableCount = Number(values.tables);

const { createMysqlDatabase, mysqlConn } = await import('../tests/helpers/databases');
const { createMysqlAdapter } = await import('../lib/targets/mysql/adapter');
const { parseTargetUrl } = await import('../lib/targets/target-url');
const { getSpaceReport } = await import('../lib/stats/space-report');

const db = await createMysqlDatabase('jt_bench');
const conn = await mysqlConn(db.url);
try {
  const t0 = performance.now();
  // One primary key and one secondary index per table: 2 indexes a table.
  const ddl: string[] = [];
  for (let i = 0; i < tableCount - 1; i++) {
    ddl.push(`CREATE TABLE t_${String(i).padStart(5, '0')} (
      id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(64) NOT NULL, created_at datetime NOT NULL,
      KEY t_${i}_name (name)) ENGINE=InnoDB`);
  }
  ddl.push(`CREATE TABLE django_session (session_key varchar(40) NOT NULL PRIMARY KEY, session_data longtext NOT NULL,
      expire_date datetime(6) NOT NULL, KEY django_session_expire_date (expire_date)) ENGINE=InnoDB`);
  for (let i = 0; i < ddl.length; i += 100) await conn.query(ddl.slice(i, i + 100).join(';\n'));
  await conn.query(`INSERT INTO django_session SELECT MD5(seq), REPEAT('x', 200),
      UTC_TIMESTAMP(6) + INTERVAL (CAST(seq AS SIGNED) % 10 - 8) DAY FROM seq_1_to_100000`);
  await conn.query('ANALYZE TABLE django_session');
  console.log(`built ${tableCount} tables in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const adapter = createMysqlAdapter(parseTargetUrl('bench', db.url, 'TEST_MYSQL_URL'));
  try {
    const runs: number[] = [];
    let last: Awaited<ReturnType<typeof getSpaceReport>> | undefined;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      last = await getSpaceReport(adapter);
      runs.push(performance.now() - started);
    }
    const r = last!;
    console.log(`${r.serverVersion}: ${r.tables.length} tables, ${r.indexes.length} indexes, ${r.sessionTables.length} session table(s)`);
    console.log(`getSpaceReport ms: first ${runs[0]!.toFixed(0)}, then ${runs.slice(1).map((m) => m.toFixed(0)).join(', ')}`);
    for (const s of r.sessionTables) console.log(`  ${s.table} (${s.preset}): ${s.expired} expired / ${s.total} total, exact=${s.exact}`);
  } finally {
    await adapter.close();
  }
} finally {
  await conn.end();
  if (values.keep) console.log(`kept database ${db.name}`);
  else await db.drop();
}
