// Throwaway PostgreSQL and MariaDB servers for fault tests that stop, restart
// or kill a database mid-run. The shared servers on 5432 / 3306 serve every
// other test at the same time, so they are never touched: each private server
// lives in its own temp directory on a free port and is removed afterwards.
// As root the servers run as the postgres / mysql OS users (initdb refuses root).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { freePort } from './app-server';

/** Debian's newest PostgreSQL (initdb and pg_ctl are not on PATH there). */
function pgBin(): string {
  if (process.env.TEST_PG_BIN) return process.env.TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return path.join(root, versions[0] ?? '15', 'bin');
}
const PG_BIN = pgBin();
const MARIADBD = process.env.TEST_MARIADBD ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env.TEST_MARIADB_INSTALL_DB ?? '/usr/bin/mariadb-install-db';
const isRoot = process.getuid?.() === 0;

export type PrivateServer = {
  dialect: 'postgres' | 'mysql';
  /** A database `app` on the server, with a password-less (PostgreSQL) or password login over TCP. */
  url: string;
  port: number;
  /** Stops the server cleanly (PostgreSQL fast shutdown: sessions are ended; MariaDB SIGTERM). */
  stop(): Promise<void>;
  /** Kills the server without a shutdown (PostgreSQL immediate mode, MariaDB SIGKILL): a crash. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** stop(), wait `downMs`, start() */
  restart(downMs: number): Promise<void>;
  isUp(): Promise<boolean>;
  /** The server's log, for failure messages. */
  log(): string;
  /** Stops it (if up) and deletes its directory. */
  destroy(): Promise<void>;
};

const servers = new Set<PrivateServer>();
// A test process that dies without its afterAll still leaves no server behind.
process.once('exit', () => {
  for (const s of servers) s.destroy().catch(() => {});
});

/** The common part of both servers: restart and destroy from the dialect's start / stop / kill, and cleanup at exit. */
function privateServer(o: Pick<PrivateServer, 'dialect' | 'url' | 'port' | 'stop' | 'kill' | 'start' | 'isUp' | 'log'> & { dir: string }): PrivateServer {
  const { dir, ...own } = o;
  const server: PrivateServer = {
    ...own,
    async restart(downMs) {
      await o.stop();
      await sleep(downMs);
      await o.start();
    },
    async destroy() {
      servers.delete(server);
      try {
        await o.kill();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  servers.add(server);
  return server;
}

function tempDir(prefix: string, owner: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (isRoot) {
    const [uid, gid] = idsOf(owner);
    chownSync(dir, uid, gid);
  }
  return dir;
}

function idsOf(user: string): [number, number] {
  const r = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error(`OS user ${user} does not exist (install the server package)`);
  return [Number(r.stdout.trim()), Number(g.stdout.trim())];
}

/** Runs a server binary as `user` when root, as ourselves otherwise. */
function asUser(user: string, bin: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', user, '--', bin, ...args]] : [bin, args];
}

function runOk(user: string, bin: string, args: string[], what: string) {
  const [cmd, argv] = asUser(user, bin, args);
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}): ${(r.stderr || r.stdout).slice(-2000)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, ok: () => Promise<boolean>, ms: number, log: () => string) {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`${what} within ${ms} ms:\n${log().slice(-3000)}`);
    await sleep(100);
  }
}

