// janitor logout-all (--url URL | --target NAME) --table NAME [--schema S]
//   [--preset P | --expiry-column C --expiry-type T] --yes [--instant [--lock-timeout S]] [--json]
//   (and the batch settings of `janitor cleanup` for the graceful run)
//
// Deletes every session of a session table. Without --yes it refuses and says
// how many sessions it would end. By default a graceful run (`janitor cleanup`
// with no expiry predicate: batches, sleeps, resumable); --instant truncates.
import { z } from 'zod';
import { parseFlags, targetSelection } from '../args';
import { printJson } from '../output';
import { cleanupCommand, cleanupFlags } from './cleanup';
import { AppError } from '@/lib/errors';
import { previewLogoutAll } from '@/lib/session-tables/logout-all-preview';
import { logoutAllInstant } from '@/lib/session-tables/logout-all-instant';
import { reclaimParamsSchema } from '@/lib/schemas/reclaim';
import { formatCount } from '@/lib/format';

const OWN_FLAGS = {
  yes: { type: 'boolean', default: false },
  instant: { type: 'boolean', default: false },
  'lock-timeout': { type: 'string' },
} as const;

const flagsSchema = z.intersection(
  targetSelection,
  z.object({ table: z.string({ error: 'is required' }), json: z.boolean(), yes: z.boolean(), instant: z.boolean(), 'dry-run': z.boolean() }).passthrough(),
);

/** Batch settings belong to the graceful run; a TRUNCATE has none. */
const BATCH_FLAGS = ['no-analyze', 'delete-count', 'sleep-seconds', 'iteration-count', 'max-runtime', 'target-batch-ms', 'max-replica-lag', 'max-active-connections', 'retry-for', 'strategy', 'ttl-seconds'];

/** argv without this command's own flags: what `janitor cleanup` parses. */
function withoutOwnFlags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--yes' || a === '--instant' || a.startsWith('--lock-timeout=')) continue;
    if (a === '--lock-timeout') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

export async function logoutAllCommand(argv: string[]) {
  const { flags } = parseFlags(argv, { ...cleanupFlags, ...OWN_FLAGS }, flagsSchema);
  const f = flags as Record<string, string | boolean | undefined>;
  const target = { url: f.url as string | undefined, target: f.target as string | undefined };
  const spec = { schema: f.schema, table: f.table, preset: f.preset, expiryColumn: f['expiry-column'], expiryType: f['expiry-type'] };
  if (f.instant && f['dry-run']) throw new AppError('--dry-run shows the graceful run; it does not go with --instant', 'input');
  if (f.instant) {
    const given = BATCH_FLAGS.filter((k) => f[k] !== undefined && f[k] !== false);
    if (given.length) throw new AppError(`--instant truncates the table at once; --${given[0]} is a setting of the graceful run`, 'input');
  } else if (f['lock-timeout'] !== undefined) {
    throw new AppError('--lock-timeout goes with --instant (the graceful run waits for row locks per batch)', 'input');
  }

  if (!f.yes && !f['dry-run']) {
    const p = await previewLogoutAll({ target, spec });
    const n = f.instant ? p.rows : p.sessions;
    throw new AppError(
      `refusing to log everyone out without --yes: it would end ${formatCount(n)} session${n === 1 ? '' : 's'} in ${p.schema}.${p.table}${f.instant ? ' (TRUNCATE)' : ''}`,
      'input',
    );
  }

  if (!f.instant) return cleanupCommand(withoutOwnFlags(argv), { kind: 'logout-all' });

  const lock = reclaimParamsSchema.shape.lockTimeoutSeconds.safeParse(f['lock-timeout']);
  if (!lock.success) throw new AppError(`--lock-timeout: ${lock.error.issues[0]!.message}`, 'input');
  const r = await logoutAllInstant({ target, spec, startedBy: 'cli', lockTimeoutSeconds: lock.data });
  if (f.json) {
    printJson({ type: 'done', status: 'completed', method: 'truncate', schema: r.schema, table: r.table, removed: r.removed, seconds: r.seconds });
  } else {
    console.log(`logged everyone out: TRUNCATE removed ${formatCount(r.removed)} session${r.removed === 1 ? '' : 's'} from ${r.schema}.${r.table} in ${r.seconds} s`);
  }
}
