-- AlterTable
ALTER TABLE "CadenceRun" DROP COLUMN "leaseUntil";

