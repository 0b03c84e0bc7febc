import { listTargets } from '@/lib/targets/registry';
import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function UnknownTarget() {
  const targets = listTargets();
  return (
    <NotFoundPanel title="Unknown target" back={[{ href: '/', label: '← Overview' }, ...targets.slice(0, 5).map((t) => ({ href: `/targets/${t.name}`, label: t.name }))]}>
      <p>
        No database with that name is configured. Targets come from <code>JANITOR_TARGET_&lt;NAME&gt;</code> variables
        {targets.length ? `; configured: ${targets.map((t) => t.name).join(', ')}.` : '.'}
      </p>
    </NotFoundPanel>
  );
}
