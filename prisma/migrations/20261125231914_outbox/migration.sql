-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sending', 'sent', 'failed');

-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'claimed';

-- AlterTable
ALTER TABLE "CadenceRun" ADD COLUMN     "leaseUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channel" TEXT,
    "userId" TEXT,
    "threadTs" TEXT,
    "text" TEXT NOT NULL,
    "blocks" JSONB,
    "purpose" TEXT,
    "runId" INTEGER,
    "cadenceId" INTEGER,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lockedBy" TEXT,
    "lockedUntil" TIMESTAMP(3),
    "sentChannel" TEXT,
    "sentTs" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OutboxPace" (
    "key" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OutboxPace_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_runId_idx" ON "OutboxMessage"("runId");

