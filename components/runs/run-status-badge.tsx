import type { RunStatus } from '@/lib/store/runs/run-view';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONE: Record<RunStatus, BadgeTone> = {
  queued: 'neutral',
  running: 'info',
  paused: 'warning',
  completed: 'up',
  cancelled: 'neutral',
  failed: 'down',
  interrupted: 'warning',
};

const HELP: Record<RunStatus, string> = {
  queued: 'waiting to start',
  running: 'deleting expired rows in batches',
  paused: 'stopped after a batch; resume continues from there',
  completed: 'finished',
  cancelled: 'stopped for good by an operator',
  failed: 'stopped by an error',
  interrupted: 'the process running it stopped; resume continues from the last batch',
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <span data-testid="run-status" data-status={status}>
      <Badge tone={TONE[status]} title={HELP[status]}>
        {status === 'running' && <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-sky-500" />}
        {status}
      </Badge>
    </span>
  );
}
