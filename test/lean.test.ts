import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { defaultPgliteSharedBuffers, openDatabase } from "../src/db/open.js";
import { createLog } from "../src/log.js";
import { pgliteDatabase } from "./kit/database.js";

// Issue 18 and decision 0034: the embedded default stays small and starts
// quickly. What keeps it so, checked here so a change that undoes it fails.

const quiet = createLog({ level: "error", write: () => {} });

test("the embedded database runs with a small buffer pool, set at every start, and keeps what it wrote", async () => {
  const db = await pgliteDatabase();
  try {
    const first = await openDatabase(db.config, quiet);
    try {
      const [row] =
        await first.prisma.$queryRawUnsafe<Array<{ shared_buffers: string }>>("SHOW shared_buffers");
      expect(row?.shared_buffers).toBe(defaultPgliteSharedBuffers);
      await first.prisma.$executeRawUnsafe("CREATE TABLE lean_probe (id text)");
      await first.prisma.$executeRawUnsafe("INSERT INTO lean_probe VALUES ('kept')");
    } finally {
      await first.close();
    }
    // A larger pool for a larger team, from the environment; the row written before is still there.
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
      DATA_DIR: db.config.kind === "pglite" ? db.config.dataDir : "",
      COO_PGLITE_SHARED_BUFFERS: "32MB",
    });
    const again = await openDatabase(config.database, quiet);
    try {
      const [row] =
        await again.prisma.$queryRawUnsafe<Array<{ shared_buffers: string }>>("SHOW shared_buffers");
      expect(row?.shared_buffers).toBe("32MB");
      expect(await again.prisma.$queryRawUnsafe("SELECT id FROM lean_probe")).toEqual([{ id: "kept" }]);
    } finally {
      await again.close();
    }
  } finally {
    await db.drop();
  }
  // A new data directory is made (initdb): seconds on a busy machine.
}, 120_000);

test("a buffer pool size that is not a size is refused with an example", () => {
  try {
    loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", COO_PGLITE_SHARED_BUFFERS: "lots" });
    throw new Error("expected the configuration to be refused");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "COO_PGLITE_SHARED_BUFFERS: expected a size such as 16MB or 64MB (Postgres's shared_buffers)",
    ]);
  }
});

// Modules the bot does not need to be healthy: each is loaded with `import()`
// where it is used (the driver in use, the Claude SDK on its first call), never
// by a static import, which would load it at start whatever the configuration.
const loadedWhenUsed = [
  "@anthropic-ai/sdk",
  "@anthropic-ai/sdk/helpers/zod",
  "@electric-sql/pglite",
  "pglite-prisma-adapter",
  "pg",
  "@prisma/adapter-pg",
  "openid-client",
  "date-holidays",
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated") return [];
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Every import under src/ that loads a module (not `import type`, not `import { type A }`). */
function loadingImports(): Array<{ file: string; module: string }> {
  const root = new URL("../src/", import.meta.url).pathname;
  return files(root).flatMap((path) =>
    [...readFileSync(path, "utf8").matchAll(/^import\s+(?!type\s)[\s\S]*?from\s+"([^"]+)";/gm)].flatMap(
      (m) => {
        const names = /^import\s+\{([^}]*)\}/.exec(m[0])?.[1];
        const typesOnly = names?.split(",").every((n) => /^\s*(type\s|$)/.test(n)) ?? false;
        return typesOnly ? [] : [{ file: relative(root, path), module: m[1] as string }];
      },
    ),
  );
}

test("the drivers and the Claude SDK are imported only where they are used, never at start", () => {
  const found = loadingImports().filter((i) => loadedWhenUsed.includes(i.module));
  expect(found.map((i) => `${i.file}: ${i.module}`)).toEqual([]);
});

test("Bolt is loaded only through src/slack/bolt.ts, which keeps its Socket Mode and Express receivers unloaded until one is made", async () => {
  const found = loadingImports().filter(
    (i) => i.module === "@slack/bolt" && i.file !== join("slack", "bolt.ts"),
  );
  expect(found.map((i) => i.file)).toEqual([]);
  // In a fresh process: what loading Bolt the bot's way pulls in.
  const script = `await import("./src/slack/bolt.ts");
const loaded = Object.keys((await import("node:module")).createRequire(import.meta.url).cache);
console.log(JSON.stringify(["@slack/socket-mode/", "/express/", "/undici/"].filter((p) => loaded.some((f) => f.includes(p)))));`;
  const top = new URL("..", import.meta.url).pathname;
  const out = execFileSync(join(top, "node_modules/.bin/tsx"), ["--input-type=module", "-e", script], {
    cwd: top,
    encoding: "utf8",
  });
  expect(JSON.parse(out.trim().split("\n").at(-1) ?? "null")).toEqual([]);
}, 60_000);
