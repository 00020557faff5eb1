-- Events become jobs of the one job system (decision 0021). Events not yet
-- handled are carried over to be handled; those handled keep their id, so a
-- late redelivery is still recognised.
INSERT INTO "OutboxMessage" ("queue", "workspaceId", "payload", "key", "status", "attempts", "nextAttemptAt", "createdAt", "sentAt")
SELECT 'slack_event', "teamId", "body", 'event:' || "eventId",
  CASE WHEN "status" = 'received' THEN 'pending'::"OutboxStatus" WHEN "status" = 'handled' THEN 'sent'::"OutboxStatus" ELSE 'failed'::"OutboxStatus" END,
  "attempts", "lockedUntil", "receivedAt", "handledAt"
FROM "InboundEvent"
ON CONFLICT ("key") DO NOTHING;

-- DropTable
DROP TABLE "InboundEvent";

-- DropEnum
DROP TYPE "InboundStatus";

