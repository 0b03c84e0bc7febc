// The head of a page that follows work live (a cleanup run, a reclaim
// operation): where it came from, what it is, its status, whether the stream
// is connected, and who started it where.
import Link from 'next/link';
import { StartedBy } from './started-by';
import type { ReactNode } from 'react';
import { formatUtc } from '@/lib/format-time';
import type { Connection } from './use-run-live';

export function ConnectionNote({ connection }: { connection: Connection }) {
  if (connection === 'live') return <span className="text-xs text-emerald-700">● live</span>;
  if (connection === 'reconnecting') return <span className="text-xs text-amber-700">reconnecting…</span>;
  if (connection === 'connecting') return <span className="text-xs text-slate-500">connecting…</span>;
  return null;
}

export function LiveHeader({
  back,
  title,
  status,
  connection,
  target,
  startedBy,
  startedAt,
  note,
  controls,
}: {
  back: { href: string; label: string };
  title: ReactNode;
  status: ReactNode;
  connection: Connection;
  /** the store's target key: a configured name, or url:host:port/db for the CLI's --url */
  target: string;
  startedBy: string;
  startedAt: string;
  /** a last clause for the line under the title */
  note?: string;
  controls?: ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-start justify-between gap-4">
      <div>
        <Link href={back.href} className="text-sm text-slate-500 hover:text-slate-900">
          ← {back.label}
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          {status}
          <ConnectionNote connection={connection} />
        </div>
        <p className="mt-1 text-sm text-slate-500">
          on{' '}
          {target.startsWith('url:') ? (
            target.slice(4)
          ) : (
            <Link href={`/targets/${target}`} className="text-slate-700 hover:text-slate-900">
              {target}
            </Link>
          )}{' '}
          · started by <StartedBy by={startedBy} /> at {formatUtc(startedAt, { seconds: true })}
          {note && ` · ${note}`}
        </p>
      </div>
      {controls}
    </div>
  );
}
