import type { OperationStatus } from '@/lib/reclaim/operation-view';
import { formatDuration } from '@/lib/format';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONE: Record<OperationStatus, BadgeTone> = { queued: 'neutral', running: 'info', completed: 'up', failed: 'down', interrupted: 'warning' };

const HELP: Record<OperationStatus, string> = {
  queued: 'waiting to start',
  running: 'waiting for its lock or running on the server',
  completed: 'finished',
  failed: 'stopped: the table is as it was',
  interrupted: 'the process running it stopped; the database finished or rolled back the statement on its own',
};

/** Operations often take seconds: "0.4 s" rather than "0s" below ten seconds. */
export function operationDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  return seconds < 10 ? `${seconds.toFixed(1)} s` : formatDuration(seconds);
}

export function OperationStatusBadge({ status }: { status: OperationStatus }) {
  return (
    <span data-testid="operation-status" data-status={status}>
      <Badge tone={TONE[status]} title={HELP[status]}>
        {status === 'running' && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
        {status}
      </Badge>
    </span>
  );
}
