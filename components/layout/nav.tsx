import Link from 'next/link';
import { signOutAction } from '@/lib/actions/sign-in';
import type { SignedInUser } from '@/lib/auth/sign-ins';

// On a phone the links get a row of their own under the name and Sign out,
// so neither is pushed off-screen, and wrap rather than scroll out of sight.
export function Nav({ user }: { user: SignedInUser | null }) {
  const links = [
    { href: '/', label: 'Overview' },
    { href: '/runs', label: 'Runs' },
    { href: '/operations', label: 'Operations' },
    { href: '/schedules', label: 'Schedules' },
    { href: '/workers', label: 'Workers' },
    { href: '/alerts', label: 'Alerts' },
    ...(user?.role === 'operator' ? [{ href: '/audit', label: 'Audit log' }] : []),
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/" className="text-base font-semibold tracking-tight">
          Janitor
        </Link>
        <nav aria-label="Main" className="order-last flex w-full flex-wrap gap-x-4 gap-y-1 text-sm sm:order-none sm:w-auto">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="whitespace-nowrap text-slate-600 hover:text-slate-900">
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm text-slate-600">
          {user ? (
            <>
              <span className="flex items-center gap-1 whitespace-nowrap">
                <span className="max-w-[9rem] truncate">{user.username}</span> <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{user.role}</span>
              </span>
              <form action={signOutAction}>
                <button type="submit" className="whitespace-nowrap text-slate-500 hover:text-slate-900">
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <Link href="/login" className="text-slate-500 hover:text-slate-900">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
