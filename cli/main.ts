// Dispatches `janitor <command>`. Each command lives in cli/commands and is a
// thin door into lib/: parse and validate flags, call lib, print.
import { fail } from './output';
import { COMMAND_USAGE, USAGE, wantsHelp } from './usage';
import { EXIT_INPUT } from './exit-codes';

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
  worker: async () => (await import('./commands/worker')).workerCommand,
  schedules: async () => (await import('./commands/schedules')).schedulesCommand,
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
    process.exit(EXIT_INPUT);
  }
  if (wantsHelp(argv)) {
    console.log(COMMAND_USAGE[name]);
    return;
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
  // A --detach start sent its run to pg-boss: its connections would keep the process alive.
  if ((globalThis as { __janitorQueue?: unknown }).__janitorQueue) closing.push(import('@/lib/fleet/queue').then((m) => m.closeQueue()));
  await Promise.allSettled(closing);
}

main().catch(fail);
