-- CreateEnum
CREATE TYPE "EscalationStep" AS ENUM ('dm_owner', 'remind_owner', 'tell_lead', 'tell_ceo');

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "escalateTo" TEXT NOT NULL DEFAULT 'channel',
ADD COLUMN     "escalateToCeoAfterDays" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "escalationGraceHours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "workdayEndHour" INTEGER NOT NULL DEFAULT 18,
ADD COLUMN     "workdayStartHour" INTEGER NOT NULL DEFAULT 9;

-- AlterTable
ALTER TABLE "Commitment" ADD COLUMN     "dependsOnId" INTEGER,
ADD COLUMN     "lastTouchedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "snoozedUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Blocker" ADD COLUMN     "waitingOnCommitmentId" INTEGER;

-- CreateTable
CREATE TABLE "CommitmentMention" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "commitmentId" INTEGER NOT NULL,
    "runId" INTEGER NOT NULL,
    "cadenceId" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CommitmentMention_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Escalation" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "commitmentId" INTEGER NOT NULL,
    "step" "EscalationStep" NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "sweepId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "CommitmentMention_cadenceId_runId_idx" ON "CommitmentMention"("cadenceId", "runId");

-- CreateIndex
CREATE UNIQUE INDEX "CommitmentMention_commitmentId_runId_key" ON "CommitmentMention"("commitmentId", "runId");

-- CreateIndex
CREATE INDEX "Escalation_sweepId_idx" ON "Escalation"("sweepId");

-- CreateIndex
CREATE UNIQUE INDEX "Escalation_commitmentId_step_dueAt_key" ON "Escalation"("commitmentId", "step", "dueAt");

-- CreateIndex
CREATE INDEX "Commitment_status_dueAt_idx" ON "Commitment"("status", "dueAt");

-- AddForeignKey
ALTER TABLE "Commitment" ADD CONSTRAINT "Commitment_dependsOnId_fkey" FOREIGN KEY ("dependsOnId") REFERENCES "Commitment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Blocker" ADD CONSTRAINT "Blocker_waitingOnCommitmentId_fkey" FOREIGN KEY ("waitingOnCommitmentId") REFERENCES "Commitment"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentMention" ADD CONSTRAINT "CommitmentMention_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

