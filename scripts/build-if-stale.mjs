// `npm start` runs this first: it builds only when dist/ is missing or older
// than a source, so a restart costs no compile (tsc takes about 4 s here).
// Plain JavaScript on purpose: tsx would cost more to load than this whole check.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// Written after a build succeeds, so a build that failed halfway is not taken as current.
const stamp = join(root, "dist", ".built");

/** The newest modification time of any file under `path` (0 when it does not exist). */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sources = ["src", "prisma", ...readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name))].map(
  (name) => join(root, name),
);
const built = existsSync(join(root, "dist", "main.js")) ? newest(stamp) : 0;
const changed = Math.max(...sources.map(newest));

if (built === 0 || changed > built) {
  process.stderr.write(built === 0 ? "coo: building (first start)\n" : "coo: sources changed, rebuilding\n");
  execFileSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
}
