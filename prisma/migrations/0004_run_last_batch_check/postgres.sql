-- PostgreSQL twin of migration.sql: how to learn whether a stored batch's COMMIT on the target happened.
ALTER TABLE "Run" ADD COLUMN "lastBatchCheck" TEXT;
