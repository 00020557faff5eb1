-- CreateEnum
CREATE TYPE "ReviewState" AS ENUM ('changes_requested', 'approved', 'requested');

-- AlterEnum
ALTER TYPE "SlipRisk" ADD VALUE 'in_review';

-- AlterEnum
ALTER TYPE "LinkKind" ADD VALUE 'linear_issue';

-- AlterTable
ALTER TABLE "CommitmentLink" ADD COLUMN     "offeredDue" TEXT,
ADD COLUMN     "review" "ReviewState",
ADD COLUMN     "reviewSince" TIMESTAMPTZ(3),
ADD COLUMN     "reviewer" TEXT;

-- CreateTable
CREATE TABLE "LinearTeam" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "connectedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LinearTeam_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GitHubLogin" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "slackUserId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GitHubLogin_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LinearTeam_workspaceId_idx" ON "LinearTeam"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "LinearTeam_key_workspaceId_key" ON "LinearTeam"("key", "workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "GitHubLogin_workspaceId_login_key" ON "GitHubLogin"("workspaceId", "login");

-- CreateIndex
CREATE UNIQUE INDEX "GitHubLogin_workspaceId_slackUserId_key" ON "GitHubLogin"("workspaceId", "slackUserId");

-- AddForeignKey
ALTER TABLE "LinearTeam" ADD CONSTRAINT "LinearTeam_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GitHubLogin" ADD CONSTRAINT "GitHubLogin_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

