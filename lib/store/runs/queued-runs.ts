// How many runs wait for a worker, and since when: the workers page shows it
// so a queue that nobody works is visible.
import 'server-only';
import { store } from '../client';

export async function queuedRunsSummary(): Promise<{ count: number; oldestAt: string | null }> {
  const db = await store();
  const [count, oldest] = await Promise.all([
    db.run.count({ where: { status: 'queued' } }),
    db.run.findFirst({ where: { status: 'queued' }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } }),
  ]);
  return { count, oldestAt: oldest?.createdAt.toISOString() ?? null };
}
