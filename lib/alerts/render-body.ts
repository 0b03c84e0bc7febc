// An alert shaped for a webhook's format: a generic JSON document, or Slack's
// incoming-webhook body ({ "text": … } in Slack's mrkdwn). Every body goes
// through redact(): a connection string that slipped into an error message
// never leaves Janitor.
import 'server-only';
import { env } from '../env';
import { redact } from '../redact';
import type { WebhookFormat } from '../schemas/webhook';
import type { AlertMessage } from './events';

export function pageLink(path: string): string {
  return `${env().publicUrl}${path.startsWith('/') ? path : `/${path}`}`;
}

export function renderBody(m: AlertMessage, format: WebhookFormat): string {
  const url = pageLink(m.path);
  const body =
    format === 'slack'
      ? { text: slackText(m, url) }
      : {
          source: 'janitor',
          event: m.event,
          severity: m.severity,
          title: m.title,
          text: m.lines.join('\n'),
          target: m.target,
          schema: m.schema,
          table: m.table,
          url,
          at: m.at.toISOString(),
          details: m.details,
        };
  return redact(JSON.stringify(body));
}

const ICON = { info: ':white_check_mark:', warning: ':warning:', error: ':x:' } as const;

/** Slack wants &, < and > escaped in text; its own links are <url|label>. */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackText(m: AlertMessage, url: string): string {
  const where = [m.target && `target *${esc(m.target)}*`, m.table && `table \`${esc(m.schema ? `${m.schema}.${m.table}` : m.table)}\``].filter(Boolean).join(', ');
  return [`${ICON[m.severity]} *${esc(m.title)}*`, ...(where ? [where] : []), ...m.lines.map(esc), `<${url}|Open in Janitor>`].join('\n');
}
