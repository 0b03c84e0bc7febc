// Checks a username and password; every attempt is audit-logged, failures are
// rate-limited. Returns a session token for the cookie, or a user-facing error.
import 'server-only';
import { store } from '../store/client';
import { audit } from '../audit/record';
import { signInSchema } from '../schemas/user';
import { dummyPasswordHash, verifyPassword } from './password';
import { clearSignInFailures, recordSignInFailure, signInGate } from './rate-limit';
import { createSession } from './sign-ins';

export type SignInResult = { ok: true; token: string; expiresAt: Date } | { ok: false; error: string };

export async function signIn(input: { username: unknown; password: unknown; address: string }): Promise<SignInResult> {
  const parsed = signInSchema.safeParse({ username: input.username, password: input.password });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]!.message };
  const { username, password } = parsed.data;

  const gate = await signInGate(username, input.address);
  const wait = gate.blockedForSeconds;
  if (wait > 0) {
    await audit({ actor: username, action: 'sign-in', outcome: 'denied', detail: { reason: 'rate-limited', address: input.address } });
    return { ok: false, error: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).` };
  }

  if (gate.delayMs > 0) await new Promise((r) => setTimeout(r, gate.delayMs));
  const db = await store();
  const user = await db.user.findUnique({ where: { username } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) {
    await recordSignInFailure(username, input.address);
    await audit({ actor: username, action: 'sign-in', outcome: 'denied', detail: { reason: 'bad credentials', address: input.address } });
    return { ok: false, error: 'Wrong username or password.' };
  }
  await clearSignInFailures(username, { address: input.address });
  const session = await createSession(user.id);
  await audit({ actor: username, action: 'sign-in', outcome: 'ok', detail: { address: input.address } });
  return { ok: true, ...session };
}
