-- PostgreSQL twin of migration.sql: at most one active run per target table,
-- and one maintenance operation per table at a time (partial unique indexes).
CREATE UNIQUE INDEX "Run_one_active_per_table" ON "Run"("target", "schema", "table") WHERE "status" IN ('queued', 'running', 'paused');

CREATE UNIQUE INDEX "Operation_one_active_per_table" ON "Operation"("target", "schema", "table") WHERE "status" IN ('queued', 'running');
