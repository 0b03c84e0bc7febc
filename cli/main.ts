// Dispatches `janitor <command>`. Each command lives in cli/commands and is a
// thin door into lib/: parse and validate flags, call lib, print.
import { fail } from './output';

const USAGE = `janitor — where the database space goes, and graceful session cleanup

  janitor serve                                   start the dashboard (npm start)
  janitor stats (--url URL | --target NAME) [--json] [--limit N]
  janitor users add NAME --role viewer|operator   (password on stdin)
  janitor users list
  janitor cleanup (--url URL | --target NAME) --table NAME [--schema S]
          [--preset django|rails|laravel|connect-pg-simple|express-mysql-session
           | --expiry-column C --expiry-type timestamp|epoch-s|epoch-ms] [--ttl-seconds N]
          [--delete-count N] [--sleep-seconds S] [--iteration-count N] [--max-runtime S]
          [--target-batch-ms MS] [--max-replica-lag S] [--max-active-connections N]
          [--retry-for S] [--strategy auto|heap-walk|pk-range|keyset] [--dry-run] [--json]
  janitor runs list [--json] | runs resume ID [--url URL] [--json] | runs pause ID | runs cancel ID
  janitor reclaim (--url URL | --target NAME) --table NAME [--schema S] --mode full|vacuum|analyze|optimize
          [--lock-timeout S] [--statement-timeout S] [--retries N] [--retry-pause S] [--json]
  janitor logout-all (--url URL | --target NAME) --table NAME [--schema S] [--preset P
           | --expiry-column C --expiry-type T] --yes [--instant [--lock-timeout S]] [--json]
          (graceful batches like cleanup, every session; --instant truncates)

Targets are configured as JANITOR_TARGET_<NAME>=postgresql://… or mysql://…`;

type Command = (argv: string[]) => Promise<void>;

// Loaded on demand so `janitor stats` does not pay for the web server's imports.
const commands: Record<string, () => Promise<Command>> = {
  stats: async () => (await import('./commands/stats')).statsCommand,
  users: async () => (await import('./commands/users')).usersCommand,
  serve: async () => (await import('./commands/serve')).serveCommand,
  cleanup: async () => (await import('./commands/cleanup')).cleanupCommand,
  runs: async () => (await import('./commands/runs')).runsCommand,
  reclaim: async () => (await import('./commands/reclaim')).reclaimCommand,
  'logout-all': async () => (await import('./commands/logout-all')).logoutAllCommand,
};

async function main() {
  const [name, ...argv] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`janitor: unknown command "${name.slice(0, 40)}"\n\n${USAGE}\n`);
    process.exit(2);
  }
  const run = await load();
  await run(argv);
  await closeAll();
}

// Imported here rather than at the top, so `--help` loads no database driver
// and no Prisma. The store is closed only if a command opened
// it (lib/store/client.ts caches it on globalThis): `stats` never loads Prisma.
async function closeAll() {
  const closing = [import('@/lib/targets/registry').then((m) => m.closeAllTargets())];
  if ((globalThis as { __janitorStore?: unknown }).__janitorStore) closing.push(import('@/lib/store/client').then((m) => m.closeStore()));
  await Promise.allSettled(closing);
}

main().catch(fail);
