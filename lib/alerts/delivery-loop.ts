// The delivery loop: claims due deliveries from the store and sends them.
// Start it in every process that should send alerts (`janitor serve`, a
// worker); several loops on one store never send a delivery twice, since each
// claim is a guarded update only one of them wins. A delivery whose process
// died mid-send is claimed again once its lease has lapsed.
import 'server-only';
import { randomBytes } from 'node:crypto';
import { env } from '../env';
import { redact } from '../redact';
import { claimDue, pruneDeliveries } from '../store/alerts/deliveries';
import { ownerId } from '../store/work/ownership';
import { attemptDelivery, type DeliveryPolicy } from './attempt-delivery';
import { deliveryWakers } from './enqueue';

const BATCH = 10;
/** Settled deliveries are kept this long, and pruned about once an hour. */
const KEEP_DAYS = 30;
const PRUNE_MS = 3_600_000;

export function deliveryPolicy(over: Partial<DeliveryPolicy> = {}): DeliveryPolicy {
  const e = env();
  return {
    maxAttempts: over.maxAttempts ?? e.JANITOR_ALERT_ATTEMPTS,
    backoffMs: over.backoffMs ?? e.JANITOR_ALERT_BACKOFF_SECONDS * 1000,
    timeoutMs: over.timeoutMs ?? e.JANITOR_ALERT_TIMEOUT_SECONDS * 1000,
  };
}

/** A claim outlives the POST's timeout by this much before another process may take the delivery over. */
const leaseMs = (p: DeliveryPolicy) => p.timeoutMs + 30_000;

/** Works every due delivery once (claimed in batches); returns how many attempts it made. */
export async function workDueDeliveries(o: { owner: string; policy: DeliveryPolicy }): Promise<number> {
  let n = 0;
  for (;;) {
    const claimed = await claimDue({ owner: o.owner, limit: BATCH, leaseMs: leaseMs(o.policy) });
    for (const d of claimed) await attemptDelivery(d, o.owner, o.policy);
    n += claimed.length;
    if (claimed.length < BATCH) return n;
  }
}

/** Claims one delivery and attempts it now, if it is due (the settings page's "Send test"). */
export async function deliverNow(deliveryId: number, over: Partial<DeliveryPolicy> = {}) {
  const policy = deliveryPolicy(over);
  const owner = ownerId(`alert-${randomBytes(4).toString('hex')}`);
  const [d] = await claimDue({ owner, limit: 1, leaseMs: leaseMs(policy), id: deliveryId });
  return d ? attemptDelivery(d, owner, policy) : null;
}

/**
 * Starts the loop in this process; returns a function that stops it (and
 * resolves once the attempt under way has been settled). Enqueueing in this
 * process wakes it at once; otherwise it polls every `pollMs`.
 */
export function startAlertDelivery(o: { pollMs?: number; policy?: Partial<DeliveryPolicy>; log?: (m: string) => void } = {}): () => Promise<void> {
  const policy = deliveryPolicy(o.policy);
  const pollMs = o.pollMs ?? 2_000;
  const log = o.log ?? ((m: string) => console.error(m));
  const owner = ownerId(`alerts-${randomBytes(4).toString('hex')}`);
  let stopped = false;
  let wake: (() => void) | null = null;
  // Set by a wake-up that came while a round was under way: go round again at once.
  let again = false;
  const waker = () => {
    again = true;
    wake?.();
  };
  deliveryWakers.add(waker);

  let prunedAt = 0;
  const loop = (async () => {
    while (!stopped) {
      again = false;
      try {
        await workDueDeliveries({ owner, policy });
        if (Date.now() - prunedAt > PRUNE_MS) {
          prunedAt = Date.now();
          await pruneDeliveries(KEEP_DAYS);
        }
      } catch (e) {
        // A busy or briefly unreachable store: try again on the next round.
        log(`alerts: delivery round failed: ${redact(String((e as Error)?.message ?? e).split('\n')[0]!)}`);
      }
      if (stopped) break;
      if (again) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, pollMs);
        t.unref?.();
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return async () => {
    stopped = true;
    deliveryWakers.delete(waker);
    wake?.();
    await loop;
  };
}
