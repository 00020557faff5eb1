-- Schema rules (docs/decisions/0022-schema-rules.md): timestamps with a zone,
-- enums for closed sets, every workspace-owned row tied to its Workspace, and
-- references that cannot cross workspaces. Written by hand from Prisma's diff so
-- that existing rows keep their values: stored wall times were UTC, and enum
-- columns are converted in place rather than dropped and added.

-- CreateEnum
CREATE TYPE "EscalateTo" AS ENUM ('channel', 'lead');

-- CreateEnum
CREATE TYPE "IdKind" AS ENUM ('commitment', 'blocker', 'cadence', 'handoff');

-- CreateEnum
CREATE TYPE "AnswerVia" AS ENUM ('thread', 'dm');

-- CreateEnum
CREATE TYPE "SlipRisk" AS ENUM ('at_risk', 'overdue', 'drifting');

-- CreateEnum
CREATE TYPE "SeatLane" AS ENUM ('mission', 'budget', 'architecture');

-- CreateEnum
CREATE TYPE "DecidedBy" AS ENUM ('llm', 'rules');

-- CreateEnum
CREATE TYPE "ChaseStep" AS ENUM ('nudge_from', 'remind_from', 'tell_ceo');

-- CreateEnum
CREATE TYPE "MessagePurpose" AS ENUM ('standup_root');

-- DropForeignKey
ALTER TABLE "Commitment" DROP CONSTRAINT "Commitment_workstreamId_fkey";

-- DropForeignKey
ALTER TABLE "Commitment" DROP CONSTRAINT "Commitment_dependsOnId_fkey";

-- DropForeignKey
ALTER TABLE "CommitmentChange" DROP CONSTRAINT "CommitmentChange_commitmentId_fkey";

-- DropForeignKey
ALTER TABLE "Blocker" DROP CONSTRAINT "Blocker_waitingOnCommitmentId_fkey";

-- DropForeignKey
ALTER TABLE "CadenceRun" DROP CONSTRAINT "CadenceRun_cadenceId_fkey";

-- DropForeignKey
ALTER TABLE "StandupAnswer" DROP CONSTRAINT "StandupAnswer_runId_fkey";

-- DropForeignKey
ALTER TABLE "CommitmentMention" DROP CONSTRAINT "CommitmentMention_commitmentId_fkey";

-- DropForeignKey
ALTER TABLE "Escalation" DROP CONSTRAINT "Escalation_commitmentId_fkey";

-- DropForeignKey
ALTER TABLE "HandoffNudge" DROP CONSTRAINT "HandoffNudge_handoffId_fkey";

-- AlterTable
ALTER TABLE "Workspace" ALTER COLUMN "escalateTo" DROP DEFAULT,
ALTER COLUMN "escalateTo" SET DATA TYPE "EscalateTo" USING "escalateTo"::"EscalateTo",
ALTER COLUMN "escalateTo" SET DEFAULT 'channel',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Person" ALTER COLUMN "syncedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "syncedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "oooUntil" SET DATA TYPE TIMESTAMPTZ(3) USING "oooUntil" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "ProcessedEvent" ALTER COLUMN "receivedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "receivedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Counter" ALTER COLUMN "kind" SET DATA TYPE "IdKind" USING "kind"::"IdKind";

