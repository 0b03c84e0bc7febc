// Entry of a run thread (see run-on-thread.ts). The web server's own code is
// bundled by Next; a thread starts from the TypeScript sources instead, as the
// CLI does (cli/janitor.mjs): `server-only` resolves to nothing, tsx compiles.
import { register } from 'node:module';

register('../../cli/server-only-hook.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
await import('./run-thread-main.ts');
