import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "vitest";

// The boundaries of docs/decisions/0020: Slack-facing code parses, calls a
// use case and presents; only use cases and queries touch the database; a
// feature uses another only through its public surface.
const root = new URL("../src/", import.meta.url).pathname;

const features = [
  "bets",
  "blockers",
  "cadence",
  "commitments",
  "export",
  "github",
  "handoffs",
  "help",
  "home",
  "routing",
  "slips",
  "standups",
  "workspaces",
];
/** What one feature may import of another. */
const publicSurface = new Set(["use-cases.ts", "messages.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "generated") return [];
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const sources = files(root).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));

function importsOf(text: string): string[] {
  return [...text.matchAll(/^import[\s\S]*?from\s+"([^"]+)";/gm)].map((m) => m[1] as string);
}

function resolve(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return relative(root, join(root, from, "..", spec)).replace(/\.js$/, ".ts");
}

/**
 * A file that talks to Slack: the Slack adapter itself, and each feature's
 * commands and messages (a feature may split them: `bets/plan-commands.ts`).
 */
const slackFacing = (path: string) =>
  path.startsWith("slack/") || /^[a-z-]+\/([a-z]+-)?(commands|messages|register)\.ts$/.test(path);

/** Bolt's installation store: the one file in src/slack/ that keeps rows (sealed tokens). */
const slackStorage = new Set(["slack/installations.ts"]);

test("no Slack-facing file imports the Prisma client or runs SQL", () => {
  const offenders = sources
    .filter((s) => slackFacing(s.path) && !slackStorage.has(s.path))
    .flatMap((s) => {
      const found: string[] = [];
      for (const spec of importsOf(s.text)) {
        const target = resolve(s.path, spec) ?? spec;
        if (target.startsWith("generated/") || target.startsWith("db/")) found.push(`imports ${spec}`);
      }
      for (const use of ["deps.db", "deps.sql", ".$queryRaw", ".$transaction", ".$executeRaw"])
        if (s.text.includes(use)) found.push(`uses ${use}`);
      return found.map((f) => `${s.path} ${f}`);
    });
  expect(offenders).toEqual([]);
});

test("hand-written SQL has one style: a named statement with a row schema, run by db/sql.ts's query", () => {
  const offenders = sources
    .filter((s) => s.path !== "db/sql.ts" && !s.path.startsWith("generated/"))
    .flatMap((s) =>
      ["$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe", "Prisma.sql", "Prisma.raw"]
        .filter((use) => s.text.includes(use))
        .map((use) => `${s.path} uses ${use}`),
    );
  expect(offenders).toEqual([]);
});

test("a feature uses another only through its use cases and messages", () => {
  const offenders = sources.flatMap((s) => {
    const feature = s.path.split("/")[0] ?? "";
    if (!features.includes(feature)) return [];
    return importsOf(s.text).flatMap((spec) => {
      const target = resolve(s.path, spec);
      if (!target) return [];
      const [other, file] = target.split("/");
      if (!other || other === feature || !features.includes(other)) return [];
      return file && publicSurface.has(file) ? [] : [`${s.path} imports ${target}`];
    });
  });
  expect(offenders).toEqual([]);
});

test("the core never imports a feature (only the composition root wires them)", () => {
  const offenders = sources.flatMap((s) => {
    const top = s.path.split("/")[0] ?? "";
    if (features.includes(top) || s.path === "coo.ts" || s.path === "main.ts") return [];
    return importsOf(s.text).flatMap((spec) => {
      const target = resolve(s.path, spec);
      const other = target?.split("/")[0];
      return other && features.includes(other) ? [`${s.path} imports ${target}`] : [];
    });
  });
  expect(offenders).toEqual([]);
});

/** The object literal around `at`: from its unmatched `{` to the matching `}`. */
function enclosingObject(text: string, at: number): string {
  let depth = 0;
  let start = at;
  while (start > 0) {
    start -= 1;
    if (text[start] === "}") depth += 1;
    else if (text[start] === "{" && depth-- === 0) break;
  }
  let end = at;
  depth = 0;
  while (end < text.length) {
    if (text[end] === "{") depth += 1;
    else if (text[end] === "}" && depth-- === 0) break;
    end += 1;
  }
  return text.slice(start, end + 1);
}

test("a feature builds a button only from its spec, so the id and value match what the handler reads", () => {
  const offenders = sources.flatMap((s) => {
    if (!features.includes(s.path.split("/")[0] ?? "")) return [];
    const found: string[] = [];
    // The raw builder (private to src/slack/blocks.ts) takes any id and any value.
    if (/(?<![\w.$])button\s*\(/.test(s.text)) found.push("calls button(");
    // A button element written out by hand.
    if (/["']?type["']?\s*:\s*["']button["']/.test(s.text)) found.push('writes type: "button"');
    // An action id is fine on a modal's input (a datepicker, a plain_text_input); not on a button.
    for (const m of s.text.matchAll(/["']?action_id["']?\s*:/g)) {
      const element = enclosingObject(s.text, m.index);
      const type = /["']?type["']?\s*:\s*["']([a-z_]+)["']/.exec(element)?.[1];
      if (!type || type === "button") found.push(`writes ${element.replace(/\s+/g, " ")}`);
    }
    return found.map((f) => `${s.path} ${f}`);
  });
  expect(offenders).toEqual([]);
});
