// Which errors make a dedicated connection count as gone, so that the next
// statement reconnects (and a cleanup run takes its table lock back). The
// cleanup and the reclaim drivers share this rule; MySQL's used to differ
// between them: the cleanup driver's left out the server's "connection
// killed / gone" errnos, so such an error without mysql2's `fatal` flag did
// not make it reconnect.
import { describe, expect, it } from 'vitest';
import { mysqlConnectionLost, mysqlLockName } from '@/lib/targets/mysql/dedicated-connection';
import { pgConnectionLost, pgLockKey } from '@/lib/targets/postgres/dedicated-connection';

describe('PostgreSQL: a lost connection', () => {
  it.each([
    ['a socket error (no SQLSTATE)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['connection failure (class 08)', { code: '08006' }],
    ['administrator shutdown (57P01)', { code: '57P01' }],
    ['an error without a code', new Error('Connection terminated unexpectedly')],
  ])('is %s', (_what, e) => {
    expect(pgConnectionLost(e)).toBe(true);
  });

  it.each([
    ['a lock timeout (55P03)', { code: '55P03' }],
    ['a statement timeout or cancel (57014)', { code: '57014' }],
    ['a deadlock (40P01)', { code: '40P01' }],
    ['a missing table (42P01)', { code: '42P01' }],
  ])('is not %s: the connection goes on', (_what, e) => {
    expect(pgConnectionLost(e)).toBe(false);
  });
});

describe('MySQL / MariaDB: a lost connection', () => {
  it.each([
    ['an error mysql2 marks fatal', { fatal: true, errno: 1205 }],
    ['a socket error (no errno)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['the connection killed (MariaDB 1927), not marked fatal', { errno: 1927, code: 'ER_CONNECTION_KILLED' }],
    ['a server shutting down (1053)', { errno: 1053 }],
    ['server gone away (2006)', { errno: 2006 }],
    ['lost during a query (2013)', { errno: 2013 }],
  ])('is %s', (_what, e) => {
    expect(mysqlConnectionLost(e)).toBe(true);
  });

  it.each([
    ['a lock wait timeout (1205)', { errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }],
    ['a deadlock (1213)', { errno: 1213, code: 'ER_LOCK_DEADLOCK' }],
    ['an interrupted query (1317)', { errno: 1317 }],
    ['max_statement_time exceeded (1969)', { errno: 1969 }],
  ])('is not %s: the connection goes on', (_what, e) => {
    expect(mysqlConnectionLost(e)).toBe(false);
  });
});

describe('the per-table lock name', () => {
  it('is the same for the same table in every process, and differs between tables', () => {
    expect(pgLockKey('public', 'django_session')).toBe(pgLockKey('public', 'django_session'));
    expect(pgLockKey('public', 'django_session')).not.toBe(pgLockKey('public', 'sessions'));
    expect(pgLockKey('public', 'django_session')).toMatch(/^-?\d+$/);
    expect(mysqlLockName('app', 'django_session')).not.toBe(mysqlLockName('other', 'django_session'));
    // GET_LOCK names longer than 64 characters are an error on MySQL.
    expect(mysqlLockName('app', 'django_session').length).toBeLessThanOrEqual(64);
  });
});
