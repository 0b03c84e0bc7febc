import Link from 'next/link';
import { signOutAction } from '@/lib/actions/sign-in';
import type { SignedInUser } from '@/lib/auth/sessions';

export function Nav({ user }: { user: SignedInUser }) {
  const links = [
    { href: '/', label: 'Overview' },
    { href: '/runs', label: 'Runs' },
    { href: '/operations', label: 'Operations' },
    ...(user.role === 'operator' ? [{ href: '/audit', label: 'Audit log' }] : []),
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl items-center justify-between gap-6 px-6 py-3">
        <div className="flex items-center gap-6">
          <Link href="/" className="text-base font-semibold tracking-tight">
            Janitor
          </Link>
          <nav className="flex gap-4 text-sm">
            {links.map((l) => (
              <Link key={l.href} href={l.href} className="text-slate-600 hover:text-slate-900">
                {l.label}
              </Link>
            ))}
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm text-slate-600">
          <span>
            {user.username} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs">{user.role}</span>
          </span>
          <form action={signOutAction}>
            <button type="submit" className="text-slate-500 hover:text-slate-900">
              Sign out
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
