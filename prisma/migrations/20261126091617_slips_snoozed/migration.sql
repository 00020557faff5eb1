-- AlterEnum
ALTER TYPE "ChangeKind" ADD VALUE 'snoozed';

-- AlterTable
ALTER TABLE "CommitmentChange" ADD COLUMN     "snoozedUntil" TIMESTAMP(3);

