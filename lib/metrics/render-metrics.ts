// The Prometheus text exposition of what the store holds: the last size
// sample of every table, the last session counts, whether each target
// answered its last sample, the runs and the schedules. A scrape reads the
// store only; it never queries a target. A fresh Registry per scrape: no
// state survives between scrapes (or tests) in prom-client's global registry.
import 'server-only';
import { Counter, Gauge, Registry } from 'prom-client';
import { listTargets } from '../targets/registry';
import { latestSessionCounts, latestTables, targetsUp } from '../history/latest-samples';
import { runCounts } from './run-counts';
import { lastScheduleSuccesses } from './last-schedule-successes';

export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const [tables, sessions, up, runs, schedules] = await Promise.all([
    latestTables(),
    latestSessionCounts(),
    targetsUp(listTargets().map((t) => t.name)),
    runCounts(),
    lastScheduleSuccesses(),
  ]);
  const registry = new Registry();
  const registers = [registry];
  const tableLabels = ['target', 'schema', 'table'] as const;

  const total = new Gauge({ name: 'janitor_table_total_bytes', help: 'Table size with indexes and TOAST, bytes, at the last sample', labelNames: tableLabels, registers });
  const index = new Gauge({ name: 'janitor_table_index_bytes', help: 'Size of the table\'s indexes, bytes, at the last sample', labelNames: tableLabels, registers });
  const dead = new Gauge({ name: 'janitor_table_dead_rows', help: 'Dead rows (PostgreSQL statistics) at the last sample', labelNames: tableLabels, registers });
  for (const t of tables) {
    const labels = { target: t.target, schema: t.schema, table: t.table };
    total.set(labels, t.totalBytes);
    if (t.indexBytes !== null) index.set(labels, t.indexBytes);
    if (t.deadRows !== null) dead.set(labels, t.deadRows);
  }

  const sessionRows = new Gauge({ name: 'janitor_session_rows', help: 'Rows of a session table, expired or live, at the last count', labelNames: [...tableLabels, 'state'], registers });
  for (const s of sessions) {
    sessionRows.set({ target: s.target, schema: s.schema, table: s.table, state: 'expired' }, s.expired);
    sessionRows.set({ target: s.target, schema: s.schema, table: s.table, state: 'live' }, s.live);
  }

  const targetUp = new Gauge({ name: 'janitor_target_up', help: '1 when the target answered its last size sample, 0 when it failed', labelNames: ['target'], registers });
  for (const u of up) targetUp.set({ target: u.target }, u.up ? 1 : 0);

  const deleted = new Counter({ name: 'janitor_run_deleted_rows_total', help: 'Rows deleted by cleanup and log-everyone-out runs', labelNames: ['target'], registers });
  const runsByStatus = new Gauge({ name: 'janitor_runs', help: 'Runs in the store by status', labelNames: ['target', 'status'], registers });
  const deletedByTarget = new Map<string, number>();
  for (const r of runs) {
    runsByStatus.set({ target: r.target, status: r.status }, r.runs);
    deletedByTarget.set(r.target, (deletedByTarget.get(r.target) ?? 0) + r.deletedRows);
  }
  for (const [target, n] of deletedByTarget) deleted.inc({ target }, n);

  const lastSuccess = new Gauge({ name: 'janitor_schedule_last_success_timestamp_seconds', help: 'When the schedule last ran to success, Unix seconds', labelNames: ['schedule'], registers });
  for (const s of schedules) lastSuccess.set({ schedule: s.schedule }, s.at.getTime() / 1000);

  return { body: await registry.metrics(), contentType: registry.contentType };
}
