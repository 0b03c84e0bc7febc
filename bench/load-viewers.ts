// Load (RELIABILITY.md): a cleanup run started from the web on PostgreSQL,
// measured with nobody watching and with 50 concurrent viewers, each holding
// the run's progress stream (Server-Sent Events) open and fetching the space
// report page in a loop. Prints errors (must be 0), the run's throughput in
// both cases and their ratio (target: within 10%), and the report fetches'
// p50 / p99 latency.
//
//   npm run bench:load -- [--rows N] [--viewers 50] [--delete-count N] [--sleep S]   (default: the app's
//        default knobs, and rows for about 30 s of run)
//        [--think-ms 0]   (pause between one viewer's report fetches; 0: back to back, the worst case)
//        [--rounds 1]     (N > 1: N loaded runs, each between two quiet ones; prints the median ratio)
//        [--no-streams | --no-reports]   (viewers without one of the two, to see which load costs what)
//
// Everything runs on loopback: `next start` from the current build (built
// first when stale) on a free port, and the local test PostgreSQL
// (TEST_PG_URL; non-local hosts are refused, since this creates and drops a
// database). Loops are bounded in count and time.
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { setMaxListeners } from 'node:events';

const { CLEANUP_DEFAULTS } = await import('../lib/schemas/cleanup-params');

const { values } = parseArgs({
  options: {
    // Default: enough rows for about 30 s of run at the given knobs (a batch takes some tens of ms plus the sleep).
    rows: { type: 'string' },
    viewers: { type: 'string', default: '50' },
    'delete-count': { type: 'string', default: String(CLEANUP_DEFAULTS.deleteCount) },
    sleep: { type: 'string', default: String(CLEANUP_DEFAULTS.sleepSeconds) },
    rounds: { type: 'string', default: '1' },
    // Pause between one viewer's report fetches (0: back to back, the worst case).
    'think-ms': { type: 'string', default: '0' },
    // For finding where load comes from: viewers without the stream, or without the report loop.
    streams: { type: 'boolean', default: true },
    reports: { type: 'boolean', default: true },
  },
  allowNegative: true,
});
const ROWS = values.rows ? Number(values.rows) : Math.round(((30 / (Number(values.sleep) + 0.025)) * Number(values['delete-count'])) / 0.8 / 1000) * 1000;
const VIEWERS = Number(values.viewers);
const ROUNDS = Math.max(1, Number(values.rounds));
const THINK_MS = Number(values['think-ms']);
/** Hard limits, so a hung server never keeps the bench going. */
const RUN_TIMEOUT_MS = 5 * 60_000;
const MAX_REPORTS_PER_VIEWER = 2_000;

const { createPgDatabase, pgClient } = await import('../tests/helpers/databases');
const { startApp } = await import('../tests/helpers/app-server');
const { callAction, findAction, signInCookie } = await import('../tests/helpers/http-client');
const { default: buildIfStale } = await import('../tests/e2e/global-setup');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

await buildIfStale();
const db = await createPgDatabase('jt_load');

/** A fresh django_session: every fifth row live, the rest expired, scattered; vacuumed and analyzed like a settled table. */
async function seed(): Promise<{ expired: number }> {
  const c = await pgClient(db.url);
  try {
    await c.query(`DROP TABLE IF EXISTS django_session;
      CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text NOT NULL, expire_date timestamptz NOT NULL);
      CREATE INDEX django_session_expire_date ON django_session (expire_date);`);
    await c.query(
      `INSERT INTO django_session SELECT md5(i::text), repeat('x', 200), CASE WHEN i % 5 = 0 THEN now() + interval '1 day' ELSE now() - interval '1 day' - (i % 86400) * interval '1 second' END FROM generate_series(1, $1::int) i`,
      [ROWS],
    );
    await c.query('VACUUM ANALYZE django_session');
    await c.query('CHECKPOINT');
  } finally {
    await c.end();
  }
  return { expired: ROWS - Math.floor(ROWS / 5) };
}

type RunJson = { run: { id: string; status: string; totalDeleted: number; batchCount: number; activeSeconds: number; startedAt: string | null; finishedAt: string | null; error: string | null } };

type Viewer = { reports: number[]; errors: string[]; batchEvents: number; sawEnd: boolean };

