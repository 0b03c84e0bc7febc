// What "log everyone out" would end, counted exactly: the confirmation page
// and the CLI's refusal without --yes show it. Reads only.
import 'server-only';
import type { SessionSpecInput } from '../schemas/session-spec';
import type { Dialect } from '../targets/target-url';
import { activeWorkOn, openLogoutAllTable, type ActiveWork, type TargetSelection } from './logout-all-table';

export type LogoutAllPreview = ActiveWork & {
  dialect: Dialect;
  schema: string;
  table: string;
  preset: string | null;
  expiryColumn: string;
  expiryType: string;
  /** sessions the graceful run deletes: every row with an expiry value */
  sessions: number;
  /** every row: what the instant TRUNCATE removes (rows without an expiry value included) */
  rows: number;
  server: string;
};

export async function previewLogoutAll(input: { target: TargetSelection; spec: SessionSpecInput | Record<string, unknown> }): Promise<LogoutAllPreview> {
  const t = await openLogoutAllTable(input.target, input.spec);
  const driver = t.adapter.cleanupDriver();
  try {
    const table = await driver.inspect(t.spec);
    const bound = await driver.storedCutoff(table, t.cutoff);
    // Exact whatever the table's size: the operator confirms this number.
    const estimate = await driver.estimateExpired(table, bound, { exactMaxRows: Number.MAX_SAFE_INTEGER });
    const sessions = estimate.method === 'exact' ? estimate.expired : await driver.countExpired(table, bound);
    const rows = estimate.method === 'exact' ? estimate.total : Math.max(sessions, estimate.total);
    const active = await activeWorkOn(t.key, table.schema, table.table);
    return {
      ...active,
      dialect: table.dialect,
      schema: table.schema,
      table: table.table,
      preset: t.spec.preset,
      expiryColumn: t.spec.expiryColumn,
      expiryType: t.spec.expiryType,
      sessions,
      rows,
      server: table.server,
    };
  } finally {
    await driver.close().catch(() => undefined);
    await t.release();
  }
}
