-- The zone a run reads its table's naive timestamps in (utc, server, an IANA
-- zone or an offset; NULL for instants and epochs), so a resume compares
-- exactly as the start did (lib/sessions/timestamp-zone.ts).
ALTER TABLE "Run" ADD COLUMN "timestampZone" TEXT;
