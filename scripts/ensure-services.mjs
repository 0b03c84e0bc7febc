#!/usr/bin/env node
// Makes the test services exist on this machine: PostgreSQL and MariaDB
// reachable on 127.0.0.1 with a test login, Debian's chromium for browser
// tests, and Debian's Django with its PostgreSQL and MySQL drivers for the
// compat suite. Installs Debian packages when missing and starts servers when down, so
// `npm test` also passes on a fresh Debian machine. Idempotent and quick when
// everything is already there.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import net from 'node:net';

const log = (m) => console.log(`[services] ${m}`);
const sh = (cmd, opts = {}) => execSync(cmd, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
const trySh = (cmd) => { try { return sh(cmd); } catch { return null; } };
/** Runs a program with arguments (no shell); true when it exits 0. */
const run = (bin, args) => spawnSync(bin, args, { stdio: 'ignore' }).status === 0;
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
  });
}

async function waitPort(port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await portOpen(port)) return true;
    await sleep(250);
  }
  return false;
}

let aptUpdated = false;
function aptInstall(pkgs) {
  if (process.getuid?.() !== 0) throw new Error(`missing ${pkgs.join(' ')}; install them (apt-get install ${pkgs.join(' ')}) or run as root`);
  if (!aptUpdated) { log('apt-get update'); sh('apt-get update -qq'); aptUpdated = true; }
  log(`apt-get install ${pkgs.join(' ')}`);
  sh(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(' ')}`, { stdio: 'inherit' });
}

async function ensurePostgres() {
  if (process.env.TEST_PG_URL) return; // caller manages its own server
  if (!(await portOpen(5432))) {
    if (!has('pg_ctlcluster')) aptInstall(['postgresql', 'postgresql-contrib']);
    const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
    if (versions.length === 0) throw new Error('PostgreSQL is installed but has no cluster (pg_createcluster)');
    log(`starting PostgreSQL ${versions[0]}`);
    trySh(`pg_ctlcluster --skip-systemctl-redirect ${versions[0]} main start`);
    if (!(await waitPort(5432, 30))) throw new Error('PostgreSQL did not start on 127.0.0.1:5432');
  }
  // A password login works whatever pg_hba says for 127.0.0.1 (trust or scram).
  const sql = "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='janitor_test') THEN CREATE ROLE janitor_test LOGIN SUPERUSER PASSWORD 'janitor_test'; END IF; END $$;";
  const ok =
    run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atqc', sql]) ||
    run('runuser', ['-u', 'postgres', '--', 'psql', '-d', 'postgres', '-Atqc', sql]);
  if (!ok) throw new Error('could not create the janitor_test role in PostgreSQL');
}

async function ensureMariadb() {
  if (process.env.TEST_MYSQL_URL) return;
  if (!(await portOpen(3306))) {
    if (!has('mariadbd') && !existsSync('/usr/sbin/mariadbd')) aptInstall(['mariadb-server']);
    log('starting MariaDB');
    trySh('mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld');
    trySh('start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd');
    if (!(await waitPort(3306, 60))) throw new Error('MariaDB did not start on 127.0.0.1:3306');
  }
  // Debian's root is unix_socket-only: make a password login for TCP.
  const sql = "CREATE USER IF NOT EXISTS 'janitor_test'@'127.0.0.1' IDENTIFIED BY 'janitor_test'; CREATE USER IF NOT EXISTS 'janitor_test'@'localhost' IDENTIFIED BY 'janitor_test'; GRANT ALL ON *.* TO 'janitor_test'@'127.0.0.1' WITH GRANT OPTION; GRANT ALL ON *.* TO 'janitor_test'@'localhost' WITH GRANT OPTION;";
  const ok = run('mariadb', ['-uroot', '-e', sql]) || run('mariadb', ['-h127.0.0.1', '-uroot', '-e', sql]);
  if (!ok) throw new Error('could not create the janitor_test user in MariaDB (run as root)');
}

// The compat suite runs real Django (Debian's python3-django, 3.2 on bookworm)
// under Debian's own interpreter: a python3 earlier on PATH (pyenv, venv) does
// not see Debian's packages.
function ensureDjango() {
  const python = process.env.TEST_PYTHON ?? '/usr/bin/python3';
  if (run(python, ['-c', 'import django, psycopg2, MySQLdb'])) return;
  aptInstall(['python3-django', 'python3-psycopg2', 'python3-mysqldb']);
}

function ensureChromium() {
  if (process.env.JANITOR_SKIP_BROWSER === '1') return;
  if (existsSync('/usr/bin/chromium')) return;
  aptInstall(['chromium']);
}

const want = new Set(process.argv.slice(2));
const all = want.size === 0;
try {
  if (all || want.has('postgres')) await ensurePostgres();
  if (all || want.has('mysql')) await ensureMariadb();
  if (all || want.has('django')) ensureDjango();
  if (all || want.has('chromium')) ensureChromium();
} catch (e) {
  console.error(`[services] ${e.message}`);
  process.exit(1);
}
