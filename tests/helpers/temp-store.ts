// Points the store at a fresh SQLite file for this test file. Call before
// anything imports lib/store (env and the client are cached per process).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function useTempStore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'janitor-store-'));
  const url = `file:${path.join(dir, 'janitor.db')}`;
  process.env.DATABASE_URL = url;
  return url;
}
