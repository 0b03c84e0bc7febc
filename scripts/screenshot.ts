// Signs in and saves full-page screenshots of the given paths, for looking at pages.
// usage: npx tsx scripts/screenshot.ts [--user U --password P] /path [/path …]
import { launchBrowser } from '../tests/helpers/browser';

const args = process.argv.slice(2);
const opt = (n: string, d: string) => {
  const i = args.indexOf(n);
  if (i < 0) return d;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const user = opt('--user', 'demo');
const password = opt('--password', 'janitor-demo');
const base = opt('--base', 'http://localhost:3000');
const out = opt('--out', '/tmp/shots');
const width = Number(opt('--width', '1400'));

const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width, height: 900 } });
await page.goto(`${base}/login`);
await page.getByLabel('Username').fill(user);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 }).catch(() => {});
await import('node:fs').then((fs) => fs.mkdirSync(out, { recursive: true }));
for (const p of args.length ? args : ['/']) {
  await page.goto(base + p);
  await page.waitForLoadState('load');
  await page.waitForTimeout(500); // let client components render; a prefetch keeps the network busy, so no 'networkidle'
  const file = `${out}/${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(file);
}
await browser.close();
