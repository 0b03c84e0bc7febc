// The strategy choices the form offers per dialect, from the dialect facts
// (the planner refuses the others anyway, with the reason).
import { dialectFacts } from '@/lib/targets/dialect-facts';
import type { Dialect } from '@/lib/targets/target-url';

export const STRATEGY_LABEL: Record<string, string> = {
  auto: 'Automatic (recommended)',
  'heap-walk': 'Heap walk: TID ranges, physical order',
  'pk-range': 'Primary-key ranges, clustered order',
  keyset: 'Keyset: follow the expiry index',
};

export function strategyOptions(dialect: Dialect): string[] {
  return [...dialectFacts(dialect).cleanup.strategyChoices];
}
