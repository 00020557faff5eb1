-- CreateEnum
CREATE TYPE "PlanDraftStatus" AS ENUM ('proposed', 'confirmed', 'cancelled');

-- CreateTable
CREATE TABLE "PlanDraft" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "betId" INTEGER NOT NULL,
    "proposerId" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "status" "PlanDraftStatus" NOT NULL DEFAULT 'proposed',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlanDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PlanDraft_workspaceId_betId_idx" ON "PlanDraft"("workspaceId", "betId");

-- AddForeignKey
ALTER TABLE "PlanDraft" ADD CONSTRAINT "PlanDraft_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PlanDraft" ADD CONSTRAINT "PlanDraft_workspaceId_betId_fkey" FOREIGN KEY ("workspaceId", "betId") REFERENCES "Bet"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

