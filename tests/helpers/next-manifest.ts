// What the built app (.next) serves, read from Next's own manifests, so access
// tests cover every page, route handler and server action that exists, also
// the ones added after the tests were written.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type AppRoute = {
  /** URL pattern, e.g. /runs/[runId] */
  pattern: string;
  kind: 'page' | 'route';
  /** source file, relative to the project, e.g. app/(dashboard)/runs/[runId]/page.tsx */
  source: string;
  /** names of the dynamic segments, in order */
  params: string[];
  /** HTTP methods it answers: GET for pages, the exported handlers for route handlers */
  methods: string[];
};

export type ServerAction = {
  id: string;
  /** e.g. lib/actions/pause-run.ts */
  filename: string;
  exportedName: string;
  /** URL paths of pages that bind this action (where a browser would POST it) */
  pages: string[];
  /** the exported function's parameters as written in its source */
  parameters: { name: string; type: string }[];
};

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(root, '.next', file), 'utf8')) as T;
}

function sourceOf(entry: string): string {
  // "/(dashboard)/runs/[runId]/page" → app/(dashboard)/runs/[runId]/page.tsx (or .ts)
  for (const ext of ['.tsx', '.ts', '.jsx', '.js']) {
    const file = path.join('app', `${entry}${ext}`);
    try {
      readFileSync(path.join(root, file));
      return file;
    } catch {
      /* try the next extension */
    }
  }
  return path.join('app', entry);
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** The HTTP methods a route handler file exports (`export async function GET`, `export const POST =`, `export { GET }`). */
function handlerMethods(file: string): string[] {
  let src = '';
  try {
    src = readFileSync(path.join(root, file), 'utf8');
  } catch {
    return ['GET'];
  }
  const found = new Set<string>();
  for (const m of src.matchAll(/export\s+(?:async\s+)?(?:function|const|let)\s+([A-Z]+)\b/g)) if (METHODS.includes(m[1]!)) found.add(m[1]!);
  for (const m of src.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const name of m[1]!.split(',').map((x) => x.trim().split(/\s+as\s+/).pop()!)) if (METHODS.includes(name)) found.add(name);
  }
  return found.size ? [...found] : ['GET'];
}

/** Every page and route handler of the build, except Next's own error pages. */
export function appRoutes(): AppRoute[] {
  const manifest = readJson<Record<string, string>>('app-path-routes-manifest.json');
  return Object.entries(manifest)
    .filter(([entry]) => !entry.startsWith('/_'))
    .map(([entry, pattern]) => ({
      pattern,
      kind: entry.endsWith('/route') ? ('route' as const) : ('page' as const),
      source: sourceOf(entry),
      params: [...pattern.matchAll(/\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}/g)].map((m) => m[1]!),
      methods: entry.endsWith('/route') ? handlerMethods(sourceOf(entry)) : ['GET'],
    }))
    .sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * The pattern with its dynamic segments replaced. `value` gets the segment's
 * name and the static segment before it (/runs/[runId] → "runId", "runs");
 * an unknown segment throws, so a new route is never silently skipped.
 */
export function fillRoute(pattern: string, value: (name: string, after: string) => string | undefined): string {
  const parts = pattern.split('/');
  return parts
    .map((part, i) => {
      const m = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(part);
      if (!m) return part;
      const v = value(m[1]!, parts[i - 1] ?? '');
      if (v === undefined) throw new Error(`no value for the dynamic segment ${part} of ${pattern}: add one to the test`);
      return encodeURIComponent(v);
    })
    .join('/');
}

/**
 * Parameters of `export async function name(a: T, b: U)` in `file`. Enough
 * for the one-function-per-file actions of lib/actions; anything it cannot
 * read comes back empty and the caller falls back to a generic call.
 */
function parametersOf(file: string, exportedName: string): { name: string; type: string }[] {
  let src: string;
  try {
    src = readFileSync(path.join(root, file), 'utf8');
  } catch {
    return [];
  }
  const m = new RegExp(`export\\s+(?:async\\s+)?function\\s+${exportedName}\\s*\\(([^)]*)\\)`).exec(src);
  if (!m) return [];
  return m[1]!
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const [name, ...type] = p.split(':');
      return { name: name!.replace(/[?=].*$/, '').trim(), type: type.join(':').trim() };
    });
}

/** Every server action in the build, with the page paths that bind it. */
export function serverActions(): ServerAction[] {
  const manifest = readJson<{ node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }> }>(
    'server/server-reference-manifest.json',
  );
  const routes = readJson<Record<string, string>>('app-path-routes-manifest.json');
  return Object.entries(manifest.node)
    .map(([id, a]) => {
      const filename = a.filename ?? '';
      const exportedName = a.exportedName ?? '';
      return {
        id,
        filename,
        exportedName,
        // workers are keyed "app/(dashboard)/runs/[runId]/page"; the routes manifest knows its URL.
        pages: Object.keys(a.workers)
          .map((w) => routes[w.replace(/^app/, '')])
          .filter((p): p is string => Boolean(p)),
        parameters: parametersOf(filename, exportedName),
      };
    })
    .sort((a, b) => a.filename.localeCompare(b.filename) || a.exportedName.localeCompare(b.exportedName));
}
