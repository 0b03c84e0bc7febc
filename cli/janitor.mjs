#!/usr/bin/env node
// The `janitor` command. Runs the TypeScript sources directly (tsx), so it works
// right after `npm ci` with no build step. lib/ modules import 'server-only' to
// keep them out of browser bundles; for the CLI that import resolves to nothing.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Paths in the config (DATABASE_URL=file:./data/…) and the migrations are relative to the project.
process.chdir(root);
register('./server-only-hook.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import('./main.ts');
