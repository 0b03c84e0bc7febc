// One POST of an alert body to a webhook, with a timeout. Says whether a
// failure is worth retrying: timeouts, network errors, 5xx, 408 and 429 are
// (the receiver may be back soon); another 4xx means the request itself is
// wrong (a revoked Slack hook answers 404 or 410) and is not. The error text
// never holds the URL: it is a secret.
import 'server-only';
import { redact } from '../redact';
import { scrubUrl } from './mask-url';

export type PostResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; retry: boolean };

export async function postWebhook(url: string, body: string, timeoutMs: number): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Janitor-Alerts/1' },
      body,
      // A redirect would send the body somewhere the operator did not choose.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    const why = timedOut ? `no answer within ${Math.round(timeoutMs / 100) / 10} s` : (err.cause?.code ?? err.cause?.message ?? err.message);
    return { ok: false, status: null, error: clean(why, url), retry: true };
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
  const detail = text.trim().split('\n')[0]!.slice(0, 200);
  const error = clean(`HTTP ${res.status}${detail ? `: ${detail}` : ''}`, url);
  const retry = res.status >= 500 || res.status === 408 || res.status === 429;
  return { ok: false, status: res.status, error, retry };
}

function clean(text: string, url: string): string {
  return redact(scrubUrl(text, url)).slice(0, 300);
}
