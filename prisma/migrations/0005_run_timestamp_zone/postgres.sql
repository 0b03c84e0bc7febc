-- PostgreSQL twin of migration.sql: the zone a run reads its table's naive timestamps in.
ALTER TABLE "Run" ADD COLUMN "timestampZone" TEXT;
