// The checks every page, route handler and server action goes through.
// Hiding a button is not a check: actions call authorize() themselves.
import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { env } from '../env';
import { addressFrom, peerHookLoaded } from './client-address';
import { audit } from '../audit/record';
import type { Role } from '../schemas/user';
import { SESSION_COOKIE, userForToken, type SignedInUser } from './sign-ins';

export async function currentUser(): Promise<SignedInUser | null> {
  const jar = await cookies();
  return userForToken(jar.get(SESSION_COOKIE)?.value);
}

/** For pages: the signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) redirect('/login');
  return user;
}

/** For operator-only pages: viewers are sent to the overview. */
export async function requireOperatorPage(): Promise<SignedInUser> {
  const user = await requireUser();
  if (user.role !== 'operator') redirect('/?denied=1');
  return user;
}

export type Authorized = { ok: true; user: SignedInUser } | { ok: false; error: string };

/**
 * For server actions: a signed-in user with `role`. A refusal is audit-logged
 * and returned as a value the form can show.
 */
export async function authorize(action: string, role: Role, target?: string): Promise<Authorized> {
  const user = await currentUser();
  if (!user) {
    await audit({ actor: 'anonymous', action, target, outcome: 'denied', detail: { reason: 'not signed in' } });
    return { ok: false, error: 'Your session has ended. Sign in again.' };
  }
  if (role === 'operator' && user.role !== 'operator') {
    await audit({ actor: user.username, action, target, outcome: 'denied', detail: { reason: 'viewer role' } });
    return { ok: false, error: 'Only operators can do this.' };
  }
  return { ok: true, user };
}

/** For route handlers: the user behind the request's cookie, or null (answer 401). */
export async function userFromRequest(request: Request): Promise<SignedInUser | null> {
  const cookie = request.headers.get('cookie') ?? '';
  const token = cookie
    .split(/;\s*/)
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    ?.slice(SESSION_COOKIE.length + 1);
  return userForToken(token ? decodeURIComponent(token) : null);
}

export function unauthorized(): Response {
  return Response.json({ error: 'Sign in required' }, { status: 401 });
}

/** Cookie options: httpOnly, SameSite=Lax, Secure when served over HTTPS (or forced by JANITOR_SECURE_COOKIES). */
export async function sessionCookieOptions(expires: Date) {
  const mode = env().JANITOR_SECURE_COOKIES;
  const proto = (await headers()).get('x-forwarded-proto');
  const secure = mode === 'true' || (mode === 'auto' && proto === 'https');
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', expires };
}

/** The client address for the sign-in back-off (see client-address.ts). */
export async function clientAddress(): Promise<string> {
  const h = await headers();
  return addressFrom({ peer: peerHookLoaded() ? h.get('x-janitor-peer') : null, forwardedFor: h.get('x-forwarded-for'), trusted: env().trustedProxies });
}
