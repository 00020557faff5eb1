-- CreateEnum
CREATE TYPE "CommitmentStatus" AS ENUM ('open', 'done', 'dropped');

-- CreateEnum
CREATE TYPE "ChangeKind" AS ENUM ('created', 'redated', 'reassigned', 'done', 'dropped');

-- CreateEnum
CREATE TYPE "BlockerStatus" AS ENUM ('open', 'resolved');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "syncedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "Counter" (
    "workspaceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" INTEGER NOT NULL,

    CONSTRAINT "Counter_pkey" PRIMARY KEY ("workspaceId","kind")
);

-- CreateTable
CREATE TABLE "Workstream" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Workstream_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Commitment" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "creatorId" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "originalDueAt" TIMESTAMP(3) NOT NULL,
    "status" "CommitmentStatus" NOT NULL DEFAULT 'open',
    "workstreamId" INTEGER,
    "channelId" TEXT,
    "sourcePermalink" TEXT,
    "doneAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Commitment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CommitmentChange" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "commitmentId" INTEGER NOT NULL,
    "actorId" TEXT NOT NULL,
    "kind" "ChangeKind" NOT NULL,
    "fromDueAt" TIMESTAMP(3),
    "toDueAt" TIMESTAMP(3),
    "fromOwnerId" TEXT,
    "toOwnerId" TEXT,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommitmentChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Blocker" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "reporterId" TEXT NOT NULL,
    "waitingOnId" TEXT,
    "waitingOnText" TEXT,
    "status" "BlockerStatus" NOT NULL DEFAULT 'open',
    "channelId" TEXT,
    "sourcePermalink" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,

    CONSTRAINT "Blocker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Workstream_workspaceId_name_key" ON "Workstream"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "Commitment_workspaceId_status_dueAt_idx" ON "Commitment"("workspaceId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Commitment_workspaceId_ownerId_status_dueAt_idx" ON "Commitment"("workspaceId", "ownerId", "status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Commitment_workspaceId_number_key" ON "Commitment"("workspaceId", "number");

-- CreateIndex
CREATE INDEX "CommitmentChange_commitmentId_at_idx" ON "CommitmentChange"("commitmentId", "at");

-- CreateIndex
CREATE INDEX "Blocker_workspaceId_status_openedAt_idx" ON "Blocker"("workspaceId", "status", "openedAt");

-- CreateIndex
CREATE INDEX "Blocker_workspaceId_waitingOnId_status_idx" ON "Blocker"("workspaceId", "waitingOnId", "status");

-- CreateIndex
CREATE INDEX "Blocker_workspaceId_reporterId_status_idx" ON "Blocker"("workspaceId", "reporterId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Blocker_workspaceId_number_key" ON "Blocker"("workspaceId", "number");

-- AddForeignKey
ALTER TABLE "Counter" ADD CONSTRAINT "Counter_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workstream" ADD CONSTRAINT "Workstream_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commitment" ADD CONSTRAINT "Commitment_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commitment" ADD CONSTRAINT "Commitment_workstreamId_fkey" FOREIGN KEY ("workstreamId") REFERENCES "Workstream"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentChange" ADD CONSTRAINT "CommitmentChange_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Blocker" ADD CONSTRAINT "Blocker_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

