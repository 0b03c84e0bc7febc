// The cleanup loop's throttle gate (engine.ts): before each batch, pause while
// replica lag or active connections are above the operator's limits, polling
// the signals and reporting each pause, and report what the batch ran under.
import type { CleanupParams } from '../schemas/cleanup-params';
import type { ThrottleSignals } from './driver';
import type { ThrottleState } from './engine-types';

/** How often a paused run re-reads the throttle signals. */
const PAUSE_POLL_MS = 1_000;

export type ThrottleHost = {
  now(): number;
  /** re-read on every poll: the operator may change the limits while paused */
  getParams(): CleanupParams;
  /** reads (and remembers) the current signals, retrying transient errors */
  readSignals(): Promise<ThrottleSignals>;
  state(state: ThrottleState['state'], reason: string | null, waitedMs: number): ThrottleState;
  /** reports a pause before waiting it out */
  paused(state: ThrottleState): Promise<void>;
  wait(targetMs: () => number): Promise<void>;
};

/** Why the limits hold the run back now; empty when it may go on. */
export function throttleReasons(p: CleanupParams, s: ThrottleSignals): string[] {
  const { replicaLagSeconds: lag, activeConnections: active } = s;
  const reasons: string[] = [];
  if (p.maxReplicaLagSeconds !== null && lag !== null && lag > p.maxReplicaLagSeconds) {
    reasons.push(Number.isFinite(lag) ? `replica lag ${lag.toFixed(1)} s is above ${p.maxReplicaLagSeconds} s` : 'a replica is not replicating');
  }
  if (p.maxActiveConnections !== null && active > p.maxActiveConnections) {
    reasons.push(`${active} active connections, above the limit of ${p.maxActiveConnections}`);
  }
  return reasons;
}

/** Pauses while replica lag or active connections are above their limits. */
export async function passThrottle(host: ThrottleHost): Promise<ThrottleState> {
  const since = host.now();
  for (;;) {
    const p = host.getParams();
    if (p.maxReplicaLagSeconds === null && p.maxActiveConnections === null) {
      return host.state('running', null, host.now() - since);
    }
    const reasons = throttleReasons(p, await host.readSignals());
    const waited = host.now() - since;
    if (reasons.length === 0) return host.state('running', null, waited);
    await host.paused(host.state('paused', `paused: ${reasons.join('; ')}`, waited));
    await host.wait(() => PAUSE_POLL_MS);
  }
}

/** The state to report; lag is null rather than Infinity (a stopped replica) for the UI. */
export function throttleState(signals: ThrottleSignals | null, state: ThrottleState['state'], reason: string | null, waitedMs: number): ThrottleState {
  const lag = signals?.replicaLagSeconds ?? null;
  return {
    state,
    reason,
    replicaLagSeconds: lag !== null && Number.isFinite(lag) ? lag : null,
    activeConnections: signals?.activeConnections ?? null,
    waitedMs,
  };
}
