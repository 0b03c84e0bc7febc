// Access (RELIABILITY.md): every page, route handler and server action of the
// built app, discovered from Next's manifests so new ones are covered too,
// called without a session, with a forged cookie and with an expired one; every
// server action called directly by a viewer with a crafted POST. Refused,
// nothing changed, the attempt audit-logged. Plus the session cookie's flags,
// Next's server-action origin check and sign-in rate limiting, over HTTP.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { startApp, type AppServer } from '../helpers/app-server';
import { createPgDatabase, pgClient, type TestDb } from '../helpers/databases';
import { seedDjangoSessions } from '../helpers/session-tables';
import { janitor } from '../helpers/cli';
import { appRoutes, fillRoute, serverActions, type ServerAction } from '../helpers/next-manifest';
import { callAction, findAction, signInCookie, signInReply, SESSION_COOKIE, type ActionArg } from '../helpers/http-client';

// Sign-in and sign-out are what a visitor without a session must be able to call.
const PUBLIC_ACTIONS = new Set(['signInAction', 'signOutAction']);
const VIEWER_REFUSAL = 'Only operators can do this.';
const ANONYMOUS_REFUSAL = 'Your session has ended. Sign in again.';

let db: TestDb;
let app: AppServer;
let store: Client;
let operatorCookie: string;
let viewerCookie: string;
let runId: string;
let operationId: string;
let webhookId: string;
const FORGED = `${SESSION_COOKIE}=${'A'.repeat(43)}`;
let expiredCookie: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const root = path.resolve(import.meta.dirname, '../..');

/** A real id for each kind of dynamic segment, by the collection it follows. */
function segmentValue(name: string, after: string): string | undefined {
  if (after === 'runs' || /^run/i.test(name)) return runId;
  if (after === 'operations' || /^op/i.test(name)) return operationId;
  if (after === 'targets' || name === 'target') return 'main';
  return undefined;
}

/** Everything a refused request must leave alone: the store (but the audit log and sign-in bookkeeping) and the target. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const tables = await store.execute(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  for (const { name } of tables.rows) {
    const t = String(name);
    // Worker rows are the running workers' heartbeats: they change every few seconds on their own.
    // Size samples are written by the server's sampling timer at each interval's
    // start (every 15 minutes), whatever requests come in; a sample a request
    // caused would come from a report, and those claim a slot marked 'report'.
    if (t === 'AuditLog' || t === 'LoginFailure' || t === 'Worker' || t === 'SizeSample') continue;
    // Sessions: which exist, not when they were last seen (reads refresh that).
    const sql =
      t === 'Session'
        ? `SELECT id, userId FROM "Session" ORDER BY id`
        : t === 'SizeSampleSlot'
          ? `SELECT target, bucketStart, claimedBy FROM "SizeSampleSlot" WHERE source = 'report' ORDER BY id`
          : `SELECT * FROM "${t}" ORDER BY rowid`;
    out[`store.${t}`] = createHash('sha256').update(JSON.stringify((await store.execute(sql)).rows)).digest('hex');
  }
  const c = await pgClient(db.url);
  try {
    const rels = await c.query<{ relname: string; relfilenode: string; relpages: number; reltuples: number; vacuums: string; analyzes: string }>(
      `SELECT c.relname, c.relfilenode::text, c.relpages, c.reltuples, s.vacuum_count::text AS vacuums, s.analyze_count::text AS analyzes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
    );
    for (const r of rels.rows) {
      const rows = await c.query<{ n: number; h: string | null }>(`SELECT count(*)::int AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS h FROM "${r.relname}" t`);
      out[`target.${r.relname}`] = JSON.stringify({ ...r, ...rows.rows[0] });
    }
  } finally {
    await c.end();
  }
  return out;
}

async function lastAuditId(): Promise<number> {
  return Number((await store.execute('SELECT COALESCE(MAX(id), 0) AS id FROM AuditLog')).rows[0]!.id);
}

async function auditSince(id: number): Promise<{ actor: string; action: string; outcome: string; detail: string | null }[]> {
  const r = await store.execute({ sql: 'SELECT actor, action, outcome, detail FROM AuditLog WHERE id > ? ORDER BY id', args: [id] });
  return r.rows.map((x) => ({ actor: String(x.actor), action: String(x.action), outcome: String(x.outcome), detail: x.detail === null ? null : String(x.detail) }));
}

/** Where a browser would post `action`: the first page that binds it. */
function actionPath(action: ServerAction): string {
  return action.pages.length ? fillRoute(action.pages[0]!, segmentValue) : '/';
}

