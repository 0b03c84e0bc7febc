// Signs in and saves full-page screenshots of the given paths, for looking at pages.
// usage: npx tsx scripts/screenshot.ts [--user U --password P] [--widths 1440,390] /path [/path …]
// Each width gets its own file (NAME-WIDTH.png); a page wider than the window is reported.
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
const widths = opt('--widths', opt('--width', '1440,390')).split(',').map(Number);

const browser = await launchBrowser();
await import('node:fs').then((fs) => fs.mkdirSync(out, { recursive: true }));
for (const width of widths) {
  // A phone is 390×844; anything wider is a desktop window.
  const page = await browser.newPage({ viewport: { width, height: width < 600 ? 844 : 900 } });
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15000 }).catch(() => {});
  for (const p of args.length ? args : ['/']) {
    const res = await page.goto(base + p);
    await page.waitForLoadState('load');
    await page.waitForTimeout(700); // let client components render; a prefetch keeps the network busy, so no 'networkidle'
    const file = `${out}/${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}-${width}.png`;
    await page.screenshot({ path: file, fullPage: true });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    console.log(`${file}  status ${res?.status()}${scrollWidth > width ? `  WIDER THAN THE WINDOW: ${scrollWidth}px` : ''}`);
  }
  await page.close();
}
await browser.close();
