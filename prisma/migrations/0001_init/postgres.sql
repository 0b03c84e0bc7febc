-- PostgreSQL twin of migration.sql: the same tables, columns and indexes in
-- Prisma's PostgreSQL types. DateTime is TIMESTAMP(3) holding UTC wall-clock
-- time, as @prisma/adapter-pg writes it; defaults are taken in UTC, whatever
-- the session's TimeZone (CURRENT_TIMESTAMP alone would be local wall-clock).

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginFailure" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),

    CONSTRAINT "LoginFailure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "detail" TEXT,
    "outcome" TEXT NOT NULL,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'cleanup',
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "preset" TEXT,
    "expiryColumn" TEXT,
    "expiryType" TEXT,
    "ttlSeconds" INTEGER,
    "cutoff" TIMESTAMP(3),
    "params" TEXT NOT NULL,
    "strategy" TEXT,
    "strategyReason" TEXT,
    "status" TEXT NOT NULL,
    "control" TEXT,
    "startedBy" TEXT NOT NULL,
    "owner" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "cursor" TEXT,
    "expiredAtStart" INTEGER,
    "totalDeleted" INTEGER NOT NULL DEFAULT 0,
    "batchCount" INTEGER NOT NULL DEFAULT 0,
    "throttle" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "activeSeconds" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Batch" (
    "id" SERIAL NOT NULL,
    "runId" TEXT NOT NULL,
    "n" INTEGER NOT NULL,
    "deleted" INTEGER NOT NULL,
    "ms" DOUBLE PRECISION NOT NULL,
    "size" INTEGER NOT NULL,
    "cursor" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),

    CONSTRAINT "Batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Operation" (
    "id" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "startedBy" TEXT NOT NULL,
    "owner" TEXT,
    "heartbeatAt" TIMESTAMP(3),
    "params" TEXT NOT NULL,
    "progress" TEXT,
    "beforeBytes" DOUBLE PRECISION,
    "afterBytes" DOUBLE PRECISION,
    "blockers" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Operation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SizeSample" (
    "id" SERIAL NOT NULL,
    "target" TEXT NOT NULL,
    "schema" TEXT NOT NULL,
    "table" TEXT NOT NULL,
    "totalBytes" DOUBLE PRECISION NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC'),

    CONSTRAINT "SizeSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "LoginFailure_key_at_idx" ON "LoginFailure"("key", "at");

-- CreateIndex
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");

-- CreateIndex
CREATE INDEX "Run_target_schema_table_status_idx" ON "Run"("target", "schema", "table", "status");

-- CreateIndex
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Batch_runId_n_key" ON "Batch"("runId", "n");

-- CreateIndex
CREATE INDEX "Operation_target_schema_table_status_idx" ON "Operation"("target", "schema", "table", "status");

-- CreateIndex
CREATE INDEX "SizeSample_target_at_idx" ON "SizeSample"("target", "at");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Batch" ADD CONSTRAINT "Batch_runId_fkey" FOREIGN KEY ("runId") REFERENCES "Run"("id") ON DELETE CASCADE ON UPDATE CASCADE;
