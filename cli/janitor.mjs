#!/usr/bin/env node
// The `janitor` command. Runs the TypeScript sources directly (tsx), so it works
// right after `npm ci` with no build step (see run-sources.mjs).
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Paths in the config (DATABASE_URL=file:./data/…) and the migrations are relative to the project.
process.chdir(root);
await import('./run-sources.mjs');
await import('./main.ts');
