import { NotFoundPanel } from '@/components/layout/not-found-panel';

export default function OperationNotFound() {
  return (
    <NotFoundPanel title="No such operation" back={[{ href: '/operations', label: '← All operations' }, { href: '/', label: 'Overview' }]}>
      <p>No reclaim operation (VACUUM, ANALYZE, OPTIMIZE) has this id in the store.</p>
    </NotFoundPanel>
  );
}
