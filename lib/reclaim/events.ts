// What a running reclaim reports to its caller (the CLI prints it, the web
// runner persists it and streams it). Plain JSON-safe objects.
import type { ReclaimMode } from '../schemas/reclaim';
import type { AttemptProgress, Blocker } from './driver';

export type ReclaimProgress = AttemptProgress & {
  /** 1-based attempt number, and how many attempts are allowed in all */
  attempt: number;
  attempts: number;
  /** done / total when both are known, 0..1 */
  fraction: number | null;
  /** seconds since this attempt started */
  attemptSeconds: number;
  /** seconds since the operation started (including lock waits and retry pauses) */
  elapsedSeconds: number;
};

export type ReclaimEvent =
  | { type: 'started'; operationId: string; mode: ReclaimMode; schema: string; table: string; beforeBytes: number }
  | ({ type: 'progress'; operationId: string } & ReclaimProgress)
  | {
      /** an attempt could not get its lock; another follows after a pause */
      type: 'retry';
      operationId: string;
      attempt: number;
      attempts: number;
      pauseSeconds: number;
      message: string;
      blockers: Blocker[];
    }
  | {
      /** the last attempt could not get its lock: the operation gives up, nothing was changed */
      type: 'blocked';
      operationId: string;
      attempts: number;
      message: string;
      blockers: Blocker[];
    };
