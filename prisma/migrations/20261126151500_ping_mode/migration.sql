-- CreateEnum
CREATE TYPE "PingMode" AS ENUM ('digest', 'overdue', 'all');

-- AlterTable
ALTER TABLE "Person" ADD COLUMN     "pings" "PingMode" NOT NULL DEFAULT 'digest';

