-- CreateEnum
CREATE TYPE "ProposalKind" AS ENUM ('redate', 'reassign', 'mark_done', 'drop', 'raise_blocker', 'record_commitment', 'remind_me');

-- CreateEnum
CREATE TYPE "ProposalStatus" AS ENUM ('proposed', 'confirmed', 'cancelled');

-- CreateTable
CREATE TABLE "Proposal" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "askerId" TEXT NOT NULL,
    "kind" "ProposalKind" NOT NULL,
    "payload" JSONB NOT NULL,
    "channelId" TEXT NOT NULL,
    "decidedBy" "DecidedBy" NOT NULL,
    "status" "ProposalStatus" NOT NULL DEFAULT 'proposed',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Proposal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Proposal_workspaceId_status_idx" ON "Proposal"("workspaceId", "status");

-- AddForeignKey
ALTER TABLE "Proposal" ADD CONSTRAINT "Proposal_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

