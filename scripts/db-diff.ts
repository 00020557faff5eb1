// `npm run db:diff -- <name>`: write the migration that takes the schema as of
// the latest migration to prisma/schema.prisma. Works offline, with no
// database, by diffing two schema files (docs/decisions/0002-migrations.md).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z][a-z0-9_]*$/.test(name)) {
  console.error("usage: npm run db:diff -- <name>   (lower case and underscores, e.g. add_commitments)");
  process.exit(2);
}
const dir = "prisma/migrations";
const latest = readdirSync(dir, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort()
  .at(-1);
const from = latest ? join(dir, latest, "schema.prisma") : undefined;
if (from && !existsSync(from)) {
  console.error(`${from} is missing: every migration keeps the schema it was written from`);
  process.exit(1);
}
const sql = execFileSync(
  "npx",
  [
    "prisma",
    "migrate",
    "diff",
    ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]),
    "--to-schema-datamodel",
    "prisma/schema.prisma",
    "--script",
  ],
  { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
);
if (/^-- This is an empty migration\.\s*$/.test(sql.trim()) || sql.trim() === "") {
  console.log("prisma/schema.prisma matches the latest migration: nothing to write");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const target = join(dir, `${stamp}_${name}`);
mkdirSync(target);
writeFileSync(join(target, "migration.sql"), sql);
copyFileSync("prisma/schema.prisma", join(target, "schema.prisma"));
console.log(`wrote ${target}/migration.sql; review it, then commit it with the schema`);
