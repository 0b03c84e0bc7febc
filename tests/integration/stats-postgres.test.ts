// The PostgreSQL half of the space report, against a real server: sizes that
// add up, session tables found and counted exactly, index bloat labelled by
// how it was obtained, and failures a user can read.
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { getSpaceReport } from '@/lib/stats/space-report';
import type { SpaceReport } from '@/lib/stats/types';
import { createPostgresAdapter, type PostgresAdapter, type PostgresAdapterOptions } from '@/lib/targets/postgres/adapter';
import { parseTargetUrl } from '@/lib/targets/target-url';
import { createPgDatabase, pgClient, TEST_PG_URL, type TestDb } from '../helpers/databases';

const SEED = `
CREATE TABLE django_session (
  session_key varchar(40) PRIMARY KEY,
  session_data text NOT NULL,
  expire_date timestamptz NOT NULL
);
CREATE INDEX django_session_expire_date_a5c62663 ON django_session (expire_date);
INSERT INTO django_session
  SELECT md5(g::text), repeat('x', 200), now() - interval '1 hour' - g * interval '1 second' FROM generate_series(1, 2400) g;
INSERT INTO django_session
  SELECT md5(g::text), repeat('x', 200), now() + interval '1 hour' + g * interval '1 second' FROM generate_series(2401, 3000) g;

-- Laravel: last_activity in epoch seconds, expired after 120 minutes
CREATE TABLE sessions (
  id varchar(255) PRIMARY KEY, user_id bigint, ip_address varchar(45), user_agent text,
  payload text NOT NULL, last_activity integer NOT NULL
);
CREATE INDEX sessions_last_activity_index ON sessions (last_activity);
INSERT INTO sessions (id, payload, last_activity)
  SELECT 'old' || g, 'p', extract(epoch FROM now())::int - 3 * 3600 - g FROM generate_series(1, 300) g;
INSERT INTO sessions (id, payload, last_activity)
  SELECT 'new' || g, 'p', extract(epoch FROM now())::int - g FROM generate_series(1, 200) g;

-- connect-pg-simple declares expire without a time zone
CREATE TABLE session (sid varchar NOT NULL PRIMARY KEY, sess json NOT NULL, expire timestamp(6) NOT NULL);
CREATE INDEX "IDX_session_expire" ON session (expire);
INSERT INTO session SELECT 'e' || g, '{}', localtimestamp - interval '1 hour' - g * interval '1 minute' FROM generate_series(1, 40) g;
INSERT INTO session SELECT 'l' || g, '{}', localtimestamp + interval '1 hour' + g * interval '1 minute' FROM generate_series(1, 60) g;

-- Rails activerecord-session_store, in another schema: expired after 30 days
CREATE SCHEMA legacy;
CREATE TABLE legacy.sessions (
  id bigserial PRIMARY KEY, session_id varchar NOT NULL, data text,
  created_at timestamp NOT NULL, updated_at timestamp NOT NULL
);
INSERT INTO legacy.sessions (session_id, data, created_at, updated_at)
  SELECT 'o' || g, 'd', localtimestamp - interval '60 days', localtimestamp - interval '40 days' FROM generate_series(1, 70) g;
INSERT INTO legacy.sessions (session_id, data, created_at, updated_at)
  SELECT 'n' || g, 'd', localtimestamp - interval '60 days', localtimestamp - interval '1 day' FROM generate_series(1, 30) g;

-- Named like a session table, but not one: no payload column
CREATE SCHEMA other;
CREATE TABLE other.sessions (id int PRIMARY KEY, name text, last_activity int);
INSERT INTO other.sessions SELECT g, 'n', 0 FROM generate_series(1, 10) g;

-- Large incompressible values go to TOAST
CREATE TABLE documents (id int PRIMARY KEY, body text NOT NULL);
INSERT INTO documents
  SELECT g, (SELECT string_agg(md5(random()::text || g || i), '') FROM generate_series(1, 640) i) FROM generate_series(1, 40) g;
CREATE INDEX documents_body_fts ON documents USING gin (to_tsvector('simple', left(body, 200)));

-- An index left mostly empty by a big DELETE
CREATE TABLE events (id int PRIMARY KEY, kind text NOT NULL) WITH (autovacuum_enabled = false);
INSERT INTO events SELECT g, 'k' FROM generate_series(1, 50000) g;
DELETE FROM events WHERE id % 10 <> 0;

CREATE TABLE churn (id int PRIMARY KEY);
INSERT INTO churn SELECT g FROM generate_series(1, 1000) g;

-- Sizes, dead rows and vacuum times are compared against the catalog later:
-- autovacuum must not change them in between.
DO $$
DECLARE t regclass;
BEGIN
  FOR t IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'r' AND n.nspname IN ('public', 'legacy', 'other') LOOP
    EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false, toast.autovacuum_enabled = false)', t);
  END LOOP;
END $$;
`;

