// The head of a page about one target's table (cleanup, reclaim, log everyone
// out): the way back to its space report, the title, the target and its dialect.
import Link from 'next/link';
import type { TargetInfo } from '@/lib/targets/registry';
import { Badge } from '@/components/ui/badge';
import { dialectFacts } from '@/lib/targets/dialect-facts';

export function TargetPageHeader({ target, title }: { target: TargetInfo; title: string }) {
  return (
    <div>
      <Link href={`/targets/${target.name}`} className="text-sm text-slate-500 hover:text-slate-900">
        ← {target.name} space report
      </Link>
      <div className="mt-1 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        <Badge>{target.name}</Badge>
        <Badge>{dialectFacts(target.dialect).label}</Badge>
      </div>
    </div>
  );
}
