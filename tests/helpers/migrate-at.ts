// Applies the store's migrations at a given moment (START_AT, ms since the
// epoch), so several processes can be made to race for a new store.
import { migrate } from '../../lib/store/migrate';

const startAt = Number(process.env.START_AT);
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
try {
  await migrate(process.env.DATABASE_URL!);
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
