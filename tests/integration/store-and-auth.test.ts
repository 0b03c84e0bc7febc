import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { STORE_KINDS, queryStore, useStoreOfKind } from '../helpers/temp-store';
import { storeColumns } from '../helpers/store-schema';

const { store } = await import('@/lib/store/client');
const { upsertUser } = await import('@/lib/auth/users');
const { signIn } = await import('@/lib/auth/sign-in');
const { userForToken } = await import('@/lib/auth/sign-ins');
const { listAudit } = await import('@/lib/audit/list');
const { MAX_FAILURES_PER_USER_AND_ADDRESS: MAX_FAILURES_PER_USER } = await import('@/lib/auth/rate-limit');

for (const kind of STORE_KINDS) {
  describe(`on a ${kind} store`, () => {
    const s = useStoreOfKind(kind);

    describe('own store', () => {
      it('creates every table on a fresh store through the migrations, once', async () => {
        await store();
        const tables = Object.keys(await storeColumns(s.url));
        for (const t of ['User', 'Session', 'AuditLog', 'LoginFailure', 'Run', 'Batch', 'Operation', 'SizeSample', 'SizeSampleSlot', 'Worker', 'Schedule', 'ScheduleOccurrence', '_janitor_migrations']) expect(tables).toContain(t);
        const { migrate } = await import('@/lib/store/migrate');
        expect(await migrate(s.url)).toEqual([]); // nothing applied twice
      });

      it('the CLI creates a user with the password from stdin, stored as a scrypt hash', () => {
        const r = spawnSync(process.execPath, ['cli/janitor.mjs', 'users', 'add', 'vera', '--role', 'viewer'], {
          input: 'correct horse battery\n',
          env: { ...process.env, DATABASE_URL: s.url },
          encoding: 'utf8',
        });
        expect(r.stderr).toBe('');
        expect(r.stdout).toContain('created viewer "vera"');
        return (async () => {
          const row = (await queryStore(s.url, 'SELECT "passwordHash", "role" FROM "User" WHERE "username" = ?', ['vera']))[0]!;
          expect(String(row.passwordHash)).toMatch(/^scrypt\$32768\$8\$1\$/);
          expect(String(row.passwordHash)).not.toContain('correct horse');
          expect(row.role).toBe('viewer');
        })();
      });

      it('the CLI refuses a bad role and a short password with one line and exit 2', () => {
        const bad = spawnSync(process.execPath, ['cli/janitor.mjs', 'users', 'add', 'x', '--role', 'admin'], { input: 'longenough\n', env: { ...process.env, DATABASE_URL: s.url }, encoding: 'utf8' });
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim()).toBe('janitor: --role: Role must be viewer or operator');
        const short = spawnSync(process.execPath, ['cli/janitor.mjs', 'users', 'add', 'x', '--role', 'viewer'], { input: 'short\n', env: { ...process.env, DATABASE_URL: s.url }, encoding: 'utf8' });
        expect(short.status).toBe(2);
        expect(short.stderr.trim()).toBe('janitor: Password must be at least 8 characters');
      });
    });

    describe('sign-in', () => {
      beforeAll(async () => {
        await upsertUser({ username: 'olga', password: 'operator-pass', role: 'operator' });
      });

      it('signs in with the right password, and the session token resolves to the user', async () => {
        const r = await signIn({ username: 'olga', password: 'operator-pass', address: '10.0.0.1' });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(await userForToken(r.token)).toMatchObject({ username: 'olga', role: 'operator' });
        expect(await userForToken('forged-token')).toBeNull();
      });

      it('refuses a wrong password, then rate-limits after repeated failures even with the right one', async () => {
        for (let i = 0; i < MAX_FAILURES_PER_USER; i++) {
          const r = await signIn({ username: 'olga', password: 'wrong-pass', address: '10.0.0.2' });
          expect(r).toEqual({ ok: false, error: 'Wrong username or password.' });
        }
        const blocked = await signIn({ username: 'olga', password: 'operator-pass', address: '10.0.0.2' });
        expect(blocked.ok).toBe(false);
        if (!blocked.ok) expect(blocked.error).toMatch(/Too many failed sign-ins/);
        const audit = await listAudit({ action: 'sign-in' });
        expect(audit.filter((a) => a.outcome === 'denied').length).toBeGreaterThanOrEqual(MAX_FAILURES_PER_USER + 1);
        expect(audit.some((a) => a.actor === 'olga' && a.outcome === 'ok')).toBe(true);
      });

      it('a stranger failing as a user from another address does not lock that user out; a new password lifts the back-off', async () => {
        await upsertUser({ username: 'oscar', password: 'oscar-right-pass', role: 'operator' });
        for (let i = 0; i < MAX_FAILURES_PER_USER; i++) await signIn({ username: 'oscar', password: 'guess', address: '203.0.113.66' });
        const stranger = await signIn({ username: 'oscar', password: 'oscar-right-pass', address: '203.0.113.66' });
        expect(stranger.ok).toBe(false);
        const owner = await signIn({ username: 'oscar', password: 'oscar-right-pass', address: '10.0.0.9' });
        expect(owner.ok).toBe(true);
        for (let i = 0; i < MAX_FAILURES_PER_USER; i++) await signIn({ username: 'oscar', password: 'guess', address: '10.0.0.9' });
        expect((await signIn({ username: 'oscar', password: 'oscar-right-pass', address: '10.0.0.9' })).ok).toBe(false);
        await upsertUser({ username: 'oscar', password: 'oscar-new-pass', role: 'operator' });
        expect((await signIn({ username: 'oscar', password: 'oscar-new-pass', address: '10.0.0.9' })).ok).toBe(true);
      });

      it('changing a password ends existing sessions', async () => {
        await upsertUser({ username: 'pat', password: 'first-password', role: 'viewer' });
        const r = await signIn({ username: 'pat', password: 'first-password', address: '10.0.0.3' });
        expect(r.ok).toBe(true);
        await upsertUser({ username: 'pat', password: 'second-password', role: 'viewer' });
        if (r.ok) expect(await userForToken(r.token)).toBeNull();
      });
    });
  });
}
