#!/usr/bin/env node
// `npm test`: make sure PostgreSQL, MariaDB and chromium are there, then run
// every vitest project (unit, integration, e2e) and print one closing line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const services = spawnSync(process.execPath, ['scripts/ensure-services.mjs'], { stdio: 'inherit', env });
if (services.status !== 0) process.exit(services.status ?? 1);

mkdirSync('test-results', { recursive: true });
const extra = process.argv.slice(2);
const r = spawnSync(
  'npx',
  ['--no-install', 'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json', ...extra],
  { stdio: 'inherit', env },
);

if (existsSync('test-results/vitest.json')) {
  const res = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  const skipped = (res.numPendingTests ?? 0) + (res.numTodoTests ?? 0);
  console.log(`\ntests: ${res.numPassedTests} passed, ${res.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(r.status ?? 1);