export async function startPrivatePostgres(): Promise<PrivateServer> {
  const dir = tempDir('jf-pg-', 'postgres');
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  const port = await freePort();
  runOk('postgres', path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], 'initdb');
  // Small and fast: a few sessions, no fsync (nothing here needs to survive the
  // machine). Commits stay synchronous: a killed server must keep what it acknowledged.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=40`;
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const url = `postgresql://postgres@127.0.0.1:${port}/app`;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const ctl = (args: string[]) => runOk('postgres', path.join(PG_BIN, 'pg_ctl'), ['-D', data, ...args], `pg_ctl ${args.join(' ')}`);
  let up = false;

  const isUp = async () => {
    const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1_000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  };
  const start = async () => {
    ctl(['-l', logFile, '-o', opts, '-w', '-t', '60', 'start']);
    up = true;
    await waitUntil('PostgreSQL did not accept connections', isUp, 30_000, log);
  };
  const stopWith = async (mode: 'fast' | 'immediate') => {
    if (!up) return;
    ctl(['-m', mode, '-w', '-t', '60', 'stop']);
    up = false;
  };

  const server = privateServer({ dialect: 'postgres', url, port, stop: () => stopWith('fast'), kill: () => stopWith('immediate'), start, isUp, log, dir });
  try {
    await start();
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query('CREATE DATABASE app');
    await c.end();
  } catch (e) {
    await server.destroy().catch(() => {});
    throw e;
  }
  return server;
}

/** `timeZone`: the server's global `time_zone` (`--default-time-zone`), an offset like +09:00 (a fresh server has no zone tables for names). */
export async function startPrivateMariadb(opts: { timeZone?: string } = {}): Promise<PrivateServer> {
  const dir = tempDir('jf-my-', 'mysql');
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const logFile = path.join(dir, 'error.log');
  const port = await freePort();
  const password = 'fault-test';
  // Its own tmpdir: the shared /tmp is where other servers and cleaners work too,
  // and a bootstrap whose temporary table file vanished from under it aborts
  // ("Could not remove temporary table … Unknown table 'mysql.tmp_user_sys'").
  const tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  if (isRoot) chownSync(tmp, ...idsOf('mysql'));
  const installArgs = ['--no-defaults', `--datadir=${data}`, `--tmpdir=${tmp}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...(isRoot ? ['--user=mysql'] : [])];
  try {
    runOk('mysql', INSTALL_DB, installArgs, 'mariadb-install-db');
  } catch {
    // One more try on a clean data directory; a second failure is reported.
    rmSync(data, { recursive: true, force: true });
    try {
      runOk('mysql', INSTALL_DB, installArgs, 'mariadb-install-db');
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }
  const args = [
    '--no-defaults',
    `--datadir=${data}`,
    `--tmpdir=${tmp}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${socket}`,
    `--pid-file=${path.join(dir, 'mysqld.pid')}`,
    `--log-error=${logFile}`,
    '--skip-name-resolve',
    '--skip-log-bin',
    '--performance-schema=OFF',
    '--innodb-buffer-pool-size=32M',
    '--innodb-log-file-size=16M',
    '--innodb-flush-log-at-trx-commit=2',
    '--max-connections=60',
    ...(opts.timeZone ? [`--default-time-zone=${opts.timeZone}`] : []),
    ...(isRoot ? ['--user=mysql'] : []),
  ];
  const url = `mysql://janitor:${password}@127.0.0.1:${port}/app`;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const isUp = async () => {
    try {
      const c = await mysql.createConnection({ socketPath: socket, user: 'root', connectTimeout: 1_000 });
      await c.end();
      return true;
    } catch {
      return false;
    }
  };
  const start = async () => {
    if (child) return;
    // mariadbd drops to --user itself; it stays our child so stop() can signal it.
    const c = spawn(MARIADBD, args, { stdio: 'ignore', detached: true });
    child = c;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    exited.then(() => {
      if (child === c) child = null;
    });
    await waitUntil('MariaDB did not accept connections', isUp, 60_000, log);
  };
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    if (!c) return;
    c.kill(sig);
    await exited;
    child = null;
  };

  const server = privateServer({ dialect: 'mysql', url, port, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL'), start, isUp, log, dir });
  try {
    await start();
    const c = await mysql.createConnection({ socketPath: socket, user: 'root', multipleStatements: true });
    await c.query(
      `CREATE DATABASE app; CREATE USER 'janitor'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON *.* TO 'janitor'@'127.0.0.1';`,
    );
    await c.end();
  } catch (e) {
    await server.destroy().catch(() => {});
    throw e;
  }
  return server;
}
