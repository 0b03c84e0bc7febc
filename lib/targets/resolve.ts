// A target from the CLI's --url or --target (or a configured name from the web).
import 'server-only';
import type { TargetAdapter } from './adapter';
import { parseTargetUrl } from './target-url';
import { adapterFor, getTarget } from './registry';

export function resolveTarget(sel: { url?: string; target?: string }): TargetAdapter {
  if (sel.url) return adapterFor(parseTargetUrl('url', sel.url, '--url'));
  return getTarget(sel.target!);
}
