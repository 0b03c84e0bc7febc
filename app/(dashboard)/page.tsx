import Link from 'next/link';
import { listTargets } from '@/lib/targets/registry';

export const dynamic = 'force-dynamic';

export default async function OverviewPage() {
  const targets = listTargets();
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">Overview</h1>
      <ul>
        {targets.map((t) => (
          <li key={t.name}>
            <Link href={`/targets/${t.name}`}>{t.name}</Link> ({t.dialect})
          </li>
        ))}
      </ul>
    </div>
  );
}
