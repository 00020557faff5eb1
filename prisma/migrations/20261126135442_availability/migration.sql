-- AlterEnum
ALTER TYPE "EscalationStep" ADD VALUE 'warn_leave';

-- AlterTable
ALTER TABLE "Workspace" ADD COLUMN     "holidayCountry" TEXT,
ADD COLUMN     "workDays" INTEGER[] DEFAULT ARRAY[1, 2, 3, 4, 5]::INTEGER[];

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "holidayCountry" TEXT,
ADD COLUMN     "oooFrom" TIMESTAMPTZ(3),
ADD COLUMN     "slackAway" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "slackAwayUntil" TIMESTAMPTZ(3),
ADD COLUMN     "statusReadAt" TIMESTAMPTZ(3),
ADD COLUMN     "statusText" TEXT,
ADD COLUMN     "workDays" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "workEndMinute" INTEGER,
ADD COLUMN     "workStartMinute" INTEGER;

