// Two workers against one: four session tables in two targets (two
// PostgreSQL databases, two tables each), queued at once with default
// settings (`janitor cleanup --detach`), worked by `janitor worker
// --concurrency 2` processes on one PostgreSQL store (pg-boss). The wall time
// is from the first queue to the last run completed, measured side by side on
// identical data, best of the rounds for each side.
//
//   npx tsx bench/fleet-speedup.ts [--rows 40000] [--rounds 2]
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createPgDatabase, pgClient, type TestDb } from '../tests/helpers/databases';
import { seedDjangoSessions } from '../tests/helpers/session-tables';
import { createTempStore, queryStore } from '../tests/helpers/temp-store';
import { startWorkerProcess, type WorkerProcess } from '../tests/helpers/worker-process';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '2' } } });
const rows = Number(values.rows);
const rounds = Number(values.rounds);
const TABLES = ['django_session', 'admin_session'];

async function seed(targets: TestDb[]) {
  for (const t of targets) {
    const c = await pgClient(t.url);
    await c.query('DROP TABLE IF EXISTS django_session; DROP TABLE IF EXISTS admin_session');
    await c.end();
    await seedDjangoSessions('postgres', t.url, rows);
    const c2 = await pgClient(t.url);
    await c2.query('CREATE TABLE admin_session (LIKE django_session INCLUDING ALL); INSERT INTO admin_session SELECT * FROM django_session; ANALYZE admin_session');
    await c2.end();
  }
}

function queue(env: NodeJS.ProcessEnv, target: string, table: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['cli/janitor.mjs', 'cleanup', '--target', target, '--table', table, '--preset', 'django', '--detach', '--json'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`janitor cleanup --detach exited ${code}`))));
  });
}

async function round(workerCount: number, targets: TestDb[]): Promise<number> {
  await seed(targets);
  const store = await createTempStore('postgres');
  const targetEnv = { a: targets[0]!.url, b: targets[1]!.url };
  const env = { ...process.env, DATABASE_URL: store.url, JANITOR_TARGET_A: targetEnv.a, JANITOR_TARGET_B: targetEnv.b };
  // Migrate the store before the clock starts.
  spawnSync(process.execPath, ['cli/janitor.mjs', 'runs', 'list'], { env, stdio: 'ignore' });
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < workerCount; i++) workers.push(startWorkerProcess({ databaseUrl: store.url, targets: targetEnv, concurrency: 2 }));
  await Promise.all(workers.map((w) => w.id));
  const t0 = Date.now();
  await Promise.all(['a', 'b'].flatMap((t) => TABLES.map((table) => queue(env, t, table))));
  for (;;) {
    const runs = await queryStore(store.url, 'SELECT "status" FROM "Run"');
    if (runs.length === 4 && runs.every((r) => r.status === 'completed')) break;
    if (runs.some((r) => r.status === 'failed')) throw new Error('a run failed');
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.stop()));
  await store.drop();
  return seconds;
}

const targets = [await createPgDatabase('bench_fleet_a'), await createPgDatabase('bench_fleet_b')];
try {
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    // Alternated, so a busier moment of the machine does not favour one side.
    one.push(await round(1, targets));
    two.push(await round(2, targets));
    console.log(`round ${r}: one worker ${one.at(-1)!.toFixed(1)} s, two workers ${two.at(-1)!.toFixed(1)} s`);
  }
  const best1 = Math.min(...one);
  const best2 = Math.min(...two);
  console.log(`\nfour tables of ${rows.toLocaleString('en-US')} rows (80% expired) in two targets, default settings, workers with --concurrency 2`);
  console.log(`best of ${rounds}: one worker ${best1.toFixed(1)} s, two workers ${best2.toFixed(1)} s`);
  console.log(`speed-up of two workers over one: ${(best1 / best2).toFixed(2)}x`);
} finally {
  for (const t of targets) await t.drop();
}
