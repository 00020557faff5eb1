-- CreateEnum
CREATE TYPE "PersonKind" AS ENUM ('member', 'guest', 'bot', 'deactivated', 'external');

-- CreateEnum
CREATE TYPE "InboundStatus" AS ENUM ('received', 'handled', 'failed');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "kind" "PersonKind" NOT NULL DEFAULT 'member';

-- Every profile is read from Slack again on its next use, so that its kind
-- (member, guest, bot, deactivated, external) and admin flag are Slack's.
UPDATE "Person" SET "syncedAt" = NULL;

-- AlterTable
-- Handoffs recorded before this change could have come from a private DM:
-- they start private and unchased; the reporter can share them
-- (`/coo handoff share H3`).
ALTER TABLE "Handoff" ADD COLUMN     "chase" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "shared" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "InboundEvent" (
    "eventId" TEXT NOT NULL,
    "teamId" TEXT,
    "body" JSONB,
    "status" "InboundStatus" NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "lockedUntil" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "handledAt" TIMESTAMP(3),

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("eventId")
);

-- CreateIndex
CREATE INDEX "InboundEvent_status_lockedUntil_idx" ON "InboundEvent"("status", "lockedUntil");

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");

