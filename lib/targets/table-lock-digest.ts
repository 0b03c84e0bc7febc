// The per-table lock that keeps cleanup runs, reclaims and instant
// log-everyone-outs of one table apart. Every process (web app, CLI, a second
// app instance) derives the same name for the same table, so the target
// database itself enforces one of them at a time. Each dialect turns this
// digest into its own lock name (postgres/ and mysql/ dedicated-connection.ts).
import { createHash } from 'node:crypto';

export function tableLockDigest(parts: string[]): Buffer {
  return createHash('sha256').update(`janitor.cleanup\u0000${parts.join('\u0000')}`).digest();
}
