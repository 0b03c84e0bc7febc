// A target from the CLI's --url or --target (or a configured name from the web).
import 'server-only';
import type { TargetAdapter } from './adapter';
import { parseTargetUrl } from './target-url';
import { adapterFor, getTarget, targetConfig } from './registry';

export function resolveTarget(sel: { url?: string; target?: string }): TargetAdapter {
  if (sel.url) return adapterFor(parseTargetUrl('url', sel.url, '--url'));
  return getTarget(sel.target!);
}

/**
 * How runs and operations name their target in the store: the configured name,
 * or for an ad-hoc --url its host, port and database (never the credentials),
 * so two different --url databases never share a run history or a lock row.
 */
/** public on PostgreSQL, the URL's database on MySQL. */
export function defaultSchemaOf(sel: { url?: string; target?: string }): string {
  return sel.url ? parseTargetUrl('url', sel.url, '--url').defaultSchema : targetConfig(sel.target!).defaultSchema;
}

export function targetKey(sel: { url?: string; target?: string }): string {
  if (sel.url) {
    const c = parseTargetUrl('url', sel.url, '--url');
    const u = new URL(c.url);
    return `url:${c.host}:${u.port || (c.dialect === 'postgres' ? 5432 : 3306)}/${c.database}`;
  }
  return targetConfig(sel.target!).name;
}
