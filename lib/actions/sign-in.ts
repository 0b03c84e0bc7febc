'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { signIn } from '../auth/sign-in';
import { clientAddress, sessionCookieOptions } from '../auth/guard';
import { SESSION_COOKIE, destroySession } from '../auth/sign-ins';
import { audit } from '../audit/record';
import { currentUser } from '../auth/guard';

export type SignInState = { error?: string; username?: string };

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const username = form.get('username');
  const result = await signIn({ username, password: form.get('password'), address: await clientAddress() });
  if (!result.ok) return { error: result.error, username: typeof username === 'string' ? username.slice(0, 64) : '' };
  (await cookies()).set(SESSION_COOKIE, result.token, await sessionCookieOptions(result.expiresAt));
  const next = form.get('next');
  redirect(typeof next === 'string' && /^\/(?!\/)[\w\-/?=&.%]*$/.test(next) ? next : '/');
}

export async function signOutAction(): Promise<void> {
  const jar = await cookies();
  const user = await currentUser();
  await destroySession(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  if (user) await audit({ actor: user.username, action: 'sign-out', outcome: 'ok' });
  redirect('/login');
}
