// How many rows the cleanup loop's next batch asks for: deleteCount, or in
// adaptive mode (targetBatchMs) a size that keeps batches near that duration,
// never above what fitted after a lock or statement timeout.
import type { CleanupParams } from '../schemas/cleanup-params';

/** Adaptive batches stay within these sizes. */
export const ADAPTIVE_MIN_SIZE = 10;
export const ADAPTIVE_MAX_SIZE = 100_000;

export class BatchSizer {
  /** rows the next batch asks for */
  size: number;
  /** the deleteCount the size was last reset from */
  private from: number;
  /** rows per ms, weighted over recent batches (adaptive mode) */
  private rate: number | null = null;
  /** ceiling set by a statement timeout; cleared when the operator changes deleteCount */
  private timeoutCap: number | null = null;

  constructor(deleteCount: number) {
    this.size = deleteCount;
    this.from = deleteCount;
  }

  /** Fixed size from deleteCount, or the adaptive size; a changed deleteCount restarts from the new value. */
  resize(p: CleanupParams): void {
    if (p.deleteCount !== this.from) {
      this.from = p.deleteCount;
      this.size = p.deleteCount;
      this.rate = null;
      this.timeoutCap = null;
    }
    if (p.targetBatchMs === null) {
      this.size = p.deleteCount;
      this.rate = null;
    }
    if (this.timeoutCap !== null) this.size = Math.min(this.size, this.timeoutCap);
  }

  /**
   * pt-online-schema-change's chunk-time: keep a weighted rows-per-ms rate and
   * size the next batch to take targetBatchMs at that rate, moving at most 2x
   * per batch so one slow batch (a lock wait) does not collapse the size.
   */
  adapt(p: CleanupParams, size: number, ms: number): void {
    if (p.targetBatchMs === null) return;
    const observed = size / Math.max(ms, 0.1);
    this.rate = this.rate === null ? observed : 0.75 * this.rate + 0.25 * observed;
    const want = this.rate * p.targetBatchMs;
    const next = Math.min(Math.max(want, size / 2), size * 2);
    this.size = Math.round(Math.min(ADAPTIVE_MAX_SIZE, Math.max(ADAPTIVE_MIN_SIZE, next)));
  }

  /** After a timeout: half the size, and no more than that until deleteCount changes. */
  halve(): void {
    this.size = Math.max(ADAPTIVE_MIN_SIZE, Math.floor(this.size / 2));
    this.timeoutCap = this.size;
  }
}
