// Django 3.2 (Debian's python3-django) on PostgreSQL and MariaDB: `migrate`
// creates django_session, SessionStore writes the rows (set_expiry per row),
// and after Janitor's cleanup SessionStore.load() and `clearsessions` judge it.
// With USE_TZ=True expire_date is timestamptz on PostgreSQL and UTC in a
// DATETIME on MySQL; with USE_TZ=False it is TIME_ZONE's wall clock.
import { describe, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cellName, cells, expectCell, rowPlan, SERVER_ZONES, type Cell } from './cells';
import { cleanupDeleted, connectionParts, mysqlDatabaseIn, pgDatabaseIn, reportExpired } from './janitor-steps';

/** Debian's interpreter: python3-django and its drivers are installed for it (a `python3` first on PATH may be another one). */
const PYTHON = process.env.TEST_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(import.meta.dirname, 'django_cell.py');

type Dialect = 'postgres' | 'mysql';
type DjangoSite = { useTz: boolean; timeZone: string };

function settingsModule(dialect: Dialect, url: string, site: DjangoSite): string {
  const c = connectionParts(url);
  const db = {
    ENGINE: dialect === 'postgres' ? 'django.db.backends.postgresql' : 'django.db.backends.mysql',
    NAME: c.database,
    HOST: c.host,
    PORT: String(c.port),
    USER: c.user,
    PASSWORD: c.password,
  };
  return [
    "SECRET_KEY = 'compat-suite'",
    "INSTALLED_APPS = ['django.contrib.sessions']",
    "SESSION_ENGINE = 'django.contrib.sessions.backends.db'",
    `USE_TZ = ${site.useTz ? 'True' : 'False'}`,
    `TIME_ZONE = ${JSON.stringify(site.timeZone)}`,
    `DATABASES = {'default': ${JSON.stringify(db)}}`,
    '',
  ].join('\n');
}

function python(dir: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, [SCRIPT, ...args], {
      env: { ...process.env, PYTHONPATH: dir, DJANGO_SETTINGS_MODULE: 'compat_settings', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`django_cell.py ${args[0]} exit ${code}: ${err.slice(-1500)}`))));
  });
}

async function djangoCell(name: string, dialect: Dialect, cell: Cell, site: DjangoSite, timestampZone?: string) {
  const db = dialect === 'postgres' ? await pgDatabaseIn(cell.server) : await mysqlDatabaseIn(cell.server);
  const dir = mkdtempSync(path.join(tmpdir(), 'janitor-django-'));
  try {
    writeFileSync(path.join(dir, 'compat_settings.py'), settingsModule(dialect, db.url, site));
    const rows = rowPlan();
    const file = (f: string) => path.join(dir, f);
    writeFileSync(file('plan.json'), JSON.stringify(rows));
    await python(dir, ['write', file('plan.json'), file('written.json')]);
    const written = JSON.parse(readFileSync(file('written.json'), 'utf8')) as { frameworkExpired: number };
    const o = { url: db.url, table: 'django_session', preset: 'django', tz: cell.processTz, timestampZone };
    const reported = await reportExpired(o);
    const deleted = await cleanupDeleted(o);
    await python(dir, ['verify', file('written.json'), file('verified.json')]);
    const verified = JSON.parse(readFileSync(file('verified.json'), 'utf8')) as { liveFound: number; prunerRemoved: number };
    expectCell(name, rows, { frameworkExpired: written.frameworkExpired, reportExpired: reported, cleanupDeleted: deleted, ...verified });
  } finally {
    await db.drop();
  }
}

const what = 'the report and the cleanup count what Django counts, and SessionStore still loads every live session';

describe.concurrent('django', () => {
  for (const dialect of ['postgres', 'mysql'] as Dialect[]) {
    for (const cell of cells()) {
      const name = cellName('Django', dialect, cell, what);
      it(name, () => djangoCell(name, dialect, cell, { useTz: true, timeZone: 'UTC' }));
    }
  }

  // A USE_TZ=False site stores New York wall clock in a DATETIME; the operator says so.
  const cell: Cell = { server: SERVER_ZONES[1]!, processTz: 'Asia/Tokyo', processLabel: 'Tokyo' };
  const name = cellName('Django with USE_TZ=False in New York', 'mysql', cell, `${what} (--timestamp-zone America/New_York)`);
  it(name, () => djangoCell(name, 'mysql', cell, { useTz: false, timeZone: 'America/New_York' }, 'America/New_York'));
});
