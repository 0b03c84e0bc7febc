import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function RunNotFound() {
  return (
    <NotFoundPanel title="No such run" back={[{ href: '/runs', label: '← All runs' }, { href: '/', label: 'Overview' }]}>
      <p>No cleanup run has this id in the store. Runs are listed on the runs page and by <code>npx janitor runs list</code>.</p>
    </NotFoundPanel>
  );
}
