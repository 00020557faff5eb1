-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "key" TEXT,
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "queue" TEXT NOT NULL DEFAULT 'slack_message',
ALTER COLUMN "text" SET DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_key_key" ON "OutboxMessage"("key");

