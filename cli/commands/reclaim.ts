// janitor reclaim (--url URL | --target NAME) --table NAME [--schema S]
//   --mode full|vacuum|analyze|optimize [--lock-timeout S] [--statement-timeout S]
//   [--retries N] [--retry-pause S] [--json]
//
// Shows the preflight (lock, duration, disk, blockers), runs the operation with
// progress, and prints the sizes before and after. With --json every line is a
// JSON object and the last one is {"type":"done",…}. Exits non-zero unless the
// operation completed.
import { z } from 'zod';
import { parseFlags, targetFlags, targetSelection } from '../args';
import { printJson } from '../output';
import { exitCodeForEnd, exitCodeForSignal } from '../exit-codes';
import { parseOrThrow, preflightReclaim, type ReclaimPreflight } from '@/lib/reclaim/preflight';
import { reclaimParamsSchema } from '@/lib/schemas/reclaim';
import { executeReclaim, type ReclaimResult } from '@/lib/reclaim/execute';
import type { ReclaimEvent } from '@/lib/reclaim/events';
import type { Blocker } from '@/lib/reclaim/driver';
import { connectionIdLabel } from '@/lib/targets/dialect-facts';
import { formatBytes, formatDuration } from '@/lib/format';

const flags = {
  ...targetFlags,
  table: { type: 'string' },
  schema: { type: 'string' },
  mode: { type: 'string' },
  'lock-timeout': { type: 'string' },
  'statement-timeout': { type: 'string' },
  retries: { type: 'string' },
  'retry-pause': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

// Flag syntax only; values are validated by lib/schemas/reclaim.ts.
const flagsSchema = z.intersection(
  targetSelection,
  z.object({ table: z.string({ error: 'is required' }), mode: z.string({ error: 'is required (full, vacuum, analyze or optimize)' }), json: z.boolean() }).passthrough(),
);

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

function blockerLine(b: Blocker, idLabel: string): string {
  const what = [
    `${idLabel} ${b.pid}`,
    b.user ? `user ${b.user}` : null,
    b.state,
    b.ageSeconds !== null ? `for ${formatDuration(b.ageSeconds)}` : null,
    b.heldLocks.length ? `holds ${b.heldLocks.join(', ')}` : null,
    b.reasons.join(', '),
  ].filter(Boolean);
  return `  ${what.join('; ')}${b.query ? `\n      ${b.query.replace(/\s+/g, ' ')}` : ''}`;
}

function blockerJson(b: Blocker) {
  return { pid: b.pid, user: b.user, state: b.state, query: b.query, ageSeconds: b.ageSeconds, heldLocks: b.heldLocks, reasons: b.reasons, blocksOperation: b.blocksOperation };
}

function printPreflight(p: ReclaimPreflight, json: boolean) {
  if (json) {
    printJson({
      type: 'preflight',
      dialect: p.dialect,
      schema: p.schema,
      table: p.table,
      mode: p.mode,
      lock: p.lock.mode,
      blocksReads: p.lock.blocksReads,
      blocksWrites: p.lock.blocksWrites,
      estimatedSeconds: p.estimatedSeconds,
      totalBytes: p.facts.totalBytes,
      expectedAfterBytes: p.expectedAfterBytes,
      expectedBackBytes: p.expectedBackBytes,
      extraDiskBytes: p.extraDiskBytes,
      extraDiskMaxBytes: p.extraDiskMaxBytes,
      blockers: p.blockers.map(blockerJson),
      warnings: p.warnings,
    });
    return;
  }
  const idLabel = connectionIdLabel(p.dialect);
  const out = [
    `${p.modeLabel} on ${p.schema}.${p.table} (${p.facts.server}), now ${formatBytes(p.facts.totalBytes)}`,
    `lock:      ${p.lock.mode}, held ${p.lock.held}; ${p.lock.blocksReads ? 'reads wait' : 'reads go on'}, ${p.lock.blocksWrites ? 'writes wait' : 'writes go on'}`,
    `           ${p.lock.summary}`,
    `duration:  about ${formatDuration(Math.max(1, p.estimatedSeconds))} (${p.estimateBasis})`,
  ];
  if (p.rewrites) {
    out.push(`disk:      needs about ${formatBytes(p.extraDiskBytes)} free while it runs (up to ${formatBytes(p.extraDiskMaxBytes)})`);
    out.push(`gives back: about ${formatBytes(p.expectedBackBytes)} (→ ${formatBytes(p.expectedAfterBytes)}; ${p.estimateMethod})`);
  }
  out.push(p.blockers.length ? `sessions in the way now (${p.blockers.length}):` : 'sessions in the way now: none');
  for (const b of p.blockers) out.push(blockerLine(b, idLabel));
  for (const w of p.warnings) out.push(`note: ${w}`);
  console.log(out.join('\n'));
}

function eventPrinter(json: boolean, idLabel: () => string) {
  let lastPhase = '';
  let lastAt = 0;
  return (e: ReclaimEvent) => {
    if (json) {
      if (e.type === 'progress') {
        return printJson({
          type: 'progress',
          attempt: e.attempt,
          phase: e.phase,
          waitingForLock: e.waitingForLock,
          blockedBy: e.blockedBy,
          done: e.done,
          total: e.total,
          fraction: e.fraction === null ? null : round(e.fraction),
          elapsedSeconds: e.elapsedSeconds,
        });
      }
      if (e.type === 'started') return printJson({ type: 'started', operationId: e.operationId, mode: e.mode, schema: e.schema, table: e.table, beforeBytes: e.beforeBytes });
      if (e.type === 'retry') return printJson({ type: 'retry', attempt: e.attempt, attempts: e.attempts, pauseSeconds: e.pauseSeconds, message: e.message, blockers: e.blockers.map(blockerJson) });
      return printJson({ type: 'blocked', attempts: e.attempts, message: e.message, blockers: e.blockers.map(blockerJson) });
    }
    if (e.type === 'started') return console.log(`operation ${e.operationId} started; size before: ${formatBytes(e.beforeBytes)}`);
    if (e.type === 'retry') {
      console.log(`attempt ${e.attempt} of ${e.attempts}: ${e.message}; retrying in ${e.pauseSeconds} s`);
      for (const b of e.blockers) console.log(blockerLine(b, idLabel()));
      return;
    }
    if (e.type === 'blocked') {
      console.log(`gave up after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}; in the way:`);
      for (const b of e.blockers) console.log(blockerLine(b, idLabel()));
      return;
    }
    // A line when the phase changes, otherwise at most every 2 s.
    const now = Date.now();
    if (e.phase === lastPhase && now - lastAt < 2_000) return;
    lastPhase = e.phase;
    lastAt = now;
    const share = e.fraction !== null ? ` ${Math.round(e.fraction * 100)}%` : '';
    const blocked = e.waitingForLock && e.blockedBy.length ? ` behind ${idLabel()} ${e.blockedBy.join(', ')}` : '';
    console.log(`[${formatDuration(e.elapsedSeconds)}] attempt ${e.attempt}/${e.attempts}: ${e.phase}${share}${blocked}`);
  };
}

function printResult(r: ReclaimResult, json: boolean) {
  if (json) {
    printJson({
      type: 'done',
      status: r.status,
      beforeBytes: r.beforeBytes,
      afterBytes: r.afterBytes,
      seconds: round(r.seconds),
      ...(r.error ? { error: r.error } : {}),
      ...(r.blockers.length ? { blockers: r.blockers.filter((b) => b.blocksOperation !== false).map((b) => b.pid) } : {}),
    });
    return;
  }
  for (const m of r.messages) console.log(`server: ${m}`);
  const sizes = `${formatBytes(r.beforeBytes)} → ${formatBytes(r.afterBytes)}`;
  if (r.status === 'completed') {
    const back = r.beforeBytes !== null && r.afterBytes !== null ? r.beforeBytes - r.afterBytes : null;
    console.log(`completed in ${formatDuration(r.seconds)}: ${sizes}${back !== null && back > 0 ? ` (${formatBytes(back)} given back)` : ''}`);
  } else {
    process.stderr.write(`janitor: operation ${r.operationId} failed: ${r.error}\n`);
    console.log(`size: ${sizes}`);
  }
}

export async function reclaimCommand(argv: string[]) {
  const { flags: parsed } = parseFlags(argv, flags, flagsSchema);
  const f = parsed as Record<string, string | boolean | undefined>;
  const target = { url: f.url as string | undefined, target: f.target as string | undefined };
  const json = Boolean(f.json);
  const ref = { schema: f.schema as string | undefined, table: f.table as string };
  const params = {
    mode: f.mode,
    lockTimeoutSeconds: f['lock-timeout'],
    statementTimeoutSeconds: f['statement-timeout'],
    retries: f.retries,
    retryPauseSeconds: f['retry-pause'],
  };

  // Every flag is checked before the preflight connects: a typo is an input error, not a query on the server.
  parseOrThrow(reclaimParamsSchema, params);
  const pre = await preflightReclaim({ target, ...ref, mode: String(f.mode) });
  printPreflight(pre, json);

  // The first SIGINT / SIGTERM cancels the statement on the server (the table
  // stays as it was); a second one exits at once.
  const abort = new AbortController();
  let signal: NodeJS.Signals | null = null;
  const onSignal = (s: NodeJS.Signals) => {
    if (signal) process.exit(exitCodeForSignal(s));
    signal = s;
    process.stderr.write(`\njanitor: ${s}: cancelling the operation (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await executeReclaim({
      target,
      ...ref,
      params,
      startedBy: 'cli',
      signal: abort.signal,
      onEvent: eventPrinter(json, () => connectionIdLabel(pre.dialect)),
    });
    printResult(result, json);
    process.exitCode = exitCodeForEnd(result.status === 'completed', signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