/**
 * Arguments as the page would send them, read off the action's signature:
 * a FormData gets the fields of a plausible, valid request (so only the role
 * check stands between the caller and a change), a previous-state argument
 * an empty object, an id the id of the real run (or operation).
 */
function argsFor(action: ServerAction): ActionArg[] {
  const form = {
    target: 'main',
    schema: 'public',
    table: 'django_session',
    preset: 'django',
    deleteCount: '100',
    sleepSeconds: '0',
    strategy: 'auto',
    mode: 'full',
    confirm: 'django_session',
    confirmation: 'django_session',
    runId,
    operationId,
    name: 'ops',
    url: 'http://127.0.0.1:9/hook',
    format: 'json',
    events: 'run.failed',
  };
  return action.parameters.map((p): ActionArg => {
    if (/FormData/.test(p.type)) return { form };
    if (/^_?prev/i.test(p.name) || /State$/.test(p.type)) return { json: {} };
    if (/op/i.test(p.name)) return { json: operationId };
    if (/webhook/i.test(p.name)) return { json: webhookId };
    if (p.name === 'change') return { json: 'delete' };
    if (/target/i.test(p.name)) return { json: 'main' };
    return { json: runId };
  });
}

const guarded = () => serverActions().filter((a) => !PUBLIC_ACTIONS.has(a.exportedName));
const label = (a: ServerAction) => `${a.filename}#${a.exportedName}`;

async function getStatus(url: string, cookie?: string, method = 'GET') {
  // A stream that is let in never ends: stop reading once the status is known.
  const ac = new AbortController();
  const res = await fetch(url, { method, redirect: 'manual', headers: cookie ? { cookie } : {}, signal: ac.signal });
  ac.abort();
  return { status: res.status, location: res.headers.get('location') };
}

async function waitForRunStatus(status: string) {
  for (let i = 0; i < 300; i++) {
    const r = await store.execute({ sql: 'SELECT status FROM Run WHERE id = ?', args: [runId] });
    if (String(r.rows[0]?.status) === status) return;
    await sleep(100);
  }
  throw new Error(`run ${runId} did not become ${status}`);
}

beforeAll(async () => {
  db = await createPgDatabase('jt_access');
  await seedDjangoSessions('postgres', db.url, 3000);
  const c = await pgClient(db.url);
  // Autovacuum would change table statistics under the "nothing changed" checks.
  await c.query(`ALTER TABLE django_session SET (autovacuum_enabled = false);
    CREATE TABLE canary (id int PRIMARY KEY, note text) WITH (autovacuum_enabled = false);
    INSERT INTO canary SELECT g, 'canary ' || g FROM generate_series(1, 100) g; ANALYZE canary;`);
  await c.end();
  // The test's requests come from 127.0.0.1 and name other addresses in X-Forwarded-For, as a proxy would.
  app = await startApp({ targets: { main: db.url }, env: { JANITOR_TRUSTED_PROXIES: '127.0.0.1, ::1' } });
  store = createClient({ url: app.databaseUrl });
  operatorCookie = await signInCookie(app.baseUrl, app.operator);
  viewerCookie = await signInCookie(app.baseUrl, app.viewer);
  // A real session of the viewer's, expired in the store: the cookie is genuine but too old.
  expiredCookie = await signInCookie(app.baseUrl, app.viewer);
  const token = decodeURIComponent(expiredCookie.slice(SESSION_COOKIE.length + 1));
  await store.execute({
    sql: `UPDATE "Session" SET expiresAt = CASE typeof(expiresAt) WHEN 'text' THEN '2000-01-01T00:00:00.000+00:00' ELSE 946684800000 END WHERE id = ?`,
    args: [createHash('sha256').update(token).digest('hex')],
  });
  // A finished reclaim operation, for routes and actions that take an operation id.
  const reclaim = janitor(['reclaim', '--url', db.url, '--table', 'canary', '--mode', 'analyze', '--json'], { env: { DATABASE_URL: app.databaseUrl } });
  if (reclaim.status !== 0) throw new Error(`janitor reclaim failed: ${reclaim.stderr}`);
  operationId = String((await store.execute('SELECT id FROM Operation ORDER BY createdAt DESC LIMIT 1')).rows[0]!.id);
  // A webhook, for the actions that change or test one.
  webhookId = 'wh-access';
  await store.execute({
    sql: `INSERT INTO "Webhook" ("id", "name", "url", "format", "events", "thresholds", "createdBy", "updatedAt") VALUES (?, 'ops', 'http://127.0.0.1:9/hook', 'json', '["run.failed"]', '{}', 'olivia', ?)`,
    args: [webhookId, new Date().toISOString()],
  });
}, 120_000);

