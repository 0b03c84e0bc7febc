// Usage text: the whole list for `janitor --help`, and each command's own for
// `janitor COMMAND --help` (printed on stdout, exit 0).
export const COMMAND_USAGE: Record<string, string> = {
  serve: `janitor serve [--no-worker]
  Start the dashboard (what npm start runs): migrate the store, serve the demo
  database when no JANITOR_TARGET_* is set, build the web app if needed, and
  serve it on PORT (default 3000). It also works queued runs and schedules,
  unless --no-worker (then run janitor worker processes).`,
  stats: `janitor stats (--url URL | --target NAME) [--timestamp-zone utc|server|ZONE] [--json] [--limit N]
  The space report: database size, largest tables and indexes, session tables
  with their expired / live / total counts. --json prints one object.
  --timestamp-zone: the zone the app writes timestamps without a time zone in
  (default: each preset's; see README "Time zones").`,
  users: `janitor users add NAME --role viewer|operator   (password on stdin, or prompted)
janitor users list
janitor users unlock NAME
  Add or update a user (a new password also lifts its sign-in back-off), list
  users, or forget a user's failed sign-ins so it can sign in at once.`,
  cleanup: `janitor cleanup (--url URL | --target NAME) --table NAME [--schema S]
        [--preset django|rails|laravel|connect-pg-simple|express-mysql-session
         | --expiry-column C --expiry-type timestamp|epoch-s|epoch-ms] [--ttl-seconds N]
        [--timestamp-zone utc|server|ZONE]
        [--delete-count N] [--sleep-seconds S] [--iteration-count N] [--max-runtime S]
        [--target-batch-ms MS] [--max-replica-lag S] [--max-active-connections N]
        [--retry-for S] [--strategy auto|heap-walk|pk-range|keyset] [--no-analyze]
        [--dry-run] [--detach] [--json]
  Delete expired sessions in short batches with sleeps in between. The run is
  stored and resumable (janitor runs resume ID). When it completes, the table's
  planner statistics are refreshed (ANALYZE) unless --no-analyze is given.
  Before the first batch it prints how the expiry column is read, the cutoff,
  and the newest row it will delete and the oldest it keeps. --timestamp-zone
  says in which zone the app writes timestamps without a time zone (utc,
  server = the database's setting, an IANA zone like Europe/Berlin, or +09:00);
  a custom column of that kind needs it. --detach stores the run and hands it
  to the workers (janitor worker, or the dashboard's own) instead of working it
  here; with --json it prints {"type":"queued","runId":"…"}.`,
  worker: `janitor worker [--concurrency N]
  Work queued runs (started from the dashboard, a schedule or --detach), N at
  once (default 2), and fire due schedules. Runs of a worker that dies are
  taken over by another once its lease lapses (30 s). SIGTERM hands its runs
  back to the queue after their current batch.`,
  schedules: `janitor schedules add --target NAME --table NAME [--schema S] [--preset P | --expiry-column C --expiry-type T]
        --cron "0 3 * * *" [--tz Europe/Berlin] [--until HH:MM] [--then vacuum|analyze|full|optimize]
        [batch flags of janitor cleanup] [--json]
janitor schedules list [--json]
janitor schedules pause|resume|remove ID
  Cleanups that run on their own. Each occurrence fires once across all
  workers; one whose table still has a run going is recorded as skipped;
  --until stops the run (after its batch) at that time of day in --tz; an
  occurrence nobody could start within 10 minutes (or its window) is recorded
  as missed and not run late.`,
  runs: `janitor runs list [--json] [--limit N]
janitor runs show ID [--json]
janitor runs resume ID [--url URL] [--json]
janitor runs pause ID
janitor runs cancel ID
  List stored cleanup runs, show one with the settings each batch ran with,
  resume an interrupted or cancelled run, or pause / cancel a running one.`,
  reclaim: `janitor reclaim (--url URL | --target NAME) --table NAME [--schema S] --mode full|vacuum|analyze|optimize
        [--lock-timeout S] [--statement-timeout S] [--retries N] [--retry-pause S] [--json]
  Give disk back after a cleanup: VACUUM FULL (full), VACUUM, ANALYZE on
  PostgreSQL; OPTIMIZE TABLE on MySQL.`,
  'logout-all': `janitor logout-all (--url URL | --target NAME) --table NAME [--schema S]
        [--preset P | --expiry-column C --expiry-type T] --yes
        [--instant [--lock-timeout S]] [--json]  (and the batch flags of janitor cleanup)
  Delete every session of the table, expired or not: graceful batches like a
  cleanup, or --instant to TRUNCATE. Without --yes it says how many it would end.`,
};

export const USAGE = `janitor — where the database space goes, and graceful session cleanup

${Object.values(COMMAND_USAGE)
  .map((u) => u.split('\n').filter((l) => l.startsWith('janitor') || l.startsWith('        ')).map((l) => `  ${l}`).join('\n'))
  .join('\n')}

Run janitor COMMAND --help for what a command does.
Targets are configured as JANITOR_TARGET_<NAME>=postgresql://… or mysql://…`;

/** True when the arguments ask for help (before a lone "--"). */
export function wantsHelp(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
