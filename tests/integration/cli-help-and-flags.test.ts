// The real `janitor` command as a newcomer types it: every command answers
// --help with its own usage (exit 0), negative numbers reach validation and
// get its message, an unknown run id is named as unknown, and a bad --url is
// described plainly. Nothing here reaches a database.
import { describe, expect, it } from 'vitest';
import { janitorAsync } from '../helpers/cli';
import { useTempStore } from '../helpers/temp-store';

const storeUrl = useTempStore();
const run = (args: string[]) => janitorAsync(args, { env: { DATABASE_URL: storeUrl } }).done;

describe('janitor on the command line', () => {
  it('every command answers --help with its own usage and exit 0', async () => {
    for (const [command, first] of [
      ['stats', 'janitor stats (--url URL | --target NAME)'],
      ['cleanup', 'janitor cleanup (--url URL | --target NAME) --table NAME'],
      ['runs', 'janitor runs list'],
      ['reclaim', 'janitor reclaim (--url URL | --target NAME) --table NAME'],
      ['logout-all', 'janitor logout-all (--url URL | --target NAME) --table NAME'],
      ['users', 'janitor users add NAME'],
      ['serve', 'janitor serve'],
    ] as const) {
      const r = await run([command, '--target', 'x', '--help']);
      expect(r.status, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0], command).toContain(first);
    }
    const runsResume = await run(['runs', 'resume', '-h']);
    expect(runsResume.status).toBe(0);
    expect(runsResume.stdout).toContain('janitor runs resume ID');
  });

  it('a negative number reaches validation whether written --flag -5 or --flag=-5', async () => {
    const base = ['cleanup', '--url', 'postgresql://u:p@127.0.0.1:1/db', '--table', 'django_session'];
    const spaced = await run([...base, '--delete-count', '-5']);
    const joined = await run([...base, '--delete-count=-5']);
    expect(spaced.status).toBe(2);
    expect(spaced.stderr).not.toMatch(/ambiguous/);
    expect(spaced.stderr.trim()).toMatch(/^janitor: .*delete.count.*\d/i);
    expect(spaced.stderr).toBe(joined.stderr);
    const sleep = await run([...base, '--sleep-seconds', '-0.5']);
    expect(sleep.status).toBe(2);
    expect(sleep.stderr).not.toMatch(/ambiguous/);
  });

  it('runs resume of an unknown id says there is no such run', async () => {
    const r = await run(['runs', 'resume', 'nosuchid']);
    expect(r.stderr.trim()).toBe('janitor: no run nosuchid');
    expect(r.status).toBe(1);
    const pause = await run(['runs', 'pause', 'nosuchid']);
    expect(pause.stderr.trim()).toBe('janitor: no run nosuchid');
  });

  it('a --url that is not a URL is described plainly, with nothing redacted', async () => {
    const r = await run(['stats', '--url', 'not-a-url']);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim()).toBe('janitor: --url is not a valid URL: give a postgresql, postgres, mysql or mariadb URL with user, password, host and database');
  });
});
