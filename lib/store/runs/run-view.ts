// The plain shape of a run for pages, the event stream and the CLI (no Dates,
// no Prisma types, parsed JSON).
import type { CleanupParams } from '../../schemas/cleanup-params';

export type RunStatus = 'queued' | 'running' | 'paused' | 'completed' | 'cancelled' | 'failed' | 'interrupted';
export const ACTIVE_STATUSES: RunStatus[] = ['queued', 'running', 'paused'];
/**
 * Runs that can go on from their stored cursor with their original cutoff:
 * paused by an operator, interrupted by a dead process, failed (the database
 * was away longer than retryForSeconds), or cancelled (the CLI's Ctrl-C).
 */
export const RESUMABLE_STATUSES: RunStatus[] = ['paused', 'interrupted', 'failed', 'cancelled'];

export type ThrottleView = { state: 'running' | 'paused' | 'retrying'; reason: string | null; replicaLagSeconds: number | null; activeConnections: number | null } | null;

export type RunView = {
  id: string;
  kind: 'cleanup' | 'logout-all';
  target: string;
  schema: string;
  table: string;
  preset: string | null;
  expiryColumn: string | null;
  expiryType: string | null;
  ttlSeconds: number | null;
  /** zone the run reads naive expiry timestamps in; null for instants and epochs */
  timestampZone: string | null;
  cutoff: string | null;
  params: CleanupParams;
  strategy: string | null;
  strategyReason: string | null;
  status: RunStatus;
  control: string | null;
  startedBy: string;
  expiredAtStart: number | null;
  totalDeleted: number;
  batchCount: number;
  throttle: ThrottleView;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  activeSeconds: number;
  /** worked by the fleet (web, schedule, --detach): taken over, not interrupted, when its worker dies */
  detached: boolean;
  /** how often another worker took it over after its worker died */
  takeovers: number;
  scheduleId: string | null;
  /** a queued run with no live worker to take it (set by getRun) */
  noWorker?: boolean;
};

type RunRow = {
  id: string; kind: string; target: string; schema: string; table: string; preset: string | null; expiryColumn: string | null;
  expiryType: string | null; ttlSeconds: number | null; timestampZone?: string | null; cutoff: Date | null; params: string; strategy: string | null; strategyReason: string | null;
  status: string; control: string | null; startedBy: string; expiredAtStart: number | null; totalDeleted: number; batchCount: number;
  throttle: string | null; error: string | null; createdAt: Date; startedAt: Date | null; finishedAt: Date | null; heartbeatAt: Date | null; activeSeconds: number;
  detached?: boolean; takeovers?: number; scheduleId?: string | null;
};

export function toRunView(r: RunRow): RunView {
  return {
    id: r.id,
    kind: r.kind as RunView['kind'],
    target: r.target,
    schema: r.schema,
    table: r.table,
    preset: r.preset,
    expiryColumn: r.expiryColumn,
    expiryType: r.expiryType,
    ttlSeconds: r.ttlSeconds,
    timestampZone: r.timestampZone ?? null,
    cutoff: r.cutoff?.toISOString() ?? null,
    params: JSON.parse(r.params) as CleanupParams,
    strategy: r.strategy,
    strategyReason: r.strategyReason,
    status: r.status as RunStatus,
    control: r.control,
    startedBy: r.startedBy,
    expiredAtStart: r.expiredAtStart,
    totalDeleted: r.totalDeleted,
    batchCount: r.batchCount,
    throttle: r.throttle ? (JSON.parse(r.throttle) as ThrottleView) : null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    heartbeatAt: r.heartbeatAt?.toISOString() ?? null,
    activeSeconds: r.activeSeconds,
    detached: r.detached ?? false,
    takeovers: r.takeovers ?? 0,
    scheduleId: r.scheduleId ?? null,
  };
}

/** The settings an operator can change mid-run, as a batch ran with them. */
export type BatchKnobs = Pick<CleanupParams, 'deleteCount' | 'sleepSeconds' | 'iterationCount' | 'maxRuntimeSeconds' | 'targetBatchMs' | 'maxReplicaLagSeconds' | 'maxActiveConnections'>;

export const KNOB_KEYS = ['deleteCount', 'sleepSeconds', 'iterationCount', 'maxRuntimeSeconds', 'targetBatchMs', 'maxReplicaLagSeconds', 'maxActiveConnections'] as const;

export function knobsOf(params: CleanupParams): BatchKnobs {
  return Object.fromEntries(KNOB_KEYS.map((k) => [k, params[k]])) as BatchKnobs;
}

/** knobs: the settings from this batch on, on the first batch and where a change took effect; else absent. */
export type BatchView = { n: number; deleted: number; ms: number; size: number; at: string; knobs?: BatchKnobs };
