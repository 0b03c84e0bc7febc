// The embedded demo database: realistic session tables so a newcomer sees real
// numbers right after `npm ci && npm start`. Plain SQL, run once on a new
// PGlite data directory.

/** Statements in order; generate_series keeps the whole seed inside the database. */
export const DEMO_SEED_SQL = [
  // Django: ~200k sessions, ~85% expired, scattered through the heap the way
  // they are in a real table (expired and live rows interleave).
  `CREATE TABLE django_session (
     session_key varchar(40) PRIMARY KEY,
     session_data text NOT NULL,
     expire_date timestamptz NOT NULL)`,
  `CREATE INDEX django_session_expire_date_a5c62663 ON django_session (expire_date)`,
  `INSERT INTO django_session
     SELECT substr(md5(i::text || 'k'), 1, 32),
            encode(sha256(i::text::bytea), 'base64') || repeat('e30', 40 + i % 60),
            CASE WHEN (i::bigint * 7919) % 100 < 85
                 THEN now() - ((i::bigint * 104729) % (60 * 86400)) * interval '1 second' - interval '1 minute'
                 ELSE now() + ((i::bigint * 104729) % (14 * 86400)) * interval '1 second' + interval '1 hour' END
     FROM generate_series(1, 200000) AS i`,
  // Laravel: last_activity in epoch seconds, SESSION_LIFETIME 120 minutes.
  `CREATE TABLE sessions (
     id varchar(255) PRIMARY KEY,
     user_id bigint NULL,
     ip_address varchar(45) NULL,
     user_agent text NULL,
     payload text NOT NULL,
     last_activity integer NOT NULL)`,
  `CREATE INDEX sessions_user_id_index ON sessions (user_id)`,
  `CREATE INDEX sessions_last_activity_index ON sessions (last_activity)`,
  `INSERT INTO sessions
     SELECT md5(i::text || 'l') || substr(md5(i::text), 1, 8),
            CASE WHEN i % 3 = 0 THEN i % 5000 END,
            '10.0.' || (i % 250) || '.' || (i % 200),
            'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
            repeat('YTo0OntzOjY6Il90b2tlbiI7', 8),
            extract(epoch FROM now())::int - (i * 37) % (10 * 86400)
     FROM generate_series(1, 30000) AS i`,
  // connect-pg-simple
  `CREATE TABLE "session" (
     sid varchar NOT NULL PRIMARY KEY,
     sess json NOT NULL,
     expire timestamp(6) NOT NULL)`,
  `CREATE INDEX "IDX_session_expire" ON "session" (expire)`,
  `INSERT INTO "session"
     SELECT md5(i::text || 's'),
            json_build_object('cookie', json_build_object('maxAge', 86400000, 'httpOnly', true), 'userId', i % 900),
            (now() AT TIME ZONE 'UTC') + ((i % 10) - 6) * interval '1 day'
     FROM generate_series(1, 15000) AS i`,
  // Ordinary application tables.
  `CREATE TABLE auth_user (
     id serial PRIMARY KEY, username varchar(150) UNIQUE NOT NULL, email varchar(254) NOT NULL,
     date_joined timestamptz NOT NULL DEFAULT now())`,
  `INSERT INTO auth_user (username, email, date_joined)
     SELECT 'user' || i, 'user' || i || '@example.com', now() - (i % 900) * interval '1 day' FROM generate_series(1, 5000) i`,
  `CREATE TABLE orders (
     id bigserial PRIMARY KEY, user_id int NOT NULL, status varchar(20) NOT NULL,
     total_cents int NOT NULL, created_at timestamptz NOT NULL)`,
  `CREATE INDEX orders_user_id_idx ON orders (user_id)`,
  `CREATE INDEX orders_created_at_idx ON orders (created_at)`,
  `CREATE INDEX orders_status_idx ON orders (status)`,
  `INSERT INTO orders (user_id, status, total_cents, created_at)
     SELECT i % 5000, (ARRAY['paid','shipped','refunded','pending'])[1 + i % 4], (i * 31) % 50000, now() - (i % 700) * interval '1 hour'
     FROM generate_series(1, 60000) i`,
  // Deleting most pending orders leaves dead rows and index bloat to look at.
  `DELETE FROM orders WHERE status = 'pending' AND id % 5 <> 0`,
  `CREATE TABLE audit_events (
     id bigserial PRIMARY KEY, kind varchar(40) NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  // Large, poorly compressible payloads go to TOAST.
  `INSERT INTO audit_events (kind, payload)
     SELECT 'export', jsonb_build_object('rows', (SELECT string_agg(md5(i::text || j::text), '') FROM generate_series(1, 120) j))
     FROM generate_series(1, 1500) i`,
  `ANALYZE`,
];
