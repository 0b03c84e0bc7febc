// The compatibility matrix: server time zones, Janitor process zones, the rows
// every cell writes, and what a cell must show. A cell is one framework on one
// dialect, one server zone and one Janitor `TZ`; it owns its database.
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';

export type ServerZone = { label: string; postgres: string; mysql: string };

/** UTC, one zone west and one east of it. MariaDB gets offsets: a fresh server has no zone tables for names. */
export const SERVER_ZONES: ServerZone[] = [
  { label: 'UTC', postgres: 'UTC', mysql: '+00:00' },
  { label: 'Los Angeles', postgres: 'America/Los_Angeles', mysql: '-08:00' },
  { label: 'Tokyo', postgres: 'Asia/Tokyo', mysql: '+09:00' },
];

/** The Janitor process's own `TZ`, east and west of UTC. */
export const PROCESS_ZONES = [
  { label: 'Tokyo', tz: 'Asia/Tokyo' },
  { label: 'Los Angeles', tz: 'America/Los_Angeles' },
];

export type Cell = { server: ServerZone; processTz: string; processLabel: string };

export function cells(): Cell[] {
  return SERVER_ZONES.flatMap((server) => PROCESS_ZONES.map((p) => ({ server, processTz: p.tz, processLabel: p.label })));
}

export function cellName(framework: string, dialect: 'postgres' | 'mysql', cell: Cell, what: string): string {
  const db = dialect === 'postgres' ? 'PostgreSQL' : 'MariaDB';
  return `${framework} on a ${cell.server.label} ${db} server, Janitor in ${cell.processLabel}: ${what}`;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
/**
 * Hours either side of the cutoff. Every offset between 1.5 h and 17 h (the
 * Tokyo–Los Angeles distance) flips at least one row, so reading a naive
 * timestamp in the wrong zone shows as a wrong count. Nothing is closer than
 * 1.5 h: the cells take minutes on a busy machine, and a row an hour from a
 * daylight-saving change may be read an hour off by the framework itself.
 */
const NEAR_HOURS = [1.5, 3, 5, 7, 10, 13, 16];
const BULK_EXPIRED = 300;
const BULK_LIVE = 200;

/** Seconds from the framework's cutoff (now, or now - TTL): negative means expired. */
export type PlannedRow = { n: number; offsetSeconds: number; near: boolean };

/**
 * The rows of one cell: a few near the cutoff on both sides, and a bulk spread
 * from 17 h to 20 days either side. `maxLiveSeconds` keeps TTL presets'
 * live rows in the past (Laravel's last_activity is when the user was last seen).
 */
export function rowPlan(opts: { maxLiveSeconds?: number } = {}): PlannedRow[] {
  const rows: PlannedRow[] = [];
  const maxLive = opts.maxLiveSeconds ?? 20 * DAY;
  const spread = (i: number, count: number) => ((i * 7919) % count) / count; // deterministic, scattered
  for (const h of NEAR_HOURS) {
    rows.push({ n: rows.length, offsetSeconds: -h * HOUR, near: true });
    if (h * HOUR <= maxLive) rows.push({ n: rows.length, offsetSeconds: h * HOUR, near: true });
  }
  for (let i = 0; i < BULK_EXPIRED; i++) rows.push({ n: rows.length, offsetSeconds: -Math.round(17 * HOUR + spread(i, BULK_EXPIRED) * (20 * DAY - 17 * HOUR)), near: false });
  const liveFrom = Math.min(17 * HOUR, maxLive / 4);
  for (let i = 0; i < BULK_LIVE; i++) rows.push({ n: rows.length, offsetSeconds: Math.round(liveFrom + spread(i, BULK_LIVE) * (maxLive - liveFrom)), near: false });
  // Interleaved, so expired and live rows share pages and key ranges.
  return rows.sort((a, b) => ((a.n * 2654435761) % 1009) - ((b.n * 2654435761) % 1009));
}

export function planned(rows: PlannedRow[]) {
  const expired = rows.filter((r) => r.offsetSeconds < 0).length;
  return { expired, live: rows.length - expired };
}

/** What one cell showed. Numbers, or the one-line error a step failed with. */
export type CellOutcome = {
  /** The framework's own count of expired sessions, right after writing (its own rule). */
  frameworkExpired: number;
  /** `janitor stats --json`: sessionTables[].expired */
  reportExpired: number | string;
  /** `janitor cleanup --json`: done.totalDeleted */
  cleanupDeleted: number | string;
  /** Live sessions the framework's own read still finds after the cleanup. */
  liveFound: number;
  /** Rows the framework's own pruner deleted after the cleanup (it must find none left). */
  prunerRemoved: number;
};

/** Every cell asserts the same: Janitor's expired is the framework's expired, and nothing live is lost. */
export function expectCell(name: string, rows: PlannedRow[], got: CellOutcome) {
  recordCell(name, rows, got);
  const p = planned(rows);
  expect(got).toEqual({ frameworkExpired: p.expired, reportExpired: p.expired, cleanupDeleted: p.expired, liveFound: p.live, prunerRemoved: 0 });
}

/** With COMPAT_MATRIX_FILE set, each cell appends one JSON line (for the matrix in the docs). */
function recordCell(name: string, rows: PlannedRow[], got: CellOutcome) {
  const file = process.env.COMPAT_MATRIX_FILE;
  if (file) appendFileSync(file, JSON.stringify({ name, planned: planned(rows), ...got }) + '\n');
}
