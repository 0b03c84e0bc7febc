-- The fleet (issue: schedules and workers): runs worked from a queue and taken
-- over when their worker dies, the workers themselves, and schedules with the
-- record of each occurrence.
ALTER TABLE "Run" ADD COLUMN "detached" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Run" ADD COLUMN "takeovers" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Run" ADD COLUMN "scheduleId" TEXT;
ALTER TABLE "Run" ADD COLUMN "after" TEXT;

CREATE TABLE "Worker" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "running" TEXT NOT NULL DEFAULT '[]',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "Worker_heartbeatAt_idx" ON "Worker"("heartbeatAt");

CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "spec" TEXT NOT NULL,
    "params" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "tz" TEXT NOT NULL,
    "then" TEXT,
    "until" TEXT,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checkedTo" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "Schedule_paused_idx" ON "Schedule"("paused");

CREATE TABLE "ScheduleOccurrence" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "scheduleId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "runId" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ScheduleOccurrence_scheduleId_fkey" FOREIGN KEY ("scheduleId") REFERENCES "Schedule" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ScheduleOccurrence_scheduleId_dueAt_key" ON "ScheduleOccurrence"("scheduleId", "dueAt");
CREATE INDEX "ScheduleOccurrence_scheduleId_at_idx" ON "ScheduleOccurrence"("scheduleId", "at");
