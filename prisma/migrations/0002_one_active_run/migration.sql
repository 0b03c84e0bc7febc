-- At most one active run per target table, whichever process (web, CLI) starts
-- it. The target database's advisory lock guards the same thing on the target;
-- this index guards the store (and the embedded demo, where PGlite has a single
-- backend and so advisory locks are shared by every connection).
-- Prisma's schema language cannot express a partial index, hence hand-written.
CREATE UNIQUE INDEX "Run_one_active_per_table" ON "Run"("target", "schema", "table") WHERE "status" IN ('queued', 'running', 'paused');

-- Likewise one maintenance operation per table at a time.
CREATE UNIQUE INDEX "Operation_one_active_per_table" ON "Operation"("target", "schema", "table") WHERE "status" IN ('queued', 'running');
