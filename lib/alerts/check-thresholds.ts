// Entry point for the size history job: after each round of samples, checks
// every enabled webhook's threshold rules against the figures per table. A
// rule fires once when its condition starts to hold for a table (remembered
// in AlertFiring) and again only after a check found it cleared. A figure
// that is missing (null: not a session table, no forecast yet) neither fires
// nor clears its rule.
import 'server-only';
import { store } from '../store/client';
import { isUniqueViolation } from '../store/unique-violation';
import { webhookTargets, type WebhookTarget } from '../store/alerts/webhooks';
import type { ThresholdRule } from './events';
import { enqueueAlert } from './enqueue';
import { daysToReach, thresholdMessage } from './threshold-message';

/** One table's latest figures, as the size history produces them. */
export type TableFigures = {
  /** the target's configured name (the one in its URL /targets/<name>) */
  target: string;
  schema: string;
  table: string;
  /** heap + indexes + TOAST, bytes */
  totalBytes: number;
  /** expired rows in a session table; null / absent for other tables */
  expiredRows?: number | null;
  /** growth over the recent history, bytes per day; null when too little history */
  growthBytesPerDay?: number | null;
  /** the fitted line: size now and slope; null when the history is too short or noisy to forecast */
  forecast?: { bytesNow: number; bytesPerDay: number } | null;
};

export type Fired = { webhookId: string; rule: ThresholdRule; target: string; schema: string; table: string; deliveryIds: number[] };

/** Whether the rule holds for the table: true / false, or null when the figure it needs is unknown or the rule is off. */
export function ruleHolds(rule: ThresholdRule, w: WebhookTarget['thresholds'], f: TableFigures): boolean | null {
  switch (rule) {
    case 'expired-rows':
      return w.expiredRowsAbove === undefined || f.expiredRows == null ? null : f.expiredRows > w.expiredRowsAbove;
    case 'table-size':
      return w.tableBytesAbove === undefined ? null : f.totalBytes > w.tableBytesAbove;
    case 'growth':
      return w.growthBytesPerDayAbove === undefined || f.growthBytesPerDay == null ? null : f.growthBytesPerDay > w.growthBytesPerDayAbove;
    case 'forecast': {
      if (!w.forecast || !f.forecast) return null;
      const days = daysToReach(f.forecast, w.forecast.bytes);
      return days !== null && days <= w.forecast.withinDays;
    }
  }
}

const RULES: ThresholdRule[] = ['expired-rows', 'table-size', 'growth', 'forecast'];
const key = (webhookId: string, rule: string, f: { target: string; schema: string; table: string }) => JSON.stringify([webhookId, rule, f.target, f.schema, f.table]);

export async function checkThresholds(figures: TableFigures[]): Promise<Fired[]> {
  const hooks = (await webhookTargets()).filter((w) => Object.keys(w.thresholds).length > 0);
  if (hooks.length === 0 || figures.length === 0) return [];
  const db = await store();
  const firing = new Set((await db.alertFiring.findMany({ where: { webhookId: { in: hooks.map((w) => w.id) } } })).map((r) => key(r.webhookId, r.rule, r)));
  const fired: Fired[] = [];
  for (const w of hooks) {
    for (const f of figures) {
      for (const rule of RULES) {
        const holds = ruleHolds(rule, w.thresholds, f);
        if (holds === null) continue;
        const where = { webhookId: w.id, rule, target: f.target, schema: f.schema, table: f.table };
        const was = firing.has(key(w.id, rule, f));
        if (!holds) {
          if (was) await db.alertFiring.deleteMany({ where });
          continue;
        }
        if (was) continue;
        // The row is the guard: of two checks at once, only the one that creates it sends.
        try {
          await db.alertFiring.create({ data: where });
        } catch (e) {
          if (isUniqueViolation(e)) continue;
          throw e;
        }
        const deliveryIds = await enqueueAlert(thresholdMessage(rule, w.thresholds, f), (x) => x.id === w.id);
        fired.push({ ...where, deliveryIds });
      }
    }
  }
  return fired;
}
