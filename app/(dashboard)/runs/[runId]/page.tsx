// One run: live progress for everyone signed in, controls for operators.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireUser } from '@/lib/auth/guard';
import { loadRunState } from '@/lib/cleanup/run-state';
import { RunLive } from '@/components/runs/run-live';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ runId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { runId } = await params;
  return { title: `Run ${runId.slice(0, 12)}` };
}

export default async function RunPage({ params }: Props) {
  const user = await requireUser();
  const { runId } = await params;
  const state = runId.length <= 64 ? await loadRunState(runId) : null;
  if (!state) notFound();
  // Keyed by run so navigating between runs starts a fresh stream.
  return <RunLive key={state.run.id} initial={{ run: state.run, batches: state.batches }} knobBatches={state.knobBatches} canControl={user.role === 'operator'} />;
}
