// Errors a driver raises when a database goes away are "unreachable" (and so
// retried by a run), whatever shape the driver gives them.
import { describe, expect, it } from 'vitest';
import { describeDbError, isTransientDbError } from '@/lib/targets/describe-error';

const err = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe('a database that goes away', () => {
  it.each([
    ['pg, server killed mid-statement', err('Connection terminated unexpectedly')],
    ['pg, query on a client after its connection failed', err('Client has encountered a connection error and is not queryable')],
    ['pg, refused while down', err('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['pg, crash of another backend', err('terminating connection because of crash of another server process', '57P02')],
    ['pg, starting up after a crash', err('the database system is starting up', '57P03')],
    ['mysql2, connection lost', err('Connection lost: The server closed the connection.', 'PROTOCOL_CONNECTION_LOST')],
    ['mysql2, command on a closed connection', err("Can't add new command when connection is in closed state")],
  ])('%s: unreachable, and retried', (_what, e) => {
    const described = describeDbError(e, 'main');
    expect(described.kind).toBe('unreachable');
    expect(described.message).toMatch(/^target "main" is unreachable: /);
    expect(isTransientDbError(described)).toBe(true);
  });

  it('a bug is not retried', () => {
    const described = describeDbError(err('syntax error at or near "FROM"', '42601'), 'main');
    expect(described.kind).toBe('internal');
    expect(isTransientDbError(described)).toBe(false);
  });
});