-- AlterTable
ALTER TABLE "Workstream" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Commitment" ALTER COLUMN "dueAt" SET DATA TYPE TIMESTAMPTZ(3) USING "dueAt" AT TIME ZONE 'UTC',
ALTER COLUMN "originalDueAt" SET DATA TYPE TIMESTAMPTZ(3) USING "originalDueAt" AT TIME ZONE 'UTC',
ALTER COLUMN "doneAt" SET DATA TYPE TIMESTAMPTZ(3) USING "doneAt" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "lastTouchedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "lastTouchedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "snoozedUntil" SET DATA TYPE TIMESTAMPTZ(3) USING "snoozedUntil" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "CommitmentChange" ALTER COLUMN "fromDueAt" SET DATA TYPE TIMESTAMPTZ(3) USING "fromDueAt" AT TIME ZONE 'UTC',
ALTER COLUMN "toDueAt" SET DATA TYPE TIMESTAMPTZ(3) USING "toDueAt" AT TIME ZONE 'UTC',
ALTER COLUMN "snoozedUntil" SET DATA TYPE TIMESTAMPTZ(3) USING "snoozedUntil" AT TIME ZONE 'UTC',
ALTER COLUMN "at" SET DATA TYPE TIMESTAMPTZ(3) USING "at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Blocker" ALTER COLUMN "openedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "openedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "resolvedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "resolvedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Cadence" ALTER COLUMN "pausedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "pausedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "activeFrom" SET DATA TYPE TIMESTAMPTZ(3) USING "activeFrom" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "CadenceRun" ALTER COLUMN "slot" SET DATA TYPE TIMESTAMPTZ(3) USING "slot" AT TIME ZONE 'UTC',
ALTER COLUMN "leaseUntil" SET DATA TYPE TIMESTAMPTZ(3) USING "leaseUntil" AT TIME ZONE 'UTC',
ALTER COLUMN "startedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "startedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "remindedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "remindedAt" AT TIME ZONE 'UTC',
ALTER COLUMN "closedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "closedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "StandupAnswer" ALTER COLUMN "via" SET DATA TYPE "AnswerVia" USING "via"::"AnswerVia",
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "SkipDay" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "CommitmentMention" ALTER COLUMN "at" SET DATA TYPE TIMESTAMPTZ(3) USING "at" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Escalation" ALTER COLUMN "dueAt" SET DATA TYPE TIMESTAMPTZ(3) USING "dueAt" AT TIME ZONE 'UTC',
ALTER COLUMN "reason" SET DATA TYPE "SlipRisk" USING "reason"::"SlipRisk",
ALTER COLUMN "sentAt" SET DATA TYPE TIMESTAMPTZ(3) USING "sentAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "RoutedQuestion" ALTER COLUMN "category" SET DATA TYPE "SeatLane" USING "category"::"SeatLane",
ALTER COLUMN "decidedBy" SET DATA TYPE "DecidedBy" USING "decidedBy"::"DecidedBy",
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Handoff" ALTER COLUMN "since" SET DATA TYPE TIMESTAMPTZ(3) USING "since" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "resolvedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "resolvedAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "HandoffNudge" ALTER COLUMN "step" SET DATA TYPE "ChaseStep" USING "step"::"ChaseStep",
ALTER COLUMN "sentAt" SET DATA TYPE TIMESTAMPTZ(3) USING "sentAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "OutboxMessage" ALTER COLUMN "purpose" SET DATA TYPE "MessagePurpose" USING "purpose"::"MessagePurpose",
ALTER COLUMN "nextAttemptAt" SET DATA TYPE TIMESTAMPTZ(3) USING "nextAttemptAt" AT TIME ZONE 'UTC',
ALTER COLUMN "lockedUntil" SET DATA TYPE TIMESTAMPTZ(3) USING "lockedUntil" AT TIME ZONE 'UTC',
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "sentAt" SET DATA TYPE TIMESTAMPTZ(3) USING "sentAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "OutboxPace" ALTER COLUMN "nextAt" SET DATA TYPE TIMESTAMPTZ(3) USING "nextAt" AT TIME ZONE 'UTC';

-- AlterTable
ALTER TABLE "Installation" ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(3) USING "createdAt" AT TIME ZONE 'UTC',
ALTER COLUMN "updatedAt" SET DATA TYPE TIMESTAMPTZ(3) USING "updatedAt" AT TIME ZONE 'UTC';

-- Rows written before every table referenced Workspace: give each workspace id in use its row.
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "CommitmentChange" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "CadenceRun" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "StandupAnswer" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "SkipDay" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "CommitmentMention" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "Escalation" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "RoutedQuestion" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "Handoff" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "HandoffNudge" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;
INSERT INTO "Workspace" ("id", "updatedAt") SELECT DISTINCT "workspaceId", now() FROM "OutboxMessage" WHERE "workspaceId" IS NOT NULL ON CONFLICT ("id") DO NOTHING;

