// Lets plain Node run Janitor's TypeScript sources: tsx compiles them, and
// `import 'server-only'` (which keeps lib/ modules out of browser bundles)
// resolves to nothing. Used by a web run's thread (the CLI runs its bundle, scripts/build-cli.mjs).
import { register } from 'node:module';

register('./server-only-hook.mjs', import.meta.url);
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
