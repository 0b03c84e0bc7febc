// Entry of the web server's worker thread (see instrumentation.ts). The web
// server's own code is bundled by Next; the worker runs the TypeScript sources
// instead, as the CLI does, on a thread with its own event loop, so report
// renders never hold up a run's batches (bench/load-viewers.ts).
await import('../runtime/run-sources.mjs');
await import('./worker-thread-main.ts');
