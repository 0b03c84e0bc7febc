// Who started a run or a reclaim: a person or "cli" as stored, or — for work a
// schedule started ("schedule:<id>") — "a schedule", leading to it.
import Link from 'next/link';

export function StartedBy({ by }: { by: string }) {
  if (!by.startsWith('schedule:')) return <>{by}</>;
  return (
    <Link href={`/schedules#schedule-${encodeURIComponent(by.slice('schedule:'.length))}`} className="underline decoration-slate-300 hover:decoration-slate-900" title={by}>
      a schedule
    </Link>
  );
}
