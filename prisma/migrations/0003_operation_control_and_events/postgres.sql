-- PostgreSQL twin of migration.sql: an operator's cancel, and the attempts that could not get their lock.
ALTER TABLE "Operation" ADD COLUMN "control" TEXT;
ALTER TABLE "Operation" ADD COLUMN "events" TEXT;