/** One viewer: the run's event stream held open until it ends, and the space report fetched in a loop until then. */
async function viewer(baseUrl: string, cookie: string, runId: string, done: AbortSignal): Promise<Viewer> {
  const v: Viewer = { reports: [], errors: [], batchEvents: 0, sawEnd: false };
  // The report loop stops when this viewer's stream has seen the run end (or the bench gives up).
  const over = () => v.sawEnd || done.aborted;
  const stream = (async () => {
    if (!values.streams) {
      await new Promise((r) => done.addEventListener('abort', r, { once: true }));
      v.sawEnd = true;
      return;
    }
    try {
      const res = await fetch(`${baseUrl}/api/runs/${runId}/events`, { headers: { cookie, accept: 'text/event-stream' }, signal: AbortSignal.any([done, AbortSignal.timeout(RUN_TIMEOUT_MS)]) });
      if (res.status !== 200 || !res.body) {
        v.errors.push(`stream: HTTP ${res.status}`);
        return;
      }
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body) {
        buf += decoder.decode(chunk as Uint8Array, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.includes('event: batch')) v.batchEvents++;
          if (frame.includes('event: stream-error') || frame.includes('event: gone')) v.errors.push(`stream: ${frame.slice(0, 120)}`);
          if (frame.includes('event: end')) {
            v.sawEnd = true;
            return;
          }
        }
      }
      v.errors.push('stream: closed before the run ended');
    } catch (e) {
      if (!done.aborted) v.errors.push(`stream: ${(e as Error).message}`);
    }
  })();
  const reports = (async () => {
    if (!values.reports) return;
    for (let i = 0; i < MAX_REPORTS_PER_VIEWER && !over(); i++) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${baseUrl}/targets/main`, { headers: { cookie }, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
        const html = await res.text();
        if (res.status !== 200 || !html.includes('django_session')) {
          // The page's error panel says why (a timeout, no free connection…).
          const why = /role="alert"[^>]*>(.*?)<\/div>/s.exec(html)?.[1]?.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
          v.errors.push(`report: HTTP ${res.status}${why ? `: ${why}` : ''}`);
        }
        else v.reports.push(performance.now() - t0);
      } catch (e) {
        v.errors.push(`report: ${(e as Error).message}`);
      }
      // Viewers start at random moments within the pause, as people would.
      if (THINK_MS > 0) await sleep(i === 0 ? Math.random() * THINK_MS : THINK_MS);
    }
  })();
  await Promise.all([stream, reports]);
  return v;
}

type Round = { viewers: number; rowsPerSecond: number; seconds: number; deleted: number; batches: number; reports: number[]; errors: string[]; load: number };

async function measure(withViewers: number): Promise<Round> {
  const { expired } = await seed();
  // .next is shared with whoever else builds in this checkout: make sure a build is there.
  await buildIfStale();
  const app = await startApp({ targets: { main: db.url } });
  try {
    const operator = await signInCookie(app.baseUrl, app.operator);
    const viewerCookie = await signInCookie(app.baseUrl, app.viewer);
    const start = findAction('lib/actions/start-cleanup.ts', 'startCleanupAction');
    // Warm the report page once (first render compiles nothing under `next start`, but fills caches fairly for both cases).
    await fetch(`${app.baseUrl}/targets/main`, { headers: { cookie: viewerCookie } }).then((r) => r.text());
    const reply = await callAction({
      baseUrl: app.baseUrl,
      path: '/targets/main/cleanup',
      actionId: start.id,
      args: [{ json: {} }, { form: { target: 'main', table: 'django_session', preset: 'django', deleteCount: values['delete-count']!, sleepSeconds: values.sleep!, strategy: 'auto' } }],
      cookie: operator,
    });
    const runId = /^\/runs\/([^/;]+)/.exec(reply.location ?? '')?.[1];
    if (!runId) throw new Error(`the cleanup did not start: ${reply.status} ${reply.body.slice(0, 300)}`);

    const stop = new AbortController();
    // Every viewer's requests listen on it.
    setMaxListeners(VIEWERS * 4 + 10, stop.signal);
    const load0 = loadavg()[0]!;
    const viewers = Array.from({ length: withViewers }, () => viewer(app.baseUrl, viewerCookie, runId, stop.signal));

    const deadline = Date.now() + RUN_TIMEOUT_MS;
    let state: RunJson['run'];
    for (;;) {
      const r = await fetch(`${app.baseUrl}/api/runs/${runId}`, { headers: { cookie: operator } });
      state = ((await r.json()) as RunJson).run;
      if (['completed', 'failed', 'cancelled'].includes(state.status)) break;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${state.status} after ${RUN_TIMEOUT_MS / 1000} s`);
      await sleep(500);
    }
    // Viewers see the end on their stream and stop; give them a little time, then stop the stragglers.
    await Promise.race([Promise.all(viewers), sleep(20_000)]);
    stop.abort();
    const results = await Promise.all(viewers);
    const load = (load0 + loadavg()[0]!) / 2;
    if (state.status !== 'completed') throw new Error(`run ${runId} ended ${state.status}: ${state.error}`);
    if (state.totalDeleted !== expired) throw new Error(`run ${runId} deleted ${state.totalDeleted}, expected ${expired}`);
    const seconds = (Date.parse(state.finishedAt!) - Date.parse(state.startedAt!)) / 1000;
    const errors = results.flatMap((v) => v.errors);
    for (const v of results) if (!v.sawEnd) errors.push('stream: never saw the run end');
    return {
      viewers: withViewers,
      rowsPerSecond: state.totalDeleted / seconds,
      seconds,
      deleted: state.totalDeleted,
      batches: state.batchCount,
      reports: results.flatMap((v) => v.reports).sort((a, b) => a - b),
      errors,
      load,
    };
  } finally {
    await app.stop();
  }
}

