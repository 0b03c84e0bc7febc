-- Size history on a schedule (lib/history): more figures per sample, a
-- resolution for the daily rollup, and a slot per target and interval that a
-- sampling process claims before it samples, so several processes take one.
ALTER TABLE "SizeSample" ADD COLUMN "indexBytes" DOUBLE PRECISION;
ALTER TABLE "SizeSample" ADD COLUMN "deadRows" DOUBLE PRECISION;
ALTER TABLE "SizeSample" ADD COLUMN "rowEstimate" DOUBLE PRECISION;
ALTER TABLE "SizeSample" ADD COLUMN "expiredRows" DOUBLE PRECISION;
ALTER TABLE "SizeSample" ADD COLUMN "liveRows" DOUBLE PRECISION;
ALTER TABLE "SizeSample" ADD COLUMN "resolution" TEXT NOT NULL DEFAULT 'fine';

CREATE INDEX "SizeSample_target_schema_table_at_idx" ON "SizeSample"("target", "schema", "table", "at");

CREATE TABLE "SizeSampleSlot" (
    "id" SERIAL NOT NULL,
    "target" TEXT NOT NULL,
    "bucketStart" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "claimedBy" TEXT NOT NULL,
    "error" TEXT,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SizeSampleSlot_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "SizeSampleSlot_target_bucketStart_key" ON "SizeSampleSlot"("target", "bucketStart");
