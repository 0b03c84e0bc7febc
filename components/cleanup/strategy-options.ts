// The strategy choices the form offers per dialect (the planner refuses the
// others anyway, with the reason).
import type { Dialect } from '@/lib/targets/target-url';

export const STRATEGY_LABEL: Record<string, string> = {
  auto: 'Automatic (recommended)',
  'heap-walk': 'Heap walk: TID ranges, physical order',
  'pk-range': 'Primary-key ranges, clustered order',
  keyset: 'Keyset: follow the expiry index',
};

export function strategyOptions(dialect: Dialect): string[] {
  return dialect === 'postgres' ? ['auto', 'heap-walk', 'keyset'] : ['auto', 'pk-range', 'keyset'];
}