afterAll(async () => {
  store?.close();
  await app?.stop();
  await db?.drop();
});

describe("Next's server-action origin check", () => {
  it('refuses an operator\'s crafted start from a foreign origin, and the same request from the app\'s own origin starts a run', async () => {
    const start = findAction('lib/actions/start-cleanup.ts', 'startCleanupAction');
    const form = { target: 'main', table: 'django_session', preset: 'django', deleteCount: '100', sleepSeconds: '0.3' };
    const before = await snapshot();
    for (const origin of ['https://evil.example', `http://127.0.0.1:1`, 'null']) {
      const reply = await callAction({ baseUrl: app.baseUrl, path: '/targets/main/cleanup', actionId: start.id, args: [{ json: {} }, { form }], cookie: operatorCookie, headers: { Origin: origin } });
      expect(reply.status, `Origin: ${origin}`).toBeGreaterThanOrEqual(400);
      expect(reply.location, `Origin: ${origin}`).toBeNull();
    }
    expect(await snapshot()).toEqual(before);

    // The positive control: the identical request, from the app's origin, works.
    const ok = await callAction({ baseUrl: app.baseUrl, path: '/targets/main/cleanup', actionId: start.id, args: [{ json: {} }, { form }], cookie: operatorCookie });
    expect(ok.location, ok.body.slice(0, 500)).toMatch(/^\/runs\/[^/;]+/);
    runId = /^\/runs\/([^/;]+)/.exec(ok.location!)![1]!;
    // Paused: a state every run control (resume, cancel, knobs) would change.
    await waitForRunStatus('running');
    const pause = findAction('lib/actions/pause-run.ts', 'pauseRunAction');
    const paused = await callAction({ baseUrl: app.baseUrl, path: `/runs/${runId}`, actionId: pause.id, args: [{ json: runId }], cookie: operatorCookie });
    expect(paused.body).toContain('"ok":true');
    await waitForRunStatus('paused');
  });
});

