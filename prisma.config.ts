// The Prisma CLI is used only for `generate` and for writing migrations by
// schema-to-schema diff (see docs/decisions/0002-migrations.md). The JS engine
// keeps it offline; the adapter is an in-memory PGlite so no command can touch
// a real database by accident.
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

// The schema reads DATABASE_URL; without a value the CLI falls back to the
// binary engine and tries to download it. The CLI never connects with it.
process.env.DATABASE_URL ??= "postgresql://prisma-cli@localhost/unused";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPGlite(new PGlite()) as unknown as SqlMigrationAwareDriverAdapterFactory,
});
