// Failed sign-ins are limited per username and per client address over a
// sliding window, in the store so it holds across app processes.
import 'server-only';
import { store } from '../store/client';

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

const keys = (username: string, address: string) => ({ user: `u:${username.toLowerCase()}`, addr: `a:${address}` });

/** Seconds until another attempt is allowed, or 0. */
export async function signInBlockedFor(username: string, address: string, now = new Date()): Promise<number> {
  const db = await store();
  const since = new Date(now.getTime() - WINDOW_MS);
  const k = keys(username, address);
  const [byUser, byAddr] = await Promise.all([
    db.loginFailure.findMany({ where: { key: k.user, at: { gt: since } }, orderBy: { at: 'asc' }, select: { at: true } }),
    db.loginFailure.findMany({ where: { key: k.addr, at: { gt: since } }, orderBy: { at: 'asc' }, select: { at: true } }),
  ]);
  const waitFor = (list: { at: Date }[], max: number) =>
    list.length < max ? 0 : Math.ceil((list[list.length - max]!.at.getTime() + WINDOW_MS - now.getTime()) / 1000);
  return Math.max(waitFor(byUser, MAX_FAILURES_PER_USER), waitFor(byAddr, MAX_FAILURES_PER_ADDRESS));
}

export async function recordSignInFailure(username: string, address: string) {
  const db = await store();
  const k = keys(username, address);
  await db.loginFailure.createMany({ data: [{ key: k.user }, { key: k.addr }] });
  // Keep the table small: forget failures older than the window.
  await db.loginFailure.deleteMany({ where: { at: { lt: new Date(Date.now() - WINDOW_MS) } } });
}

export async function clearSignInFailures(username: string) {
  const db = await store();
  await db.loginFailure.deleteMany({ where: { key: keys(username, '').user } });
}
