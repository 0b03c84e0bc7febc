// Times on pages. Relative times are measured from a given moment (the
// report's takenAt), not from the clock, so server and browser render the same.
const UNITS: Array<[number, string]> = [
  [365 * 86400, 'y'],
  [30 * 86400, 'mo'],
  [86400, 'd'],
  [3600, 'h'],
  [60, 'min'],
];

/** "5 min ago"; with `seconds`, under a minute is "3 s ago" (a worker's heartbeat) rather than "just now". */
export function formatAgo(iso: string | null | undefined, now: string | Date, opts: { seconds?: boolean } = {}): string {
  if (!iso) return 'never';
  const s = Math.round(((typeof now === 'string' ? Date.parse(now) : now.getTime()) - Date.parse(iso)) / 1000);
  if (!Number.isFinite(s)) return '—';
  if (s < 60) return opts.seconds ? `${Math.max(0, s)} s ago` : 'just now';
  for (const [size, unit] of UNITS) if (s >= size) return `${Math.floor(s / size)} ${unit} ago`;
  return 'just now';
}

/** "2025-01-31 14:05 UTC" — one zone for everyone reading the same page. */
export function formatUtc(iso: string | null | undefined, opts: { seconds?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.toISOString().slice(0, opts.seconds ? 19 : 16).replace('T', ' ')} UTC`;
}

/** The newer of two ISO timestamps, and whether it came from the second (automatic) one. */
export function latestOf(manual: string | null | undefined, auto: string | null | undefined): { at: string | null; auto: boolean } {
  if (!manual && !auto) return { at: null, auto: false };
  if (!manual) return { at: auto!, auto: true };
  if (!auto) return { at: manual, auto: false };
  return Date.parse(auto) > Date.parse(manual) ? { at: auto, auto: true } : { at: manual, auto: false };
}
