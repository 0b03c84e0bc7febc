// What a 404 shows inside the app: what was not found and the ways back.
import Link from 'next/link';
import type { ReactNode } from 'react';

export function NotFoundPanel({ title, children, back }: { title: string; children: ReactNode; back: { href: string; label: string }[] }) {
  return (
    <div className="space-y-4">
      <p className="text-sm font-medium text-slate-500">404 · not found</p>
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="max-w-2xl space-y-2 text-sm text-slate-600">{children}</div>
      <nav aria-label="Ways back" className="flex flex-wrap gap-3">
        {back.map((b) => (
          <Link key={b.href} href={b.href} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50">
            {b.label}
          </Link>
        ))}
      </nav>
    </div>
  );
}
