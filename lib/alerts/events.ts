// The alerts Janitor sends: the events a webhook can subscribe to, and the
// threshold rules it can set. Kept free of server code: the settings form
// lists them too.

/** Events a webhook subscribes to by ticking them. */
export const EVENT_KINDS = [
  'run.failed',
  'run.interrupted',
  'run.completed',
  'reclaim.failed',
  'reclaim.interrupted',
  'reclaim.completed',
  'schedule.skipped',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Threshold rules a webhook turns on by giving a value (lib/schemas/webhook.ts). */
export const THRESHOLD_RULES = ['expired-rows', 'table-size', 'growth', 'forecast'] as const;
export type ThresholdRule = (typeof THRESHOLD_RULES)[number];

/** Every kind a delivery can carry; "test" is the settings page's "Send test". */
export type AlertEvent = EventKind | `threshold.${ThresholdRule}` | 'test';

export const EVENT_LABELS: Record<EventKind, string> = {
  'run.failed': 'Cleanup or log-out run failed',
  'run.interrupted': 'Cleanup or log-out run interrupted',
  'run.completed': 'Cleanup or log-out run completed',
  'reclaim.failed': 'Reclaim failed',
  'reclaim.interrupted': 'Reclaim interrupted',
  'reclaim.completed': 'Reclaim completed',
  'schedule.skipped': 'Scheduled job skipped',
};

export type Severity = 'info' | 'warning' | 'error';

/**
 * What an alert says, before it is shaped for a webhook's format
 * (lib/alerts/render-body.ts). `path` is a page of the dashboard; the body
 * links to it under JANITOR_PUBLIC_URL.
 */
export type AlertMessage = {
  event: AlertEvent;
  severity: Severity;
  /** one line, e.g. "Cleanup of public.django_session on prod failed" */
  title: string;
  /** more lines: figures, the error */
  lines: string[];
  target: string | null;
  schema: string | null;
  table: string | null;
  path: string;
  at: Date;
  /** figures for machines (the generic JSON body's "details") */
  details: Record<string, unknown>;
};
