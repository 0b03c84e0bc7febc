// Bad input (RELIABILITY.md): connection strings and passwords never leave the
// server. Targets whose URLs carry distinctive passwords (a working PostgreSQL
// and MariaDB login, a server that is down, a wrong password) go through a
// representative session: every page as an operator and a viewer, every
// export, the progress streams of a cleanup and a reclaim, actions that fail
// on the broken targets, the CLI's output and errors, the server's log and the
// store's file. None of it may contain a password or a connection string.
// The file makes every bit of that activity itself, on its own app, store and
// databases, so it depends on no other test file or the order files run in.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@libsql/client';
import { startApp, freePort, type AppServer } from '../helpers/app-server';
import { createMysqlDatabase, createPgDatabase, mysqlConn, pgClient, TEST_MYSQL_URL, TEST_PG_URL, type TestDb } from '../helpers/databases';
import { seedDjangoSessions } from '../helpers/session-tables';
import { janitorAsync } from '../helpers/cli';
import { appRoutes, fillRoute } from '../helpers/next-manifest';
import { callAction, findAction, signInCookie } from '../helpers/http-client';

const tag = randomBytes(4).toString('hex');
const user = `jt_secret_${tag}`;
// Characters that must be percent-encoded in a URL, so both spellings are looked for.
const PG_PASSWORD = `Pg-${tag}-p@ss:w/rd%`;
const MY_PASSWORD = `My-${tag}-p@ss:w/rd%`;
const GHOST_PASSWORD = `Ghost-${tag}-pw`;
const WRONG_PASSWORD = `Wrong-${tag}-pw`;

let pgDb: TestDb;
let myDb: TestDb;
let app: AppServer;
const urls: Record<string, string> = {};
const outputs: { source: string; text: string }[] = [];
const collect = (source: string, text: string) => outputs.push({ source, text });

function withLogin(base: string, db: string, login: string, password: string, port?: number): string {
  const u = new URL(base);
  u.username = encodeURIComponent(login);
  u.password = encodeURIComponent(password);
  u.pathname = `/${db}`;
  if (port) u.port = String(port);
  return u.toString();
}

/** Everything that must never appear: each password raw and encoded, each URL, each user:password pair. */
function secrets(): string[] {
  const out = new Set<string>();
  for (const p of [PG_PASSWORD, MY_PASSWORD, GHOST_PASSWORD, WRONG_PASSWORD]) {
    out.add(p);
    out.add(encodeURIComponent(p));
    // The distinctive core survives any escaping (JSON, HTML, CSV) of the rest.
    out.add(p.split('-').slice(0, 2).join('-'));
  }
  for (const u of Object.values(urls)) {
    out.add(u);
    out.add(u.replace(/\/[^/]*$/, ''));
  }
  return [...out];
}

async function body(url: string, cookie?: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
  return { status: res.status, text: await res.text() };
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const r = await janitorAsync(args, { env: { DATABASE_URL: app.databaseUrl, ...Object.fromEntries(Object.entries(urls).map(([k, v]) => [`JANITOR_TARGET_${k.toUpperCase()}`, v])), ...env } }).done;
  collect(`janitor ${args.join(' ')} (stdout)`, r.stdout);
  collect(`janitor ${args.join(' ')} (stderr)`, r.stderr);
  collect('server log', app.logs());
  return r;
}

