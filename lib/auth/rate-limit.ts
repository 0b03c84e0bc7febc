// Failed sign-ins back off per user *and* address, so a stranger who knows an
// operator's name locks out only their own address, not the operator. Each
// address is also limited across user names (guessing many users), and a
// user's failures from everywhere add a short delay (guessing one user from
// many addresses) that never refuses the right password. In the store, so it
// holds across app processes and restarts.
import 'server-only';
import { store } from '../store/client';

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_USER_AND_ADDRESS = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;
/** Failures of one user (all addresses) before each attempt is slowed down. */
export const SLOWDOWN_AFTER = 5;
const MAX_DELAY_MS = 4000;

const userKey = (username: string) => `u:${username.toLowerCase()}`;
const pairPrefix = (username: string) => `ua:${username.toLowerCase()}@`;
const keys = (username: string, address: string) => ({ user: userKey(username), pair: `${pairPrefix(username)}${address}`, addr: `a:${address}` });

export type SignInGate = { blockedForSeconds: number; delayMs: number };

export async function signInGate(username: string, address: string, now = new Date()): Promise<SignInGate> {
  const db = await store();
  const since = new Date(now.getTime() - WINDOW_MS);
  const k = keys(username, address);
  const recent = (key: string) => db.loginFailure.findMany({ where: { key, at: { gt: since } }, orderBy: { at: 'asc' }, select: { at: true } });
  const [byPair, byAddr, byUser] = await Promise.all([recent(k.pair), recent(k.addr), db.loginFailure.count({ where: { key: k.user, at: { gt: since } } })]);
  const waitFor = (list: { at: Date }[], max: number) =>
    list.length < max ? 0 : Math.ceil((list[list.length - max]!.at.getTime() + WINDOW_MS - now.getTime()) / 1000);
  const over = byUser - SLOWDOWN_AFTER;
  return {
    blockedForSeconds: Math.max(waitFor(byPair, MAX_FAILURES_PER_USER_AND_ADDRESS), waitFor(byAddr, MAX_FAILURES_PER_ADDRESS)),
    delayMs: over <= 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(over, 5)),
  };
}

export async function recordSignInFailure(username: string, address: string) {
  const db = await store();
  const k = keys(username, address);
  await db.loginFailure.createMany({ data: [{ key: k.user }, { key: k.pair }, { key: k.addr }] });
  // Keep the table small: forget failures older than the window.
  await db.loginFailure.deleteMany({ where: { at: { lt: new Date(Date.now() - WINDOW_MS) } } });
}

/**
 * Forgets a user's failed sign-ins: from one address (a successful sign-in
 * there; a stranger's back-off elsewhere stays), or from every address (a new
 * password, `janitor users unlock`). Returns how many were forgotten.
 */
export async function clearSignInFailures(username: string, opts: { address?: string } = {}): Promise<number> {
  const db = await store();
  const pairs = opts.address !== undefined ? { key: keys(username, opts.address).pair } : { key: { startsWith: pairPrefix(username) } };
  const count = await db.loginFailure.count({ where: pairs });
  await db.loginFailure.deleteMany({ where: { OR: [{ key: userKey(username) }, pairs] } });
  return count;
}
