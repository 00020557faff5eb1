-- AlterTable
ALTER TABLE "OutboxMessage" ALTER COLUMN "workspaceId" DROP NOT NULL;

