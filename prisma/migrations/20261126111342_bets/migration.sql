-- CreateEnum
CREATE TYPE "BetStatus" AS ENUM ('open', 'achieved', 'dropped');

-- AlterEnum
ALTER TYPE "IdKind" ADD VALUE 'bet';

-- AlterTable
ALTER TABLE "Workstream" ADD COLUMN     "betId" INTEGER;

-- CreateTable
CREATE TABLE "Bet" (
    "id" SERIAL NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "targetDate" TIMESTAMPTZ(3),
    "status" "BetStatus" NOT NULL DEFAULT 'open',
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Bet_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Bet_workspaceId_number_key" ON "Bet"("workspaceId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Bet_workspaceId_id_key" ON "Bet"("workspaceId", "id");

-- AddForeignKey
ALTER TABLE "Bet" ADD CONSTRAINT "Bet_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workstream" ADD CONSTRAINT "Workstream_workspaceId_betId_fkey" FOREIGN KEY ("workspaceId", "betId") REFERENCES "Bet"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

