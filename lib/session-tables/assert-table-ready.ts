// Before a run or a schedule is stored for later: the table and its expiry
// column are there now, and the target answers. A queued start is refused at
// once with what is wrong (an unreachable target, a typo in the table's name)
// rather than failing later on a worker, at 03:00.
import 'server-only';
import { AppError } from '../errors';
import type { TargetAdapter } from '../targets/adapter';
import type { ResolvedSpec } from './resolve-spec';

export async function assertTableReady(adapter: TargetAdapter, spec: ResolvedSpec, targetName: string): Promise<void> {
  const found = (await adapter.catalogTables({ names: [spec.table] })).find((t) => t.schema === spec.schema && t.table === spec.table);
  if (!found) throw new AppError(`no table ${spec.schema}.${spec.table} on target "${targetName}"`, 'not-found');
  if (!found.columns.some((c) => c.name === spec.expiryColumn)) throw new AppError(`${spec.schema}.${spec.table} has no column "${spec.expiryColumn}"`, 'input');
}
