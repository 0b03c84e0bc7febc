// Signed-in sessions, kept in the store. The cookie carries a random 256-bit
// token; the store keeps only its SHA-256, so a leaked store cannot sign anyone in.
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { store } from '../store/client';
import type { Role } from '../schemas/user';

export const SESSION_COOKIE = 'janitor_session';
export const SESSION_TTL_MS = 12 * 3600 * 1000;
/** Refresh lastSeenAt / extend expiry at most this often, to keep reads cheap. */
const TOUCH_EVERY_MS = 5 * 60 * 1000;

export type SignedInUser = { id: string; username: string; role: Role };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  const db = await store();
  await db.session.create({ data: { id: hashToken(token), userId, expiresAt } });
  return { token, expiresAt };
}

export async function userForToken(token: string | undefined | null): Promise<SignedInUser | null> {
  if (!token || token.length > 100) return null;
  const db = await store();
  const id = hashToken(token);
  const s = await db.session.findUnique({ where: { id }, include: { user: true } });
  if (!s) return null;
  const now = Date.now();
  if (s.expiresAt.getTime() <= now) {
    await db.session.delete({ where: { id } }).catch(() => {});
    return null;
  }
  if (now - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.session.update({ where: { id }, data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_TTL_MS) } }).catch(() => {});
  }
  return { id: s.user.id, username: s.user.username, role: s.user.role as Role };
}

export async function destroySession(token: string | undefined | null) {
  if (!token) return;
  const db = await store();
  await db.session.deleteMany({ where: { id: hashToken(token) } });
}
