import type { ReactNode } from 'react';
import { Nav } from '@/components/layout/nav';
import { requireUser } from '@/lib/auth/guard';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <Nav user={user} />
      <main className="mx-auto max-w-7xl space-y-6 px-6 py-6">{children}</main>
    </>
  );
}
