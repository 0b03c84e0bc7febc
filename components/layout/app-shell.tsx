// The header and the page column every signed-in page sits in; the root
// not-found page uses it too, so an unknown address is not a dead end.
import type { ReactNode } from 'react';
import type { SignedInUser } from '@/lib/auth/sign-ins';
import { Nav } from './nav';

export function AppShell({ user, children }: { user: SignedInUser | null; children: ReactNode }) {
  return (
    <>
      <Nav user={user} />
      <main className="mx-auto max-w-7xl space-y-6 px-4 py-6 sm:px-6">{children}</main>
    </>
  );
}
