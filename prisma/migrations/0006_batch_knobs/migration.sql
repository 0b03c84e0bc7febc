-- The run's settings (knobs) a batch ran with, stored on the first batch and
-- on each batch where an operator's change took effect; NULL on the others.
ALTER TABLE "Batch" ADD COLUMN "knobs" TEXT;
