// A process that only runs the alert delivery loop on DATABASE_URL's store,
// as a second worker would; prints "ready" once started and stops on SIGTERM.
// usage: node tests/helpers/alert-loop-process.mjs
await import('../../lib/runtime/run-sources.mjs');
const { startAlertDelivery } = await import('../../lib/alerts/delivery-loop.ts');
const stop = startAlertDelivery({ pollMs: 10, policy: { maxAttempts: 3, backoffMs: 50, timeoutMs: 5_000 } });
// The loop's timer does not keep a process alive on its own (a worker has its queue for that): this one does.
const keepAlive = setInterval(() => {}, 60_000);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  stop().then(() => process.exit(0));
});
