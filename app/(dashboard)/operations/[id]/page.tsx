// One reclaim operation: live progress for everyone signed in, Cancel for operators.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth/guard';
import { getOperation } from '@/lib/store/operations/read-operations';
import { OperationLive } from '@/components/operations/operation-live';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Operation ${id.slice(0, 12)}` };
}

export default async function OperationPage({ params }: Props) {
  const user = await requireUser();
  const { id } = await params;
  // An operation whose process died shows as interrupted rather than running forever.
  const op = id.length <= 64 ? await getOperation(id) : null;
  if (!op) notFound();
  // Keyed by operation so navigating between them starts a fresh stream.
  return <OperationLive key={op.id} initial={op} canControl={user.role === 'operator'} />;
}
