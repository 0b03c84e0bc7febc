#!/usr/bin/env node
// The `janitor` command. Runs the CLI's bundle (dist/cli, plain JavaScript
// built from the TypeScript sources by scripts/build-cli.mjs at `npm ci`), so
// start-up compiles nothing. If any source changed since the bundle was built
// (an edit, a checkout), it rebuilds first (a fraction of a second): what runs
// is always what the sources say.
import { fileURLToPath } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

// A one-shot command (a cleanup from cron, stats, runs …) favours memory over
// speed in V8, set here before any module is loaded since cron runs `janitor`
// with no node flags of ours. --liftoff-only keeps Prisma's query compiler
// (WebAssembly, used for a few dozen store queries) on V8's baseline tier
// instead of recompiling its hot functions with TurboFan; --optimize-for-size
// makes the heap grow less eagerly. Together they took the peak RSS of
// `janitor cleanup` from ~134 to ~105 MB (bench/cleanup-memory.ts); 2M rows
// on PostgreSQL took as long as without them (MariaDB's times varied too much
// between runs to tell). The long-lived commands (serve, worker) keep V8's
// defaults: they compile queries all day.
if (!['serve', 'worker'].includes(process.argv[2])) v8.setFlagsFromString('--liftoff-only --optimize-for-size');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Paths in the config (DATABASE_URL=file:./data/…) and the migrations are relative to the project.
process.chdir(root);

/** The bundle's entry if it matches the sources (mtime and size of every input), else null. */
function currentBundle() {
  try {
    const { entry, inputs } = JSON.parse(readFileSync('dist/cli/current.json', 'utf8'));
    for (const [file, [mtimeMs, size]] of Object.entries(inputs)) {
      const s = statSync(file);
      if (s.mtimeMs !== mtimeMs || s.size !== size) return null;
    }
    return path.join(root, 'dist', 'cli', entry);
  } catch {
    return null; // not built yet, or a source was removed
  }
}

const entry = currentBundle() ?? (await (await import('../scripts/build-cli.mjs')).buildCli());
await import(entry);
