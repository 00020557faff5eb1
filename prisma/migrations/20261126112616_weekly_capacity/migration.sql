-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "weeklyCapacity" INTEGER NOT NULL DEFAULT 5;

