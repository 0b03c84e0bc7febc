// An address no page answers: shown inside the app's header, status 404.
import type { Metadata } from 'next';
import { currentUser } from '@/lib/auth/guard';
import { AppShell } from '@/components/layout/app-shell';
import { NotFoundPanel } from '@/components/layout/not-found-panel';

export const metadata: Metadata = { title: 'Page not found' };

export default async function NotFound() {
  const user = await currentUser();
  return (
    <AppShell user={user}>
      <NotFoundPanel title="No page at this address" back={[{ href: '/', label: '← Overview' }, { href: '/runs', label: 'Runs' }]}>
        <p>The address may be mistyped, or the page was moved. Everything Janitor shows starts from the overview.</p>
      </NotFoundPanel>
    </AppShell>
  );
}
