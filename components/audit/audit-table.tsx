import type { AuditRow } from '@/lib/audit/list';
import { formatUtc } from '@/lib/format-time';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const OUTCOME_TONE: Record<string, BadgeTone> = { ok: 'up', denied: 'warning', error: 'down' };

/** The stored detail is a JSON object; show it as "key: value" pairs. */
function Detail({ json }: { json: string | null }) {
  if (!json) return <span className="text-slate-400">—</span>;
  let entries: Array<[string, unknown]>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return <span className="break-all">{json}</span>;
    entries = Object.entries(parsed);
  } catch {
    return <span className="break-all">{json}</span>;
  }
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-0.5">
      {entries.map(([k, v]) => (
        <span key={k} className="break-all">
          <span className="text-slate-400">{k}:</span> {typeof v === 'string' ? v : JSON.stringify(v)}
        </span>
      ))}
    </span>
  );
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="w-full text-sm">
        <thead className="bg-slate-50 text-xs text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-2 text-left font-medium">When</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Who</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Action</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">On</th>
            <th scope="col" className="px-3 py-2 text-left font-medium">Outcome</th>
            <th scope="col" className="w-full px-3 py-2 text-left font-medium">Detail</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} className="align-top">
              <td className="whitespace-nowrap px-3 py-2 tabular-nums text-slate-600">{formatUtc(r.at, { seconds: true })}</td>
              <td className="whitespace-nowrap px-3 py-2 font-medium text-slate-900">{r.actor}</td>
              <td className="whitespace-nowrap px-3 py-2">
                <code className="text-xs">{r.action}</code>
              </td>
              <td className="whitespace-nowrap px-3 py-2 text-slate-700">{r.target ?? <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2">
                <Badge tone={OUTCOME_TONE[r.outcome] ?? 'neutral'}>{r.outcome}</Badge>
              </td>
              <td className="px-3 py-2 text-xs text-slate-700">
                <Detail json={r.detail} />
              </td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-slate-500">
                No entries.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
