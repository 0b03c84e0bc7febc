import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import path from 'node:path';

/**
 * Files that wait on the wall clock for minutes (a cron schedule's three
 * minutes, kills and resumes on three stores) start first in their project.
 * Last, they ran alone for minutes while the other worker had nothing left.
 */
const LONG_WAITS = ['tests/integration/fleet-schedule.test.ts', 'tests/integration/cleanup-runs.test.ts', 'tests/integration/fleet-workers.test.ts'];

class LongWaitsFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONG_WAITS.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONG_WAITS.length : i;
    };
    // Projects keep vitest's order; within each, the long waits go first (a stable sort).
    const projects = [...new Set(sorted.map((f) => f.project.name))];
    return projects.flatMap((name) => sorted.filter((f) => f.project.name === name).sort((a, b) => rank(a) - rank(b)));
  }
}

const alias = {
  '@': import.meta.dirname,
  // lib/ modules guard against client bundles with `server-only`; tests are server code.
  'server-only': path.join(import.meta.dirname, 'tests/helpers/empty-module.ts'),
};

export default defineConfig({
  test: {
    // Most files wait on databases, sleeps and child processes rather than the
    // CPU, so two files at a time halve the wall time on a 2-core machine
    // (vitest's default is one worker per core beyond the first). Each file
    // works in its own databases, store file and ports.
    maxWorkers: 2,
    sequence: { sequencer: LongWaitsFirst },
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        // Framework compatibility (issue: expiry means what the framework means): real
        // Django / connect-pg-simple / express-mysql-session code and Rails / Laravel
        // tables on PostgreSQL and private MariaDB servers in three time zones, the
        // CLI under two process zones. Cells own their databases and run side by side.
        resolve: { alias },
        test: {
          name: 'compat',
          include: ['tests/compat/**/*.test.ts'],
          globalSetup: ['tests/compat/global-setup.ts'],
          environment: 'node',
          maxConcurrency: 3,
          testTimeout: 240_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Fault injection (RELIABILITY.md): kills apps and CLIs, restarts private
        // database servers, races starts. One file at a time: each starts its own
        // servers and apps, and their timing must not compete with each other.
        resolve: { alias },
        test: {
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
