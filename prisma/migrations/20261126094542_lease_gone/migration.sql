-- DropTable
DROP TABLE "Lease";

