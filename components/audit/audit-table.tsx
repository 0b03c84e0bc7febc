import Link from 'next/link';
import type { AuditRow } from '@/lib/audit/list';
import { formatUtc } from '@/lib/format-time';
import { formatBytes, formatCount } from '@/lib/format';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const OUTCOME_TONE: Record<string, BadgeTone> = { ok: 'up', denied: 'warning', error: 'down' };

/** One detail value for people: sizes in bytes as sizes, ids as links, nested objects as key: value. */
function Value({ k, v }: { k: string; v: unknown }) {
  if (k === 'runId' && typeof v === 'string') return <Link href={`/runs/${encodeURIComponent(v)}`} className="text-blue-700 hover:underline">{v}</Link>;
  if (k === 'operationId' && typeof v === 'string') return <Link href={`/operations/${encodeURIComponent(v)}`} className="text-blue-700 hover:underline">{v}</Link>;
  if (typeof v === 'number') return <>{/bytes$/i.test(k) ? formatBytes(v) : /seconds$/i.test(k) ? `${Math.round(v * 100) / 100} s` : formatCount(v)}</>;
  if (v === null) return <span className="text-slate-400">none</span>;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null && x !== undefined);
    return (
      <>
        {entries.map(([ik, iv], i) => (
          <span key={ik}>
            {i > 0 && ', '}
            {ik} <Value k={ik} v={iv} />
          </span>
        ))}
      </>
    );
  }
  return <>{typeof v === 'string' ? v : JSON.stringify(v)}</>;
}

/** The stored detail is a JSON object; show it as "key: value" pairs. */
function Detail({ json }: { json: string | null }) {
  if (!json) return <span className="text-slate-400">—</span>;
  let entries: Array<[string, unknown]>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return <span className="break-all">{json}</span>;
    // A key stored as null ("error: null") says nothing.
    entries = Object.entries(parsed).filter(([, v]) => v !== null && v !== undefined);
  } catch {
    return <span className="break-all">{json}</span>;
  }
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-0.5">
      {entries.map(([k, v]) => (
        <span key={k} className="break-words">
          <span className="text-slate-400">{k}:</span> <Value k={k} v={v} />
        </span>
      ))}
    </span>
  );
}

/** "demo:public.x" → the target and the table, so every row reads alike. */
function On({ target }: { target: string | null }) {
  if (!target) return <span className="text-slate-400">—</span>;
  const i = target.indexOf(':');
  // "url:host:port/db:schema.table" keeps its url: prefix with the host.
  const split = target.startsWith('url:') ? target.lastIndexOf(':') : i;
  if (split <= 0) return <span>{target}</span>;
  return (
    <span>
      <span className="text-slate-500">{target.slice(0, split)}</span> {target.slice(split + 1)}
    </span>
  );
}

// Below 640 px each entry is a block (when, who, what, on, outcome, then the
// detail at full width) rather than a row squeezed into a sideways scroll.
export function AuditTable({ rows }: { rows: AuditRow[] }) {
  const cell = 'sm:table-cell sm:px-3 sm:py-2';
  return (
    <div className="rounded-md border border-slate-200 sm:overflow-x-auto">
      <table className="block w-full text-sm sm:table">
        <thead className="hidden bg-slate-50 text-xs text-slate-600 sm:table-header-group">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">When</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Who</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Action</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">On</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Outcome</th>
            <th scope="col" className="w-full px-3 py-2 text-left font-medium">Detail</th>
          </tr>
        </thead>
        <tbody className="block divide-y divide-slate-100 sm:table-row-group">
          {rows.map((r) => (
            <tr key={r.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 p-3 align-top sm:table-row sm:p-0">
              <td className={`whitespace-nowrap tabular-nums text-slate-600 ${cell}`}>{formatUtc(r.at, { seconds: true })}</td>
              <td className={`font-medium text-slate-900 sm:whitespace-nowrap ${cell}`}>{r.actor}</td>
              <td className={`sm:whitespace-nowrap ${cell}`}>
                <code className="text-xs">{r.action}</code>
              </td>
              <td className={`text-slate-700 sm:whitespace-nowrap ${cell}`}>
                <On target={r.target} />
              </td>
              <td className={cell}>
                <Badge tone={OUTCOME_TONE[r.outcome] ?? 'neutral'}>{r.outcome}</Badge>
              </td>
              <td className={`w-full text-xs text-slate-700 sm:w-auto ${cell}`}>
                <Detail json={r.detail} />
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr className="block sm:table-row">
              <td colSpan={6} className="block px-3 py-6 text-center text-slate-500 sm:table-cell">
                No entries.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
