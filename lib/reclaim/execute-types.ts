// What startReclaim takes and what a reclaim operation ends with.
import type { ReclaimMode, ReclaimParamsInput } from '../schemas/reclaim';
import type { AttemptOutcome, Blocker, ReclaimTable } from './driver';
import type { ReclaimEvent } from './events';
import type { ReclaimPlan } from './plan';
import type { TargetSelection } from './preflight';

export type ReclaimResult = {
  operationId: string;
  status: 'completed' | 'failed';
  target: string;
  schema: string;
  table: string;
  mode: ReclaimMode;
  /** total size before and after (pg_total_relation_size / DATA_LENGTH + INDEX_LENGTH); null when it could not be measured */
  beforeBytes: number | null;
  afterBytes: number | null;
  /** wall time of the whole operation, seconds, including lock waits and retry pauses */
  seconds: number;
  attempts: number;
  /** why it failed; null when completed */
  reason: Extract<AttemptOutcome, { ok: false }>['reason'] | null;
  error: string | null;
  /** who kept it from its lock when it gave up for that reason */
  blockers: Blocker[];
  /** server notes, e.g. OPTIMIZE TABLE's "doing recreate + analyze instead" */
  messages: string[];
  /** false when the store row was taken away meanwhile (marked interrupted by another process) */
  recorded: boolean;
};

export type StartReclaimInput = {
  target: TargetSelection;
  /** default: public on PostgreSQL, the URL's database on MySQL */
  schema?: string;
  table: string;
  /** validated here (reclaimParamsSchema): form fields and flags arrive as typed */
  params: ReclaimParamsInput | Record<string, unknown>;
  /** username, or "cli" */
  startedBy: string;
  onEvent?: (e: ReclaimEvent) => void;
  /** aborting cancels the running statement on the server */
  signal?: AbortSignal;
  /** how often progress is read from the server (default 500 ms) */
  pollMs?: number;
};

export type StartedReclaim = {
  operationId: string;
  facts: ReclaimTable;
  plan: ReclaimPlan;
  /** settles when the operation ends; never rejects */
  done: Promise<ReclaimResult>;
};
