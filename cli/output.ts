// Output helpers: JSON lines for machines, short lines for people, and the one
// place that turns an error into a one-line message and an exit code.
import { isAppError, toUserMessage } from '@/lib/errors';
import { redact } from '@/lib/redact';
import { EXIT_FAILED, exitCodeFor } from './exit-codes';

export function printJson(obj: unknown) {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/**
 * Control characters shown as escapes. Errors repeat what was typed (a flag's
 * value, a target name); a carriage return or an escape sequence in it would
 * split the error over lines or move the terminal's cursor.
 */
export function oneLine(text: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function fail(e: unknown): never {
  if (!isAppError(e) && process.env.JANITOR_DEBUG === '1') console.error(e);
  // Unknown errors still get one line (never a stack trace); JANITOR_DEBUG=1 shows the rest.
  const message = isAppError(e) ? toUserMessage(e) : `unexpected error: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
  process.stderr.write(`janitor: ${oneLine(redact(message))}\n`);
  process.exit(isAppError(e) ? exitCodeFor(e.kind) : EXIT_FAILED);
}

/** Left/right-padded plain-text table. */
export function table(rows: string[][], align: ('l' | 'r')[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** Reads all of stdin (for passwords), trimming one trailing newline. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