let db: TestDb;
let seed: pg.Client;
let adapter: PostgresAdapter;
let report: SpaceReport;
const roles = {
  viewer: `jt_viewer_${randomBytes(4).toString('hex')}`,
  outsider: `jt_outsider_${randomBytes(4).toString('hex')}`,
};

function adapterFor(url: string, name = 'main', options: PostgresAdapterOptions = {}) {
  return createPostgresAdapter(parseTargetUrl(name, url, 'TEST'), options);
}

function withLogin(url: string, user: string, password: string) {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

function expectOneSafeLine(e: AppError, secrets: string[]) {
  expect(e.message).not.toMatch(/\n/);
  expect(e.message).not.toMatch(/postgres(ql)?:\/\//);
  for (const s of secrets) expect(e.message).not.toContain(s);
}

/** Polls a statistics counter (they reach pg_stat_* a moment after the work) until it says what the test needs, up to 10 s. */
async function waitFor(c: { query: (sql: string) => Promise<{ rows: Array<{ n: unknown }> }> }, sql: string, ok: (n: number) => boolean) {
  for (let i = 0; i < 100; i++) {
    const { rows } = await c.query(sql);
    if (ok(Number(rows[0]?.n))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await createPgDatabase('jt_stats');
  // The seeding backend reports its dead rows when it exits: had it stayed
  // open, its report could land after the VACUUM's and undo its zero.
  const seeder = await pgClient(db.url);
  await seeder.query(SEED);
  await seeder.end();
  seed = await pgClient(db.url);
  await waitFor(seed, "SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'events'", (n) => n > 0);
  await seed.query('VACUUM events'); // leaves events_pkey mostly empty pages
  await seed.query('CREATE INDEX events_fresh ON events (id)');
  await seed.query('ANALYZE');

  // Dead rows reach pg_stat_user_tables when the deleting backend reports its
  // stats; ending that connection forces the report.
  const deleter = await pgClient(db.url);
  await deleter.query('DELETE FROM churn WHERE id <= 400');
  await deleter.end();
  await waitFor(seed, "SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'churn'", (n) => n > 0);
  await waitFor(seed, "SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'events'", (n) => n === 0);

  adapter = adapterFor(db.url);
  report = await getSpaceReport(adapter);
});

afterAll(async () => {
  await adapter?.close();
  await seed?.end();
  await db?.drop();
  const admin = await pgClient(TEST_PG_URL);
  for (const r of Object.values(roles)) await admin.query(`DROP ROLE IF EXISTS ${r}`);
  await admin.end();
});

describe('space report on PostgreSQL', () => {
  it('shows the database name and the size PostgreSQL reports for it', async () => {
    const stat = await adapter.database();
    const { rows } = await seed.query('SELECT pg_database_size(current_database())::float8 AS size');
    expect(report.database.name).toBe(db.name);
    expect(stat).toEqual({ name: db.name, sizeBytes: rows[0].size });
  });

  it('lists every user table, and nothing from the system catalogs', () => {
    const names = report.tables.map((t) => `${t.schema}.${t.name}`).sort();
    expect(names).toEqual(
      [
        'legacy.sessions',
        'other.sessions',
        'public.churn',
        'public.django_session',
        'public.documents',
        'public.events',
        'public.session',
        'public.sessions',
      ].sort(),
    );
  });

  it('splits each table into heap, index and TOAST bytes that add up to pg_total_relation_size', async () => {
    const { rows } = await seed.query<{ schema: string; name: string; total: number; indexes: number }>(`
      SELECT n.nspname AS schema, c.relname AS name,
        pg_total_relation_size(c.oid)::float8 AS total, pg_indexes_size(c.oid)::float8 AS indexes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname IN ('public', 'legacy', 'other')`);
    expect(rows).toHaveLength(report.tables.length);
    for (const r of rows) {
      const t = report.tables.find((x) => x.schema === r.schema && x.name === r.name)!;
      expect(t.totalBytes, `${r.name} total`).toBe(r.total);
      expect(t.indexBytes, `${r.name} indexes`).toBe(r.indexes);
      expect(t.tableBytes + t.indexBytes + t.toastBytes, `${r.name} parts`).toBe(t.totalBytes);
      expect(t.tableBytes).toBeGreaterThan(0);
      expect(t.freeBytes).toBeNull();
    }
    const docs = report.tables.find((t) => t.name === 'documents')!;
    // 40 rows of 20 kB: nearly all of the table lives in TOAST
    expect(docs.toastBytes).toBeGreaterThan(500_000);
    expect(docs.toastBytes).toBeGreaterThan(docs.tableBytes);
    expect(report.tables.find((t) => t.name === 'churn')!.toastBytes).toBe(0);
  });

  it('shows row estimates, dead rows and when tables were last vacuumed and analyzed', () => {
    const django = report.tables.find((t) => t.name === 'django_session')!;
    expect(django.rowEstimate).toBe(3000);
    expect(django.lastAnalyze).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(django.lastVacuum).toBeNull();
    expect(report.tables.find((t) => t.name === 'churn')!.deadRows).toBe(400);
    const events = report.tables.find((t) => t.name === 'events')!;
    expect(events.rowEstimate).toBe(5000);
    expect(events.deadRows).toBe(0);
    expect(Date.parse(events.lastVacuum!)).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('finds the Django, Laravel, Rails and connect-pg-simple session tables and counts expired rows exactly', () => {
    const found = report.sessionTables
      .map((s) => ({ at: `${s.schema}.${s.table}`, preset: s.preset, column: s.expiryColumn, expired: s.expired, live: s.live, total: s.total, exact: s.exact }))
      .sort((a, b) => a.at.localeCompare(b.at));
    expect(found).toEqual([
      { at: 'legacy.sessions', preset: 'rails', column: 'updated_at', expired: 70, live: 30, total: 100, exact: true },
      { at: 'public.django_session', preset: 'django', column: 'expire_date', expired: 2400, live: 600, total: 3000, exact: true },
      { at: 'public.session', preset: 'connect-pg-simple', column: 'expire', expired: 40, live: 60, total: 100, exact: true },
      { at: 'public.sessions', preset: 'laravel', column: 'last_activity', expired: 300, live: 200, total: 500, exact: true },
    ]);
  });

  it('does not take a table named "sessions" for a session table when its columns do not match', () => {
    expect(report.sessionTables.some((s) => s.schema === 'other')).toBe(false);
  });

  it('counts a table above the exact-count limit through its expiry index and says the total is an estimate', async () => {
    const counts = await adapter.countSessions(
      { schema: 'public', table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' },
      { now: new Date(), exactMaxRows: 100 },
    );
    expect(counts).toEqual({ expired: 2400, live: 600, total: 3000, exact: false });
  });

  it('refuses a session table that is not in the catalog, however its name is spelled', async () => {
    const hostile = 'django_session"; DROP TABLE events; --';
    const e = await rejection(
      adapter.countSessions(
        { schema: 'public', table: hostile, expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' },
        { now: new Date(), exactMaxRows: 1000 },
      ),
    );
    expect(e.kind).toBe('not-found');
    const { rows } = await seed.query("SELECT to_regclass('public.events') IS NOT NULL AS present");
    expect(rows[0].present).toBe(true);
    const wrongColumn = await rejection(
      adapter.countSessions(
        { schema: 'public', table: 'django_session', expiryColumn: 'expires', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' },
        { now: new Date(), exactMaxRows: 1000 },
      ),
    );
    expect(wrongColumn.kind).toBe('not-found');
  });

  it('lists every index with its size and scans, and estimates btree bloat when pgstattuple is absent', async () => {
    const { rows } = await seed.query<{ name: string; bytes: number }>(`
      SELECT n.nspname || '.' || c.relname AS name, pg_relation_size(c.oid)::float8 AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'i' AND n.nspname IN ('public', 'legacy', 'other')`);
    const listed = new Map(report.indexes.map((i) => [`${i.schema}.${i.name}`, i.bytes]));
    expect([...listed.keys()].sort()).toEqual(rows.map((r) => r.name).sort());
    for (const r of rows) expect(listed.get(r.name), r.name).toBe(r.bytes);

    const byName = (n: string) => report.indexes.find((i) => i.name === n)!;
    expect(byName('events_pkey')).toMatchObject({ table: 'events', primary: true, unique: true, bloatMethod: 'estimate' });
    expect(byName('events_pkey').scans).toBeTypeOf('number');
    // 90% of its entries deleted: most of the index is empty space
    expect(byName('events_pkey').bloatRatio).toBeGreaterThan(0.6);
    expect(byName('events_pkey').bloatBytes).toBeGreaterThan(0.6 * byName('events_pkey').bytes);
    // the same keys, freshly built
    expect(byName('events_fresh').bloatRatio).toBeLessThan(0.2);
    // GIN: no estimate rather than a wrong one
    expect(byName('documents_body_fts')).toMatchObject({ bloatBytes: null, bloatRatio: null });
    expect(report.bloatNote).toMatch(/estimated/i);
    expect(report.bloatNote).toMatch(/pgstattuple/);
  });

  it('measures bloat with pgstattuple once the extension is installed, and says so', async () => {
    await seed.query('CREATE EXTENSION pgstattuple');
    const { indexes, note } = await adapter.indexes();
    const byName = (n: string) => indexes.find((i) => i.name === n)!;
    expect(byName('events_pkey').bloatMethod).toBe('pgstattuple');
    expect(byName('events_pkey').bloatRatio).toBeGreaterThan(0.6);
    expect(byName('events_fresh').bloatMethod).toBe('pgstattuple');
    expect(byName('events_fresh').bloatRatio).toBeLessThan(0.1);
    expect(byName('documents_body_fts').bloatMethod).toBe('estimate');
    expect(note).toMatch(/measured with pgstattuple/);
  });

  it('measures only as many indexes as it is allowed to, leaving the rest as estimates', async () => {
    const limited = adapterFor(db.url, 'limited', { measure: { limit: 2, perIndexMs: 2_000, budgetMs: 5_000 } });
    try {
      const { indexes, note } = await limited.indexes();
      const measured = indexes.filter((i) => i.bloatMethod === 'pgstattuple');
      expect(measured).toHaveLength(2);
      const largestBtrees = [...indexes].filter((i) => i.name !== 'documents_body_fts').sort((a, b) => b.bytes - a.bytes);
      expect(measured.map((i) => i.bytes).sort((a, b) => b - a)).toEqual(largestBtrees.slice(0, 2).map((i) => i.bytes));
      expect(note).toMatch(/2 largest btree indexes measured with pgstattuple; the rest estimated/);
    } finally {
      await limited.close();
    }
  });

  it('falls back to estimates, and says why, for a login that may not run pgstatindex', async () => {
    await seed.query(`CREATE ROLE ${roles.viewer} LOGIN PASSWORD 'viewer-secret'`);
    const viewer = adapterFor(withLogin(db.url, roles.viewer, 'viewer-secret'), 'viewer');
    try {
      const { indexes, note } = await viewer.indexes();
      expect(indexes.length).toBeGreaterThan(0);
      expect(indexes.every((i) => i.bloatMethod === 'estimate')).toBe(true);
      expect(note).toMatch(/may not run pgstatindex/);
      // sizes need no grant on the tables themselves
      const tables = await viewer.tables();
      expect(tables.find((t) => t.name === 'django_session')!.totalBytes).toBe(
        report.tables.find((t) => t.name === 'django_session')!.totalBytes,
      );
    } finally {
      await viewer.close();
    }
  });
});

describe('space report while a table is being rewritten', () => {
  it('still lists a table under an ACCESS EXCLUSIVE lock (e.g. VACUUM FULL) instead of waiting for it', async () => {
    const holder = await pgClient(db.url);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE');
      const started = performance.now();
      const [tables, { indexes }] = await Promise.all([adapter.tables(), adapter.indexes()]);
      // far below the 3 s lock timeout: the locked table was not waited on
      expect(performance.now() - started).toBeLessThan(2_000);
      const django = tables.find((t) => t.name === 'django_session')!;
      expect(django.totalBytes).toBeGreaterThan(0);
      expect(django.tableBytes + django.indexBytes + django.toastBytes).toBe(django.totalBytes);
      expect(indexes.find((i) => i.name === 'django_session_pkey')!.bytes).toBeGreaterThan(0);

      // counting its rows has to read it: that gives up after the lock timeout with a clear message
      const e = await rejection(
        adapter.countSessions(
          { schema: 'public', table: 'django_session', expiryColumn: 'expire_date', expiryType: 'timestamp', ttlSeconds: null, timestampZone: 'utc' },
          { now: new Date(), exactMaxRows: 1_000_000 },
        ),
      );
      expect(e.kind).toBe('timeout');
      expect(e.message).toBe('target "main": could not get the lock in time (lock timeout)');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });
});

describe('PostgreSQL targets that cannot be read', () => {
  it('a login without access to the database gets a one-line permission error', async () => {
    await seed.query(`CREATE ROLE ${roles.outsider} LOGIN PASSWORD 'outsider-secret'`);
    await seed.query(`REVOKE CONNECT ON DATABASE ${db.name} FROM PUBLIC`);
    await seed.query(`GRANT CONNECT ON DATABASE ${db.name} TO ${roles.viewer}`);
    const outsider = adapterFor(withLogin(db.url, roles.outsider, 'outsider-secret'), 'outsider');
    try {
      const e = await rejection(outsider.tables());
      expect(e.kind).toBe('permission');
      expect(e.message).toMatch(/^target "outsider": permission denied/);
      expectOneSafeLine(e, ['outsider-secret']);
    } finally {
      await outsider.close();
    }
  });

  it('an unreachable server is reported as unreachable, without the URL or password', async () => {
    const port = await freePort();
    const a = adapterFor(`postgresql://janitor_test:s3cret-pw@127.0.0.1:${port}/postgres`, 'down');
    try {
      const e = await rejection(getSpaceReport(a));
      expect(e.kind).toBe('unreachable');
      expect(e.message).toBe('target "down" is unreachable: connection refused');
      expectOneSafeLine(e, ['s3cret-pw', String(port)]);
    } finally {
      await a.close();
    }
  });

  it('an unknown login is refused as a wrong user or password', async () => {
    const a = adapterFor(withLogin(db.url, `jt_nobody_${randomBytes(3).toString('hex')}`, 'n0body-pw'), 'nobody');
    try {
      const e = await rejection(a.tables());
      expect(e.kind).toBe('auth');
      expect(e.message).toBe('target "nobody" refused the login: wrong user or password');
      expectOneSafeLine(e, ['n0body-pw']);
    } finally {
      await a.close();
    }
  });

  // The local test server trusts 127.0.0.1 (any password is accepted), so a
  // wrong password is played by a stand-in server that asks for a password and
  // answers as PostgreSQL does when it is wrong (SQLSTATE 28P01).
  it('a wrong password is refused as a wrong user or password, without echoing it', async () => {
    const server = await passwordRejectingServer();
    const port = (server.address() as net.AddressInfo).port;
    const a = adapterFor(`postgresql://janitor_test:wr0ng-pw@127.0.0.1:${port}/postgres`, 'main');
    try {
      const e = await rejection(a.database());
      expect(e.kind).toBe('auth');
      expect(e.message).toBe('target "main" refused the login: wrong user or password');
      expectOneSafeLine(e, ['wr0ng-pw']);
    } finally {
      await a.close();
      server.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Speaks just enough of the PostgreSQL protocol to reject a cleartext password. */
function passwordRejectingServer(): Promise<net.Server> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const server = net.createServer((socket) => {
    let startup = true;
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      if (startup) {
        startup = false;
        if (chunk.readInt32BE(4) === 80877103) {
          socket.write('N'); // SSLRequest: no
          startup = true;
          return;
        }
        const cleartext = Buffer.alloc(4);
        cleartext.writeInt32BE(3);
        socket.write(message('R', cleartext));
        return;
      }
      if (chunk[0] === 'p'.charCodeAt(0)) {
        const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "janitor_test"'];
        socket.end(message('E', Buffer.from(fields.map((f) => `${f}\0`).join('') + '\0')));
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
