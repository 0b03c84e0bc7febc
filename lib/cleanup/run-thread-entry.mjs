// Entry of a run thread (see run-on-thread.ts). The web server's own code is
// bundled by Next; a thread runs the TypeScript sources instead, as the CLI does.
await import('../runtime/run-sources.mjs');
await import('./run-thread-main.ts');