function line(r: Round) {
  const rep = r.reports.length ? `; ${fmt(r.reports.length)} report fetches, p50 ${fmt(pct(r.reports, 50))} ms, p99 ${fmt(pct(r.reports, 99))} ms` : '';
  return `${String(r.viewers).padStart(2)} viewers: ${fmt(r.deleted)} rows in ${r.seconds.toFixed(1)} s (${r.batches} batches) = ${fmt(r.rowsPerSecond)} rows/s; errors ${r.errors.length}${rep}; load avg ${r.load.toFixed(1)}`;
}

console.log(
  `load-viewers: ${fmt(ROWS)}-row django_session on PostgreSQL, delete count ${values['delete-count']}, sleep ${values.sleep} s, ${VIEWERS} viewers` +
    ` (stream ${values.streams ? 'on' : 'off'}, report ${values.reports ? (THINK_MS ? `every ${THINK_MS} ms` : 'back to back') : 'off'}); ${ROUNDS} round(s)`,
);
const ratios: number[] = [];
let errorCount = 0;
const latencies: number[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    // Quiet, loaded, quiet: machine noise that drifts during the round falls on both sides.
    const before = await measure(0);
    console.log(`round ${round}  ${line(before)}`);
    const loaded = await measure(VIEWERS);
    console.log(`round ${round}  ${line(loaded)}`);
    const after = await measure(0);
    console.log(`round ${round}  ${line(after)}`);
    const quiet = (before.rowsPerSecond + after.rowsPerSecond) / 2;
    const ratio = loaded.rowsPerSecond / quiet;
    ratios.push(ratio);
    errorCount += loaded.errors.length + before.errors.length + after.errors.length;
    latencies.push(...loaded.reports);
    for (const e of [...new Set(loaded.errors)].slice(0, 5)) console.log(`  error: ${e}`);
    console.log(`round ${round}  throughput with viewers / without: ${ratio.toFixed(3)}`);
  }
} finally {
  await db.drop();
}
ratios.sort((a, b) => a - b);
latencies.sort((a, b) => a - b);
const median = ratios[Math.floor(ratios.length / 2)]!;
console.log(
  `\nresult: errors ${errorCount}; throughput ratio ${median.toFixed(3)} (target >= 0.90)${ROUNDS > 1 ? ` median of ${ROUNDS}` : ''}; report p50 ${fmt(pct(latencies, 50))} ms, p99 ${fmt(pct(latencies, 99))} ms over ${fmt(latencies.length)} fetches`,
);
process.exitCode = errorCount === 0 && median >= 0.9 ? 0 : 1;
