-- Every row names its workspace, nudges included. Existing nudges take their
-- handoff's workspace; then the column is required.
ALTER TABLE "HandoffNudge" ADD COLUMN "workspaceId" TEXT;

UPDATE "HandoffNudge" AS n SET "workspaceId" = h."workspaceId" FROM "Handoff" AS h WHERE h."id" = n."handoffId";

ALTER TABLE "HandoffNudge" ALTER COLUMN "workspaceId" SET NOT NULL;
