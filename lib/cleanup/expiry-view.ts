// The cutoff as an operator checks it before anything is deleted: how the
// expiry column is read, the cutoff as stored and as a UTC instant, and the
// rows either side of it with their distance from now in real time. An
// operator who reads "newest deleted: expires in 7 h" knows the zone is wrong
// before a single live session is gone. Shared by the start form's preview,
// the CLI's start line and dry runs.
import { describeReading } from '../session-tables/column-reading';
import type { BoundaryRow } from './driver';
import type { PreparedCleanup } from './prepare';

export type BoundaryRowView = {
  /** the value as the table holds it */
  stored: string;
  /** the instant it names */
  utc: string;
  /** seconds from now to that instant: negative in the past */
  fromNowSeconds: number;
  /** "3 min ago", "in 7 h" */
  fromNow: string;
};

export type ExpiryView = {
  column: string;
  /** "\"expire\" is wall-clock time in America/Los_Angeles (the database's own time zone setting)" */
  reading: string;
  /** zone naive values are read in; null for instants and epochs */
  zone: string | null;
  cutoff: { stored: string | number; utc: string };
  newestDeleted: BoundaryRowView | null;
  oldestKept: BoundaryRowView | null;
  /** false when the rows either side could not be read in time (no index on the column) */
  boundaryKnown: boolean;
};

const UNITS: Array<[number, string]> = [
  [86400, 'd'],
  [3600, 'h'],
  [60, 'min'],
  [1, 's'],
];

/** A signed distance in real time, in its largest whole unit (one decimal below 10). */
export function formatFromNow(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 1) return 'now';
  const [size, unit] = UNITS.find(([s]) => abs >= s)!;
  const n = abs / size;
  const text = `${n < 10 && unit !== 's' ? Math.floor(n * 10) / 10 : Math.floor(n)} ${unit}`;
  return seconds < 0 ? `${text} ago` : `in ${text}`;
}

function rowView(r: BoundaryRow | null, now: Date): BoundaryRowView | null {
  if (!r) return null;
  const fromNowSeconds = Math.round((r.at.getTime() - now.getTime()) / 1000);
  return { stored: r.stored, utc: r.at.toISOString(), fromNowSeconds, fromNow: formatFromNow(fromNowSeconds) };
}

export function expiryView(p: Pick<PreparedCleanup, 'table' | 'bound' | 'boundAt' | 'boundary'>, now: Date = new Date()): ExpiryView {
  const r = p.table.reading;
  return {
    column: p.table.expiryColumn,
    reading: describeReading(p.table.expiryColumn, r),
    zone: r.kind === 'wall-clock' ? r.zone : null,
    cutoff: { stored: p.bound, utc: p.boundAt.toISOString() },
    newestDeleted: rowView(p.boundary.newestDeleted, now),
    oldestKept: rowView(p.boundary.oldestKept, now),
    boundaryKnown: p.boundary.complete,
  };
}

/** The same as text lines, for the CLI and dry runs. */
export function expiryLines(v: ExpiryView): string[] {
  const row = (label: string, x: BoundaryRowView | null) =>
    x ? `${label}: ${x.stored} (${x.utc.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, ${x.fromNow})` : `${label}: ${v.boundaryKnown ? 'none' : 'not read (no index on the column; it would take a scan)'}`;
  return [
    `${v.reading}`,
    `cutoff: ${v.cutoff.stored} as stored = ${v.cutoff.utc.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`,
    row('newest row deleted', v.newestDeleted),
    row('oldest row kept', v.oldestKept),
  ];
}
