import Link from 'next/link';
import { listTargets } from '@/lib/targets/registry';

export default function UnknownTarget() {
  const targets = listTargets();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Unknown target</h1>
      <p className="text-sm text-slate-600">
        No database with that name is configured. Targets come from <code>JANITOR_TARGET_&lt;NAME&gt;</code> variables.
      </p>
      {targets.length > 0 && (
        <p className="text-sm text-slate-600">
          Configured:{' '}
          {targets.map((t, i) => (
            <span key={t.name}>
              {i > 0 && ', '}
              <Link href={`/targets/${t.name}`} className="font-medium text-blue-700 hover:text-blue-900">
                {t.name}
              </Link>
            </span>
          ))}
        </p>
      )}
      <Link href="/" className="text-sm text-slate-500 hover:text-slate-900">
        ← Overview
      </Link>
    </div>
  );
}
