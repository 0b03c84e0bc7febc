-- A cleanup batch is stored before its COMMIT on the target, with what it
-- takes to learn afterwards whether that COMMIT happened (see write-runs.ts).
ALTER TABLE "Run" ADD COLUMN "lastBatchCheck" TEXT;
