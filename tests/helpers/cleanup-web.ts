// The cleanup pages driven as an operator would: open the form of a session
// table, set the knobs, press Start; follow a run's state over its JSON route.
import type { Page } from 'playwright-core';

export type RunJson = {
  id: string;
  status: string;
  totalDeleted: number;
  batchCount: number;
  cutoff: string;
  error: string | null;
  throttle: { state: string; reason: string | null } | null;
};

export async function openCleanupForm(page: Page, baseUrl: string, target: string, table = 'django_session') {
  await page.goto(`${baseUrl}/targets/${target}/cleanup?${new URLSearchParams({ table })}`);
  await page.getByRole('heading', { name: new RegExp(`Clean up .*${table}`) }).waitFor();
}

export async function fillKnobs(page: Page, knobs: { deleteCount: number; sleepSeconds: number }) {
  await page.getByLabel('Delete count').fill(String(knobs.deleteCount));
  await page.getByLabel('Sleep seconds').fill(String(knobs.sleepSeconds));
}

/**
 * Presses Start and waits for its outcome: the run page it was sent to, or
 * the form's "already running" warning with its link.
 */
export async function pressStart(page: Page): Promise<{ started: string } | { refused: string; link: string | null }> {
  await page.getByRole('button', { name: 'Start cleanup' }).click();
  const watch = page.getByRole('link', { name: 'Watch the running cleanup' });
  // The form's own message: a warning with a link when a run is going, an error otherwise.
  const message = page.locator('form [role=alert], form [role=status]').first();
  // The waits that lose the race time out later: swallow that.
  const quiet = (p: Promise<unknown>) => p.catch(() => undefined);
  await Promise.race([quiet(page.waitForURL(/\/runs\/[^/]+$/, { timeout: 60_000 })), quiet(watch.waitFor({ timeout: 60_000 })), quiet(message.waitFor({ timeout: 60_000 }))]);
  const m = /\/runs\/([^/?#]+)$/.exec(new URL(page.url()).pathname);
  if (m) return { started: m[1]! };
  const text = (await message.textContent()) ?? '';
  const href = (await watch.count()) > 0 ? await watch.getAttribute('href') : null;
  return { refused: text, link: href };
}

export async function runJson(page: Page, baseUrl: string, runId: string): Promise<RunJson> {
  const r = await page.request.get(`${baseUrl}/api/runs/${runId}`);
  if (!r.ok()) throw new Error(`GET /api/runs/${runId}: ${r.status()} ${await r.text()}`);
  return ((await r.json()) as { run: RunJson }).run;
}

export async function waitForRun(page: Page, baseUrl: string, runId: string, cond: (r: RunJson) => boolean, ms = 60_000): Promise<RunJson> {
  const t0 = Date.now();
  for (;;) {
    const run = await runJson(page, baseUrl, runId);
    if (cond(run)) return run;
    if (Date.now() - t0 > ms) throw new Error(`run ${runId} did not get there within ${ms} ms; last: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function waitForStatus(page: Page, status: string, timeout = 60_000) {
  return page.locator(`[data-testid=run-status][data-status=${status}]`).waitFor({ timeout });
}