-- A reference into another workspace was never meant to exist: it is dropped, not followed.
UPDATE "Commitment" c SET "workstreamId" = NULL WHERE "workstreamId" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "Workstream" w WHERE w."id" = c."workstreamId" AND w."workspaceId" = c."workspaceId");
UPDATE "Commitment" c SET "dependsOnId" = NULL WHERE "dependsOnId" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "Commitment" d WHERE d."id" = c."dependsOnId" AND d."workspaceId" = c."workspaceId");
UPDATE "Blocker" b SET "waitingOnCommitmentId" = NULL WHERE "waitingOnCommitmentId" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "Commitment" c WHERE c."id" = b."waitingOnCommitmentId" AND c."workspaceId" = b."workspaceId");

-- CreateIndex
CREATE UNIQUE INDEX "Workstream_workspaceId_id_key" ON "Workstream"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Commitment_workspaceId_id_key" ON "Commitment"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Cadence_workspaceId_id_key" ON "Cadence"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "CadenceRun_workspaceId_id_key" ON "CadenceRun"("workspaceId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Handoff_workspaceId_id_key" ON "Handoff"("workspaceId", "id");

-- AddForeignKey
ALTER TABLE "Commitment" ADD CONSTRAINT "Commitment_workspaceId_workstreamId_fkey" FOREIGN KEY ("workspaceId", "workstreamId") REFERENCES "Workstream"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commitment" ADD CONSTRAINT "Commitment_workspaceId_dependsOnId_fkey" FOREIGN KEY ("workspaceId", "dependsOnId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "CommitmentChange" ADD CONSTRAINT "CommitmentChange_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentChange" ADD CONSTRAINT "CommitmentChange_workspaceId_commitmentId_fkey" FOREIGN KEY ("workspaceId", "commitmentId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Blocker" ADD CONSTRAINT "Blocker_workspaceId_waitingOnCommitmentId_fkey" FOREIGN KEY ("workspaceId", "waitingOnCommitmentId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CadenceRun" ADD CONSTRAINT "CadenceRun_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CadenceRun" ADD CONSTRAINT "CadenceRun_workspaceId_cadenceId_fkey" FOREIGN KEY ("workspaceId", "cadenceId") REFERENCES "Cadence"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandupAnswer" ADD CONSTRAINT "StandupAnswer_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StandupAnswer" ADD CONSTRAINT "StandupAnswer_workspaceId_runId_fkey" FOREIGN KEY ("workspaceId", "runId") REFERENCES "CadenceRun"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SkipDay" ADD CONSTRAINT "SkipDay_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentMention" ADD CONSTRAINT "CommitmentMention_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CommitmentMention" ADD CONSTRAINT "CommitmentMention_workspaceId_commitmentId_fkey" FOREIGN KEY ("workspaceId", "commitmentId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_workspaceId_commitmentId_fkey" FOREIGN KEY ("workspaceId", "commitmentId") REFERENCES "Commitment"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoutedQuestion" ADD CONSTRAINT "RoutedQuestion_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Handoff" ADD CONSTRAINT "Handoff_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HandoffNudge" ADD CONSTRAINT "HandoffNudge_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HandoffNudge" ADD CONSTRAINT "HandoffNudge_workspaceId_handoffId_fkey" FOREIGN KEY ("workspaceId", "handoffId") REFERENCES "Handoff"("workspaceId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OutboxMessage" ADD CONSTRAINT "OutboxMessage_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The one way to allocate the short ids people type (C12, B7, K2, H3): the
-- workspace's next number of that kind, atomic under concurrency. The counter
-- row is locked until the calling transaction ends.
CREATE FUNCTION coo_next_number(text, "IdKind") RETURNS integer
LANGUAGE sql VOLATILE AS $$
  INSERT INTO "Counter" ("workspaceId", "kind", "value") VALUES ($1, $2, 1)
  ON CONFLICT ("workspaceId", "kind") DO UPDATE SET "value" = "Counter"."value" + 1
  RETURNING "value"
$$;
