// Start-up work shared by `janitor serve` and tests: migrate the store, create
// or update the admin operator from the environment.
import 'server-only';
import { env } from './env';
import { migrate } from './store/migrate';
import { upsertUser } from './auth/users';
import { audit } from './audit/record';

export async function bootstrap(log: (m: string) => void = console.log) {
  const e = env();
  await migrate(e.DATABASE_URL, { log });
  if (e.JANITOR_ADMIN_USER && e.JANITOR_ADMIN_PASSWORD) {
    const u = await upsertUser({ username: e.JANITOR_ADMIN_USER, password: e.JANITOR_ADMIN_PASSWORD, role: 'operator' });
    await audit({ actor: 'system', action: u.created ? 'user.add' : 'user.update', target: u.username, detail: { role: 'operator', from: 'JANITOR_ADMIN_USER' }, outcome: 'ok' });
    log(`admin: operator "${u.username}" ${u.created ? 'created' : 'updated'} from JANITOR_ADMIN_USER`);
  } else if (e.JANITOR_ADMIN_USER || e.JANITOR_ADMIN_PASSWORD) {
    log('admin: set both JANITOR_ADMIN_USER and JANITOR_ADMIN_PASSWORD to create an operator; ignoring');
  }
}