describe('without a session', () => {
  const variants = () => [
    ['no cookie', undefined],
    ['a forged cookie', FORGED],
    ['an expired session', expiredCookie],
  ] as const;

  it('every page redirects to the sign-in page', async () => {
    const pages = appRoutes().filter((r) => r.kind === 'page' && r.pattern !== '/login');
    expect(pages.length).toBeGreaterThanOrEqual(5);
    for (const page of pages) {
      const url = `${app.baseUrl}${fillRoute(page.pattern, segmentValue)}`;
      for (const [what, cookie] of variants()) {
        const r = await getStatus(url, cookie);
        expect([303, 307, 308], `${page.pattern} with ${what}`).toContain(r.status);
        expect(new URL(r.location!, app.baseUrl).pathname, `${page.pattern} with ${what}`).toBe('/login');
      }
      // The control: a signed-in viewer gets the page (or, for operator pages, the overview).
      const seen = await getStatus(url, viewerCookie);
      const operatorOnly = readFileSync(path.join(root, page.source), 'utf8').includes('requireOperatorPage');
      if (operatorOnly) {
        expect(seen.status, `${page.pattern} as a viewer`).toBe(307);
        expect(seen.location, `${page.pattern} as a viewer`).toBe('/?denied=1');
      } else {
        expect(seen.status, `${page.pattern} as a viewer`).toBe(200);
      }
    }
  });

  it('every route handler answers 401, including the progress streams and the exports', async () => {
    const routes = appRoutes().filter((r) => r.kind === 'route');
    expect(routes.map((r) => r.pattern)).toEqual(expect.arrayContaining(['/api/runs/[runId]/events', '/api/targets/[target]/report', '/api/audit']));
    for (const route of routes) {
      const url = `${app.baseUrl}${fillRoute(route.pattern, segmentValue)}`;
      // The metrics endpoint answers a scraper's bearer token, not a session; with no
      // token configured (as here) it is off for everyone, cookie or not.
      const expected = route.pattern === '/api/metrics' ? 404 : 401;
      for (const method of route.methods) {
        for (const [what, cookie] of variants()) {
          const r = await getStatus(url, cookie, method);
          expect(r.status, `${method} ${route.pattern} with ${what}`).toBe(expected);
        }
      }
      // The control: with a viewer's session the same URL is answered (served, refused for the role or for a
      // missing query parameter), so the 401s above are about the session.
      if (route.methods.includes('GET')) {
        const seen = (await getStatus(url, viewerCookie)).status;
        expect(seen, `GET ${route.pattern} as a viewer`).not.toBe(401);
        expect(seen, `GET ${route.pattern} as a viewer`).toBeLessThan(500);
      }
    }
    expect((await getStatus(`${app.baseUrl}/api/audit`, viewerCookie)).status).toBe(403);
  });

  it('every server action is refused and changes nothing; with a cookie the refusal is audit-logged', async () => {
    const actions = guarded();
    for (const action of actions) {
      for (const [what, cookie] of variants()) {
        const before = await snapshot();
        const mark = await lastAuditId();
        const reply = await callAction({ baseUrl: app.baseUrl, path: actionPath(action), actionId: action.id, args: argsFor(action), cookie });
        if (!cookie) {
          // The proxy turns a request without any session cookie away before it reaches the action.
          expect(reply.status, `${label(action)} with ${what}`).toBe(307);
          expect(reply.location, `${label(action)} with ${what}`).toMatch(/^\/login/);
        } else {
          expect(reply.body, `${label(action)} with ${what}`).toContain(ANONYMOUS_REFUSAL);
          const logged = await auditSince(mark);
          expect(logged.some((e) => e.actor === 'anonymous' && e.outcome === 'denied'), `${label(action)} with ${what}: ${JSON.stringify(logged)}`).toBe(true);
        }
        expect(await snapshot(), `${label(action)} with ${what}`).toEqual(before);
      }
    }
  });
});

describe('a viewer calling server actions directly', () => {
  it('finds every mutating server action in the build', () => {
    const names = guarded().map((a) => a.exportedName);
    expect(names).toEqual(
      expect.arrayContaining(['startCleanupAction', 'pauseRunAction', 'resumeRunAction', 'cancelRunAction', 'changeRunKnobsAction', 'startReclaimAction', 'cancelOperationAction', 'logoutAllAction', 'addWebhookAction', 'changeWebhookAction']),
    );
  });

  it('is refused by every one of them with a crafted POST, nothing changes, and each attempt is audit-logged as denied', async () => {
    const start = await snapshot();
    for (const action of guarded()) {
      const before = await snapshot();
      const mark = await lastAuditId();
      const reply = await callAction({ baseUrl: app.baseUrl, path: actionPath(action), actionId: action.id, args: argsFor(action), cookie: viewerCookie });
      expect(reply.body, label(action)).toContain(VIEWER_REFUSAL);
      expect(reply.location, label(action)).toBeNull();
      expect(await snapshot(), label(action)).toEqual(before);
      const logged = await auditSince(mark);
      expect(
        logged.filter((e) => e.actor === app.viewer.username && e.outcome === 'denied' && JSON.parse(e.detail ?? '{}').reason === 'viewer role'),
        `${label(action)}: ${JSON.stringify(logged)}`,
      ).toHaveLength(1);
      expect(logged.some((e) => e.outcome === 'ok'), `${label(action)}: ${JSON.stringify(logged)}`).toBe(false);
    }
    // Table statistics reach pg_stat_user_tables within a second: compare once more after that.
    await sleep(1_200);
    expect(await snapshot()).toEqual(start);
  });
});

