#!/usr/bin/env node
// The `janitor` command. Runs the CLI's bundle (dist/cli, plain JavaScript
// built from the TypeScript sources by scripts/build-cli.mjs at `npm ci`), so
// start-up compiles nothing. If any source changed since the bundle was built
// (an edit, a checkout), it rebuilds first (a fraction of a second): what runs
// is always what the sources say.
import { fileURLToPath } from 'node:url';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

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
