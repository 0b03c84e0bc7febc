-- Size history on a schedule (lib/history): more figures per sample, a
-- resolution for the daily rollup, and a slot per target and interval that a
-- sampling process claims before it samples, so several processes take one.
ALTER TABLE "SizeSample" ADD COLUMN "indexBytes" REAL;
ALTER TABLE "SizeSample" ADD COLUMN "deadRows" REAL;
ALTER TABLE "SizeSample" ADD COLUMN "rowEstimate" REAL;
ALTER TABLE "SizeSample" ADD COLUMN "expiredRows" REAL;
ALTER TABLE "SizeSample" ADD COLUMN "liveRows" REAL;
ALTER TABLE "SizeSample" ADD COLUMN "resolution" TEXT NOT NULL DEFAULT 'fine';

CREATE INDEX "SizeSample_target_schema_table_at_idx" ON "SizeSample"("target", "schema", "table", "at");

CREATE TABLE "SizeSampleSlot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "target" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "error" TEXT,
    "claimedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

CREATE UNIQUE INDEX "SizeSampleSlot_target_bucketStart_key" ON "SizeSampleSlot"("target", "bucketStart");