async function waitFor(what: string, fn: () => Promise<boolean>, ms = 60_000) {
  const t0 = Date.now();
  while (!(await fn())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  [pgDb, myDb] = await Promise.all([createPgDatabase('jt_secret'), createMysqlDatabase('jt_secret')]);
  await Promise.all([seedDjangoSessions('postgres', pgDb.url, 2000), seedDjangoSessions('mysql', myDb.url, 2000)]);
  const pg = await pgClient(pgDb.url);
  await pg.query(`CREATE ROLE ${user} LOGIN SUPERUSER PASSWORD '${PG_PASSWORD.replaceAll("'", "''")}'`);
  await pg.end();
  const my = await mysqlConn(myDb.url);
  for (const host of ['127.0.0.1', 'localhost']) {
    await my.query(`CREATE USER '${user}'@'${host}' IDENTIFIED BY ?`, [MY_PASSWORD]);
    await my.query(`GRANT ALL ON \`${myDb.name}\`.* TO '${user}'@'${host}'`);
    // The space report reads InnoDB's index statistics.
    await my.query(`GRANT SELECT ON mysql.* TO '${user}'@'${host}'`);
  }
  await my.end();
  urls.main = withLogin(TEST_PG_URL, pgDb.name, user, PG_PASSWORD);
  urls.shop = withLogin(TEST_MYSQL_URL, myDb.name, user, MY_PASSWORD);
  urls.ghost = withLogin(TEST_PG_URL, 'nowhere', 'ghost', GHOST_PASSWORD, await freePort());
  // MariaDB checks passwords on 127.0.0.1 (the test PostgreSQL may trust local logins).
  urls.wrong = withLogin(TEST_MYSQL_URL, myDb.name, user, WRONG_PASSWORD);
  app = await startApp({ targets: urls });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await Promise.allSettled([pgDb?.drop(), myDb?.drop()]);
  const pg = await pgClient(TEST_PG_URL).catch(() => null);
  await pg?.query(`DROP ROLE IF EXISTS ${user}`).catch(() => {});
  await pg?.end();
  const my = await mysqlConn(TEST_MYSQL_URL).catch(() => null);
  for (const host of ['127.0.0.1', 'localhost']) await my?.query(`DROP USER IF EXISTS '${user}'@'${host}'`).catch(() => {});
  await my?.end();
});

