// The embedded demo target: PGlite (PostgreSQL in WASM) served over the
// PostgreSQL wire on a local port, so the app reaches it with `pg` exactly as
// it reaches a real server. Data persists under ./data/demo.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { DEMO_SEED_SQL } from './seed';

export type DemoServer = { url: string; port: number; stop: () => Promise<void> };

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

export async function startDemoServer(opts: { dataDir?: string; port?: number; log?: (m: string) => void } = {}): Promise<DemoServer> {
  const log = opts.log ?? (() => {});
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = path.resolve(opts.dataDir ?? './data/demo');
  const fresh = !existsSync(path.join(dataDir, 'PG_VERSION'));
  mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  if (fresh) {
    log('demo: seeding the demo database (about 10 s, once)…');
    for (const sql of DEMO_SEED_SQL) await db.exec(sql);
  }
  const port = await freePort(opts.port ?? 54329);
  // PGlite is one backend; the socket server queues queries from several
  // connections onto it.
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 64 });
  await server.start();
  return {
    port,
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}
