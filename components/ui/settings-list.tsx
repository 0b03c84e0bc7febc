/** Settings as small label / value pairs in a grid: "Lock timeout / 5 s". */
export function SettingsList({ items, className = 'grid-cols-2 sm:grid-cols-4' }: { items: Array<[string, string]>; className?: string }) {
  return (
    <dl className={`grid gap-3 text-sm ${className}`}>
      {items.map(([k, v]) => (
        <div key={k}>
          <dt className="text-xs text-slate-500">{k}</dt>
          <dd className="font-medium tabular-nums text-slate-900">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
