-- CreateEnum
CREATE TYPE "NoticeKind" AS ENUM ('heads_up', 'help_request');

-- CreateTable
CREATE TABLE "HeldNotice" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" "NoticeKind" NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "HeldNotice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "HeldNotice_sentAt_workspaceId_idx" ON "HeldNotice"("sentAt", "workspaceId");

-- CreateIndex
CREATE INDEX "HeldNotice_workspaceId_userId_sentAt_idx" ON "HeldNotice"("workspaceId", "userId", "sentAt");

-- AddForeignKey
ALTER TABLE "HeldNotice" ADD CONSTRAINT "HeldNotice_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

