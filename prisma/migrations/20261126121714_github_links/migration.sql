-- CreateEnum
CREATE TYPE "LinkKind" AS ENUM ('issue', 'pull_request');

-- CreateTable
CREATE TABLE "GitHubRepo" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "fullName" TEXT NOT NULL,
    "connectedById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GitHubRepo_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommitmentLink" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "commitmentId" INTEGER NOT NULL,
    "kind" "LinkKind" NOT NULL,
    "repo" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommitmentLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GitHubRepo_workspaceId_idx" ON "GitHubRepo"("workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "GitHubRepo_fullName_workspaceId_key" ON "GitHubRepo"("fullName", "workspaceId");

-- CreateIndex
CREATE INDEX "CommitmentLink_repo_number_idx" ON "CommitmentLink"("repo", "number");

-- CreateIndex
CREATE UNIQUE INDEX "CommitmentLink_workspaceId_repo_number_commitmentId_key" ON "CommitmentLink"("workspaceId", "repo", "number", "commitmentId");

-- AddForeignKey
ALTER TABLE "GitHubRepo" ADD CONSTRAINT "GitHubRepo_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentLink" ADD CONSTRAINT "CommitmentLink_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentLink" ADD CONSTRAINT "CommitmentLink_workspaceId_commitmentId_fkey" FOREIGN KEY ("workspaceId", "commitmentId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

