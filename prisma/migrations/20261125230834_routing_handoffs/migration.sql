-- CreateEnum
CREATE TYPE "HandoffStatus" AS ENUM ('open', 'done', 'dropped');

-- CreateTable
CREATE TABLE "RoutedQuestion" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "messageTs" TEXT NOT NULL,
    "askerId" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "decidedBy" TEXT NOT NULL,
    "seatHolderId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoutedQuestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Handoff" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "what" TEXT NOT NULL,
    "fromId" TEXT,
    "fromText" TEXT,
    "toId" TEXT,
    "toText" TEXT,
    "since" TIMESTAMP(3) NOT NULL,
    "status" "HandoffStatus" NOT NULL DEFAULT 'open',
    "reporterId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,

    CONSTRAINT "Handoff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HandoffNudge" (
    "id" SERIAL NOT NULL,
    "handoffId" INTEGER NOT NULL,
    "step" TEXT NOT NULL,
    "recipientId" TEXT NOT NULL,
    "sweepId" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "HandoffNudge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RoutedQuestion_workspaceId_channelId_messageTs_key" ON "RoutedQuestion"("workspaceId", "channelId", "messageTs");

-- CreateIndex
CREATE INDEX "Handoff_status_since_idx" ON "Handoff"("status", "since");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_workspaceId_number_key" ON "Handoff"("workspaceId", "number");

-- CreateIndex
CREATE INDEX "HandoffNudge_sweepId_idx" ON "HandoffNudge"("sweepId");

-- CreateIndex
CREATE UNIQUE INDEX "HandoffNudge_handoffId_step_key" ON "HandoffNudge"("handoffId", "step");

-- AddForeignKey
ALTER TABLE "HandoffNudge" ADD CONSTRAINT "HandoffNudge_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE CASCADE ON UPDATE CASCADE;

