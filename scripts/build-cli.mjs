#!/usr/bin/env node
// Bundles the CLI's TypeScript sources into plain JavaScript (dist/cli), so
// `janitor` starts without compiling anything. Run by `npm ci` (postinstall)
// and again by cli/janitor.mjs whenever a source changed since: the sources
// stay the one truth, the bundle is only a cache of them.
//
// Every output file is named by its content and written once (temp file +
// rename), and `current.json` — which names the entry and records each
// input's mtime and size — is replaced atomically last: CLIs starting while
// another one rebuilds read either the old complete bundle or the new one.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'cli');

// `import 'server-only'` keeps lib/ modules out of browser bundles; the CLI is server code.
const serverOnly = {
  name: 'server-only',
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: 'server-only', namespace: 'empty' }));
    b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
  },
};

function writeOnce(file, contents) {
  if (existsSync(file)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/** Earlier builds' files, once no CLI can still be starting from them. */
function removeOldFiles(keep) {
  for (const name of readdirSync(outdir)) {
    if (keep.has(name) || name === 'current.json') continue;
    const file = path.join(outdir, name);
    try {
      if (Date.now() - statSync(file).mtimeMs > 10 * 60_000) rmSync(file);
    } catch {
      // another build removed it first
    }
  }
}

export async function buildCli() {
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    outdir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true, // each command stays a chunk loaded on demand
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external', // node_modules load as installed (drivers, Prisma's runtime, Next)
    plugins: [serverOnly],
    metafile: true,
    write: false,
    logLevel: 'error',
    // Chunks are ESM; a few dependencies still call require().
    banner: { js: "import { createRequire as __janitorRequire } from 'node:module'; const require = __janitorRequire(import.meta.url);" },
  });
  mkdirSync(outdir, { recursive: true });
  let entry;
  for (const f of result.outputFiles) {
    writeOnce(f.path, f.contents);
    if (path.basename(f.path).startsWith('main-')) entry = path.basename(f.path);
  }
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), 'tsconfig.json']) {
    if (!existsSync(path.join(root, file))) continue; // the server-only stub
    const s = statSync(path.join(root, file));
    inputs[file] = [s.mtimeMs, s.size];
  }
  const tmp = path.join(outdir, `current.json.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ entry, inputs }));
  renameSync(tmp, path.join(outdir, 'current.json'));
  removeOldFiles(new Set(result.outputFiles.map((f) => path.basename(f.path))));
  return path.join(outdir, entry);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildCli();
}
