// Used by `prisma generate` only. The schema is applied by lib/store/migrate.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  datasource: { url: 'file:./data/janitor.db' },
});
