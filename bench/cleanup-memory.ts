// Peak memory of the `janitor cleanup` CLI process deleting 200k rows vs 2M
// rows (issue #11: at most 120 MB at either size, and flat: the 2M run within
// 10% of the 200k one). Each cleanup is the real command, as cron would run it
// (`node cli/janitor.mjs cleanup … --json`, default batch size, no sleep), with
// its own store file; its peak RSS is the kernel's VmHWM for that process,
// read from /proc while it runs.
//
//   npx tsx bench/cleanup-memory.ts [--dialect pg|mysql|both] [--small 200000] [--large 2000000]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as dbs from '../tests/helpers/databases';
import { seedMysqlSessions, seedPgSessions } from './cleanup-seed';

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    small: { type: 'string', default: '200000' },
    large: { type: 'string', default: '2000000' },
  },
});

/** Issue #11's goal: peak RSS at either size, and the larger run's peak over the smaller's. */
const GOAL_MB = 120;
const FLAT_RATIO = 1.1;

const cli = path.resolve(import.meta.dirname, '../cli/janitor.mjs');

type CliReport = { peakRssMb: number; deleted: number; batches: number; seconds: number; status: string };

/** The kernel's high-water mark of the process's resident set, in MB (null once it has exited). */
function peakRssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Runs `janitor cleanup --json` to the end and returns its peak RSS and its last line. */
function runCli(url: string, schema: string, table: string, storeFile: string): Promise<CliReport> {
  return new Promise((resolve, reject) => {
    const args = [cli, 'cleanup', '--url', url, '--schema', schema, '--table', table, '--preset', 'django', '--sleep-seconds', '0', '--json'];
    const child = spawn(process.execPath, args, { env: { ...process.env, DATABASE_URL: `file:${storeFile}` }, stdio: ['ignore', 'pipe', 'inherit'] });
    let peak = 0;
    // VmHWM only grows, so the last reading before exit is the peak (to within the last 10 ms).
    const sample = setInterval(() => (peak = Math.max(peak, peakRssMb(child.pid!) ?? peak)), 10);
    let done: { status: string; totalDeleted: number; batches: number; seconds: number } | null = null;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as { type: string };
      if (e.type === 'done') done = e as unknown as typeof done;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(sample);
      if (code !== 0 || !done) return reject(new Error(`janitor cleanup exited with ${code}`));
      resolve({ peakRssMb: peak, deleted: done.totalDeleted, batches: done.batches, seconds: done.seconds, status: done.status });
    });
  });
}

async function bench(kind: 'pg' | 'mysql') {
  const sizes = [Number(values.small), Number(values.large)];
  const db = kind === 'pg' ? await dbs.createPgDatabase('jt_bench') : await dbs.createMysqlDatabase('jt_bench');
  const dir = mkdtempSync(path.join(tmpdir(), 'janitor-mem-'));
  try {
    const results: Array<[number, CliReport]> = [];
    for (const rows of sizes) {
      const table = `mem_${rows}`;
      // Seeded against now, so the CLI's cutoff (its own start) finds the same ~80% expired.
      const cutoff = new Date();
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
      const r = await runCli(db.url, schema, table, path.join(dir, `${kind}-${rows}.db`));
      if (r.status !== 'completed') throw new Error(`cleanup of ${table} ended ${r.status}`);
      results.push([rows, r]);
    }
    console.log(`\n${kind === 'pg' ? 'PostgreSQL' : 'MySQL/MariaDB'}: peak RSS of the janitor cleanup process (default batch size, no sleep)`);
    for (const [rows, r] of results) {
      console.log(`  ${String(rows).padStart(9)} rows: ${r.peakRssMb.toFixed(1).padStart(6)} MB peak RSS, ${r.deleted} deleted in ${r.batches} batches, ${r.seconds.toFixed(1)} s`);
    }
    const [small, large] = [results[0]![1].peakRssMb, results[1]![1].peakRssMb];
    const ratio = large / small;
    const ok = Math.max(small, large) <= GOAL_MB && ratio <= FLAT_RATIO;
    console.log(`  => peak RSS ${sizes[0]} rows: ${small.toFixed(1)} MB | ${sizes[1]} rows: ${large.toFixed(1)} MB | ratio ${ratio.toFixed(2)} (${large - small >= 0 ? '+' : ''}${(large - small).toFixed(1)} MB)`);
    console.log(`     goal: at most ${GOAL_MB} MB at both sizes, ratio at most ${FLAT_RATIO.toFixed(2)}: ${ok ? 'OK' : 'ABOVE GOAL'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.drop();
  }
}

if (values.dialect === 'pg' || values.dialect === 'both') await bench('pg');
if (values.dialect === 'mysql' || values.dialect === 'both') await bench('mysql');
