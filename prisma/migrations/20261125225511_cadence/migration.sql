-- CreateEnum
CREATE TYPE "CadenceKind" AS ENUM ('standup', 'review', 'planning');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('open', 'closed', 'skipped', 'failed');

-- AlterEnum
ALTER TYPE "ChangeKind" ADD VALUE 'confirmed';

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "oooUntil" TIMESTAMP(3),
ADD COLUMN     "standupViaDm" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Cadence" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "channelId" TEXT NOT NULL,
    "kind" "CadenceKind" NOT NULL,
    "time" TEXT NOT NULL,
    "days" INTEGER[],
    "timezone" TEXT NOT NULL,
    "questions" TEXT[],
    "participants" TEXT[],
    "remindAfterMinutes" INTEGER NOT NULL DEFAULT 120,
    "closeAfterMinutes" INTEGER NOT NULL DEFAULT 240,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "activeFrom" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cadence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CadenceRun" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "cadenceId" INTEGER NOT NULL,
    "slot" TIMESTAMP(3) NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'open',
    "note" TEXT,
    "channelId" TEXT NOT NULL,
    "rootTs" TEXT,
    "participants" TEXT[],
    "claimedBy" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remindedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "CadenceRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StandupAnswer" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "runId" INTEGER NOT NULL,
    "userId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "messageTs" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "permalink" TEXT,
    "commitmentNumbers" INTEGER[],
    "blockerNumbers" INTEGER[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StandupAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SkipDay" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SkipDay_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Cadence_workspaceId_number_key" ON "Cadence"("workspaceId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Cadence_workspaceId_channelId_kind_key" ON "Cadence"("workspaceId", "channelId", "kind");

-- CreateIndex
CREATE INDEX "CadenceRun_status_slot_idx" ON "CadenceRun"("status", "slot");

-- CreateIndex
CREATE INDEX "CadenceRun_channelId_rootTs_idx" ON "CadenceRun"("channelId", "rootTs");

-- CreateIndex
CREATE UNIQUE INDEX "CadenceRun_cadenceId_slot_key" ON "CadenceRun"("cadenceId", "slot");

-- CreateIndex
CREATE INDEX "StandupAnswer_runId_userId_idx" ON "StandupAnswer"("runId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "StandupAnswer_runId_messageTs_key" ON "StandupAnswer"("runId", "messageTs");

-- CreateIndex
CREATE UNIQUE INDEX "SkipDay_workspaceId_channelId_date_key" ON "SkipDay"("workspaceId", "channelId", "date");

-- AddForeignKey
ALTER TABLE "Cadence" ADD CONSTRAINT "Cadence_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CadenceRun" ADD CONSTRAINT "CadenceRun_cadenceId_fkey" FOREIGN KEY ("cadenceId") REFERENCES "Cadence"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandupAnswer" ADD CONSTRAINT "StandupAnswer_runId_fkey" FOREIGN KEY ("runId") REFERENCES "CadenceRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

