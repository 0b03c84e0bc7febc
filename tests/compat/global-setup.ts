// One private MariaDB server per server zone, shared by every compat cell that
// needs it: the shared server's global time_zone must not change under the
// other tests running against it at the same time.
import type { TestProject } from 'vitest/node';
import { startPrivateMariadb } from '../helpers/private-servers';
import { SERVER_ZONES } from './cells';

declare module 'vitest' {
  export interface ProvidedContext {
    /** time_zone offset -> URL of the `app` database on the private server in that zone */
    compatMariadb: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const started = await Promise.allSettled(SERVER_ZONES.map((z) => startPrivateMariadb({ timeZone: z.mysql })));
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((s) => s.destroy()));
    throw failed.reason;
  }
  project.provide('compatMariadb', Object.fromEntries(SERVER_ZONES.map((z, i) => [z.mysql, servers[i]!.url])));
  return async () => {
    await Promise.all(servers.map((s) => s.destroy()));
  };
}