describe('no password or connection string leaves the server', () => {
  it('a representative session produces pages, exports, streams, CLI output and logs', async () => {
    const operator = await signInCookie(app.baseUrl, app.operator);
    const viewer = await signInCookie(app.baseUrl, app.viewer);

    // Work for the streams: a cleanup on each working target and a reclaim, started as the web does.
    const start = findAction('lib/actions/start-cleanup.ts', 'startCleanupAction');
    const runIds: string[] = [];
    for (const target of ['main', 'shop']) {
      const r = await callAction({
        baseUrl: app.baseUrl,
        path: `/targets/${target}/cleanup`,
        actionId: start.id,
        args: [{ json: {} }, { form: { target, table: 'django_session', preset: 'django', deleteCount: '500', sleepSeconds: '0' } }],
        cookie: operator,
      });
      const id = /^\/runs\/([^/;]+)/.exec(r.location ?? '')?.[1];
      expect(id, r.body.slice(0, 300)).toBeDefined();
      runIds.push(id!);
    }
    // The runs are queued and worked by the server's worker; a reclaim of main waits for its run to end.
    for (const id of runIds) {
      const t0 = Date.now();
      for (;;) {
        const run = ((await (await fetch(`${app.baseUrl}/api/runs/${id}`, { headers: { cookie: operator } })).json()) as { run: { status: string } }).run;
        if (!['queued', 'running'].includes(run.status)) break;
        if (Date.now() - t0 > 90_000) throw new Error(`run ${id} still ${run.status}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const reclaim = findAction('lib/actions/start-reclaim.ts', 'startReclaimAction');
    const started = await callAction({
      baseUrl: app.baseUrl,
      path: '/targets/main/reclaim',
      actionId: reclaim.id,
      args: [{ json: {} }, { form: { target: 'main', table: 'django_session', mode: 'analyze' } }],
      cookie: operator,
    });
    const operationId = /^\/operations\/([^/;]+)/.exec(started.location ?? '')?.[1];
    expect(operationId, started.body.slice(0, 300)).toBeDefined();
    collect('reclaim action', started.body);

    // Actions against the broken targets: their errors come back to the browser.
    for (const target of ['ghost', 'wrong']) {
      for (const [action, path, form] of [
        [start, `/targets/${target}/cleanup`, { target, table: 'django_session', preset: 'django' }],
        [reclaim, `/targets/${target}/reclaim`, { target, table: 'django_session', mode: target === 'wrong' ? 'optimize' : 'full' }],
      ] as const) {
        const r = await callAction({ baseUrl: app.baseUrl, path, actionId: action.id, args: [{ json: {} }, { form }], cookie: operator });
        expect(r.body, `${action.exportedName} on ${target}: ${r.status} ${r.location}`).toMatch(/unreachable|refused the login/);
        collect(`${action.exportedName} on ${target}`, r.body);
      }
    }

    const store = createClient({ url: app.databaseUrl });
    await waitFor('the runs to finish', async () => {
      const r = await store.execute(`SELECT COUNT(*) AS n FROM Run WHERE status IN ('completed', 'failed', 'cancelled')`);
      return Number(r.rows[0]!.n) === runIds.length;
    });
    store.close();

    // Every page, as each role, for every target and id.
    const targets = Object.keys(urls);
    for (const route of appRoutes()) {
      const ids = route.params.includes('target') ? targets : [''];
      for (const t of ids) {
        for (const runId of route.pattern.includes('[runId]') ? runIds : ['']) {
          const path = fillRoute(route.pattern, (name, after) =>
            name === 'target' ? t : after === 'runs' || name === 'runId' ? runId : after === 'operations' ? operationId : undefined,
          );
          const query = route.pattern.includes('/events') ? '?after=0' : '?table=django_session&format=json';
          for (const [who, cookie] of [['operator', operator], ['viewer', viewer]] as const) {
            const r = await body(`${app.baseUrl}${path}${query}`, cookie);
            collect(`${route.kind} ${path} as ${who} (${r.status})`, r.text);
          }
        }
      }
    }
    // Every export format and section.
    for (const t of targets) {
      for (const q of ['format=json', 'format=csv&section=tables', 'format=csv&section=indexes', 'format=csv&section=sessions']) {
        const r = await body(`${app.baseUrl}/api/targets/${t}/report?${q}`, operator);
        collect(`report ${t} ${q} (${r.status})`, r.text);
      }
    }
    for (const q of ['format=json', 'format=csv']) collect(`audit ${q}`, (await body(`${app.baseUrl}/api/audit?${q}`, operator)).text);
    collect('server log', app.logs());

    // The CLI on the same targets and store: reports, runs, and its errors.
    await cli(['stats', '--target', 'main']);
    await cli(['stats', '--target', 'shop', '--json']);
    await cli(['stats', '--url', urls.main!]);
    await cli(['cleanup', '--target', 'main', '--table', 'django_session', '--dry-run']);
    await cli(['cleanup', '--url', urls.shop!, '--table', 'django_session', '--json']);
    await cli(['runs', 'list']);
    await cli(['runs', 'list', '--json']);
    await cli(['reclaim', '--target', 'main', '--table', 'django_session', '--mode', 'vacuum', '--json']);
    for (const args of [
      ['stats', '--target', 'ghost'],
      ['stats', '--target', 'wrong', '--json'],
      ['stats', '--url', urls.ghost!],
      ['cleanup', '--url', urls.wrong!, '--table', 'django_session'],
      ['reclaim', '--url', urls.ghost!, '--table', 'django_session', '--mode', 'full'],
      ['stats', '--url', `mongodb://ghost:${encodeURIComponent(GHOST_PASSWORD)}@127.0.0.1/x`],
      ['stats', '--url', `postgresql://ghost:${encodeURIComponent(GHOST_PASSWORD)}@`],
      ['stats', '--url', `postgresql://ghost:${GHOST_PASSWORD}%@127.0.0.1/x`],
    ]) {
      const r = await cli(args);
      expect(r.status, args.join(' ')).not.toBe(0);
    }
    // A configuration the app refuses at start names the variable, not its value.
    await cli(['stats', '--target', 'main'], { JANITOR_TARGET_BROKEN: `mongodb://ghost:${GHOST_PASSWORD}@h/x` });

    // The store itself: runs, operations and the audit log name targets, never their URLs.
    for (const suffix of ['', '-wal']) {
      const file = app.databaseUrl.replace(/^file:/, '') + suffix;
      if (existsSync(file)) collect(`store file ${suffix || 'main'}`, readFileSync(file).toString('latin1'));
    }
    collect('server log', app.logs());

    expect(outputs.length).toBeGreaterThan(100);
    expect(outputs.filter((o) => o.source.endsWith('(200)')).length).toBeGreaterThanOrEqual(50);
    // The session really went through the broken targets and produced their errors.
    const all = outputs.map((o) => o.text).join('\n');
    expect(all).toMatch(/target "ghost" is unreachable/);
    expect(all).toMatch(/target "wrong" refused the login/);
    expect(all).toContain('event: end');

    const leaks = outputs.flatMap((o) => secrets().filter((s) => o.text.includes(s)).map((s) => `${o.source}: contains ${JSON.stringify(s)}`));
    expect(leaks).toEqual([]);
  });
});
