-- CreateEnum
CREATE TYPE "CadencePauseReason" AS ENUM ('person', 'app_uninstalled', 'tokens_revoked');

-- AlterTable
ALTER TABLE "Cadence" ADD COLUMN     "pausedAt" TIMESTAMP(3),
ADD COLUMN     "pausedById" TEXT,
ADD COLUMN     "pausedReason" "CadencePauseReason";

