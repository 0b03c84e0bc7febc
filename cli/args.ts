// Flag parsing for every command: node's parseArgs for the syntax, zod for the
// values, and one-line errors that name the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { oneLine } from './output';

export function parseFlags<S extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
  opts: { positionals?: boolean } = {},
): { flags: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, options), options, strict: true, allowPositionals: opts.positionals ?? false });
  } catch (e) {
    // parseArgs's first line says what is wrong and repeats the argument, e.g. "Unknown option '--foo'":
    // control characters in it are shown as escapes so the error stays one line
    throw new AppError(oneLine(String((e as Error).message).split('\n')[0]!).replace(/\. To specify a positional.*$/, ''), 'input');
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const flag = issue.path.length ? `--${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ` : '';
    throw new AppError(`${flag}${issue.message}`, 'input');
  }
  return { flags: result.data, positionals: parsed.positionals };
}

/**
 * `--delete-count -5` as `--delete-count=-5`: parseArgs takes a value that
 * starts with "-" for an option and calls it ambiguous, so a negative number
 * never reached the validation that says what is wrong with it.
 */
function joinNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : '';
    if (options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** --url / --target: exactly one. */
export const targetFlags = {
  url: { type: 'string' },
  target: { type: 'string' },
} as const;

export const targetSelection = z
  .object({ url: z.string().max(2000).optional(), target: z.string().max(64).optional() })
  .refine((v) => Boolean(v.url) !== Boolean(v.target), { message: 'give exactly one of --url URL or --target NAME' });
