import type { Dialect } from '@/lib/targets/target-url';

export const DIALECT_LABEL: Record<Dialect, string> = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB' };
