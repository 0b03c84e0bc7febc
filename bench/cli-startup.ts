// Times the real `janitor` command's start-up (issue #11: `janitor --help`
// within 0.3 s and 80 MB). Runs `node cli/janitor.mjs` as a user's shell does,
// several times each, and prints the best and median wall time and peak RSS
// (measured by GNU time, Debian's `time` package), next to bare `node -e 0`
// for scale. The first run rebuilds the bundle if a source changed; it is not
// counted.
//
//   npm run bench:cli:startup [-- --runs 7]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';

const GOAL_S = 0.3;
const GOAL_MB = 80;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(2, Number(values.runs));

const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('bench: needs GNU time for peak RSS: apt-get install -y time');
  process.exit(2);
}

/** Wall seconds and peak RSS (MB) of one run of `node …args`. */
function measure(args: string[]): { s: number; mb: number; status: number | null } {
  const r = spawnSync(TIME, ['-f', '%e %M', process.execPath, ...args], { encoding: 'utf8', env: process.env });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [s, kb] = last.split(' ').map(Number);
  return { s, mb: kb / 1024, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases: { name: string; args: string[]; expect: number; goal: boolean }[] = [
  { name: 'node -e 0 (for scale)', args: ['-e', '0'], expect: 0, goal: false },
  { name: 'janitor --help', args: ['cli/janitor.mjs', '--help'], expect: 0, goal: true },
  { name: 'janitor cleanup --no-such-flag', args: ['cli/janitor.mjs', 'cleanup', '--no-such-flag'], expect: 2, goal: false },
  { name: 'janitor stats (no target: flag error)', args: ['cli/janitor.mjs', 'stats'], expect: 2, goal: false },
];

measure(['cli/janitor.mjs', '--help']); // brings the bundle up to date
let missed = false;
console.log(`${'command'.padEnd(40)} ${'best s'.padStart(7)} ${'median s'.padStart(9)} ${'peak MB'.padStart(8)}`);
for (const c of cases) {
  const results = Array.from({ length: runs }, () => measure(c.args));
  const bad = results.find((r) => r.status !== c.expect);
  if (bad) {
    console.error(`${c.name}: exit ${bad.status}, expected ${c.expect}`);
    process.exit(1);
  }
  const best = Math.min(...results.map((r) => r.s));
  const mb = Math.max(...results.map((r) => r.mb));
  console.log(`${c.name.padEnd(40)} ${best.toFixed(2).padStart(7)} ${median(results.map((r) => r.s)).toFixed(2).padStart(9)} ${mb.toFixed(0).padStart(8)}`);
  if (c.goal && (best > GOAL_S || mb > GOAL_MB)) missed = true;
}
console.log(`goal for janitor --help: best ≤ ${GOAL_S} s and peak ≤ ${GOAL_MB} MB: ${missed ? 'MISSED' : 'met'}`);
process.exit(missed ? 1 : 0);