describe('the session cookie', () => {
  const attributes = (setCookie: string[]) => {
    const c = setCookie.find((x) => x.startsWith(`${SESSION_COOKIE}=`));
    expect(c).toBeDefined();
    return c!.split(';').slice(1).map((a) => a.trim().toLowerCase());
  };

  it('is HttpOnly, SameSite=Lax, Path=/ and not Secure over plain HTTP; Secure behind an HTTPS proxy', async () => {
    const plain = attributes((await signInReply(app.baseUrl, app.viewer)).setCookie);
    expect(plain).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(plain).not.toContain('secure');
    expect(plain.some((a) => a.startsWith('expires='))).toBe(true);

    const proxied = attributes((await signInReply(app.baseUrl, app.viewer, { 'X-Forwarded-Proto': 'https' })).setCookie);
    expect(proxied).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure']));
  });

  it('is always Secure with JANITOR_SECURE_COOKIES=true', async () => {
    const forced = await startApp({ targets: {}, env: { JANITOR_SECURE_COOKIES: 'true' } });
    try {
      const flags = attributes((await signInReply(forced.baseUrl, forced.viewer)).setCookie);
      expect(flags).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/', 'secure']));
    } finally {
      await forced.stop();
    }
  });
});

describe('sign-in rate limiting over HTTP', () => {
  it('refuses even the right password after five wrong ones for a user from one address, not from another; unlock lifts it; every attempt audit-logged', async () => {
    const rita = { username: 'rita', password: 'rita-correct-horse-42' };
    const added = janitor(['users', 'add', rita.username, '--role', 'viewer'], { env: { DATABASE_URL: app.databaseUrl }, input: rita.password });
    expect(added.status, added.stderr).toBe(0);
    const mark = await lastAuditId();
    for (let i = 0; i < 5; i++) {
      const r = await signInReply(app.baseUrl, { username: rita.username, password: `wrong-${i}` });
      expect(r.body).toContain('Wrong username or password.');
      expect(r.setCookie).toEqual([]);
    }
    const blocked = await signInReply(app.baseUrl, rita);
    expect(blocked.body).toMatch(/Too many failed sign-ins\. Try again in \d+ minute/);
    expect(blocked.setCookie).toEqual([]);
    // A stranger's failures do not lock the user out where the user is.
    const elsewhere = await signInReply(app.baseUrl, rita, { 'X-Forwarded-For': '203.0.113.9' });
    expect(elsewhere.setCookie.join()).toMatch(/^janitor_session=/);

    const logged = (await auditSince(mark)).filter((e) => e.action === 'sign-in');
    expect(logged.map((e) => [e.actor, e.outcome, JSON.parse(e.detail ?? '{}').reason])).toEqual([
      ...Array.from({ length: 5 }, () => ['rita', 'denied', 'bad credentials']),
      ['rita', 'denied', 'rate-limited'],
      ['rita', 'ok', undefined],
    ]);
    const unlocked = janitor(['users', 'unlock', rita.username], { env: { DATABASE_URL: app.databaseUrl } });
    expect(unlocked.stdout.trim()).toBe('unlocked "rita": 5 failed sign-ins forgotten');
    expect((await signInReply(app.baseUrl, rita)).setCookie.join()).toMatch(/^janitor_session=/);
    // Other users are not locked out by rita's attempts.
    expect(await signInCookie(app.baseUrl, app.operator)).toMatch(/^janitor_session=/);
  });

  it('refuses an address that failed twenty times, whichever user it tries next', async () => {
    const address = '198.51.100.7';
    for (let i = 0; i < 20; i++) {
      const r = await signInReply(app.baseUrl, { username: `nobody${i}`, password: 'guess' }, { 'X-Forwarded-For': address });
      expect(r.body).toContain('Wrong username or password.');
    }
    const blocked = await signInReply(app.baseUrl, app.operator, { 'X-Forwarded-For': address });
    expect(blocked.body).toMatch(/Too many failed sign-ins/);
    expect(blocked.setCookie).toEqual([]);
  });
});
