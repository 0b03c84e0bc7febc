-- PostgreSQL twin of migration.sql: the run's settings a batch ran with, where they changed.
ALTER TABLE "Batch" ADD COLUMN "knobs" TEXT;
