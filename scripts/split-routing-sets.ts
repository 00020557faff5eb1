// `npx tsx scripts/split-routing-sets.ts [--set v3] <batch files...>`: builds a labeled
// routing set (test/routing/<set>/tune.json and holdout.json, v2 unless `--set` says
// otherwise) from hand-written batches, shuffled with the set's fixed seed and split
// 60/40 per lane (and per intent within operations). `--check` (with `--set v3` for
// v3) re-splits the union of the two committed files and fails unless it reproduces
// them exactly, with no duplicates.
//
// A batch file is either a JSON array of entries, or text with one message a line:
//   <lane> <intent or -> <lang> <text>     lane: m b a o x (mission budget architecture operations other)
// Blank lines and lines starting with # are ignored.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { intentNames } from "../src/assistant/intents.js";
import { sameText as normalise } from "./routing-sets.js";

// One fixed seed per set, chosen before the set was split; never change one after.
const seeds: Record<string, number> = {
  v2: 20261126,
  v3: 2026112603,
  v4: 2026112604,
  v5: 2026112605,
  v6: 2026112606,
  v7: 2026112607,
  v8: 2026112608,
  v9: 2026112609,
  v10: 2026112610,
  v11: 2026112611,
  v12: 2026112612,
  v13: 2026112613,
  v14: 2026112614,
  v15: 2026112615,
  v16: 2026112616,
  v17: 2026112617,
};
const TUNE_SHARE = 0.6;
const args = process.argv.slice(2);
const setAt = args.indexOf("--set");
const setName = setAt === -1 ? "v2" : args[setAt + 1];
function unknownSet(): never {
  console.error(`--set takes one of: ${Object.keys(seeds).join(", ")}`);
  process.exit(2);
}
const SEED: number = (setName === undefined ? undefined : seeds[setName]) ?? unknownSet();
const outDir = new URL(`../test/routing/${setName}/`, import.meta.url);

export const lanes = ["mission", "budget", "architecture", "operations", "other"] as const;
export const intents = intentNames;
const langs = ["en", "es", "fr", "de", "pt"] as const;

const Entry = z
  .strictObject({
    text: z.string().trim().min(1),
    lane: z.enum(lanes),
    intent: z.enum(intents).optional(),
    lang: z.enum(langs),
  })
  .refine((e) => (e.lane === "operations") === (e.intent !== undefined), {
    message: "operations entries need an intent, other lanes must not have one",
  });
type Entry = z.infer<typeof Entry>;

const laneCodes: Record<string, (typeof lanes)[number]> = {
  m: "mission",
  b: "budget",
  a: "architecture",
  o: "operations",
  x: "other",
};

function parseBatch(path: string): Entry[] {
  const raw = readFileSync(path, "utf8");
  if (path.endsWith(".json")) return z.array(Entry).parse(JSON.parse(raw));
  return raw
    .split("\n")
    .map((line, i) => ({ line: line.trim(), at: `${path}:${i + 1}` }))
    .filter(({ line }) => line !== "" && !line.startsWith("#"))
    .map(({ line, at }) => {
      const [, code = "", intent, lang, text] = /^(\S+) (\S+) (\S+) (.+)$/.exec(line) ?? [];
      const lane = laneCodes[code];
      if (!lane) throw new Error(`${at}: expected "<lane> <intent|-> <lang> <text>"`);
      const parsed = Entry.safeParse({
        text,
        lane,
        ...(intent === "-" ? {} : { intent }),
        lang,
      });
      if (!parsed.success) throw new Error(`${at}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Every other committed set's messages, normalised (never printed). */
function alreadyInOtherSets(): Set<string> {
  const routing = new URL("../test/routing/", import.meta.url);
  const paths = [new URL("questions.json", routing), new URL("holdout.json", routing)];
  for (const other of Object.keys(seeds))
    if (other !== setName)
      for (const file of ["tune.json", "holdout.json"]) {
        const path = new URL(`${other}/${file}`, routing);
        if (existsSync(path)) paths.push(path);
      }
  const found = new Set<string>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) collect(v);
    else if (value !== null && typeof value === "object")
      for (const [key, v] of Object.entries(value)) {
        if (key === "text" && typeof v === "string") found.add(normalise(v));
        else collect(v);
      }
  };
  for (const path of paths) collect(JSON.parse(readFileSync(path, "utf8")));
  return found;
}

function duplicates(entries: Entry[]): string[] {
  const seen = new Map<string, string>();
  const found: string[] = [];
  for (const e of entries) {
    const key = normalise(e.text);
    const first = seen.get(key);
    if (first !== undefined) found.push(`"${first}" / "${e.text}"`);
    else seen.set(key, e.text);
  }
  return found;
}

// mulberry32: a small seeded generator, so the same seed gives the same split.
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = out[i] as T;
    out[i] = out[j] as T;
    out[j] = swap;
  }
  return out;
}

const stratum = (e: Entry) => `${e.lane}/${e.intent ?? ""}`;
const byText = (x: Entry, y: Entry) => (x.text < y.text ? -1 : x.text > y.text ? 1 : 0);

/** Depends only on the set of entries, not on the order of files or lines. */
export function split(entries: Entry[]): { tune: Entry[]; holdout: Entry[] } {
  const random = seeded(SEED);
  const strata = [...new Set(entries.map(stratum))].sort();
  const tune: Entry[] = [];
  const holdout: Entry[] = [];
  for (const key of strata) {
    const group = shuffle(entries.filter((e) => stratum(e) === key).sort(byText), random);
    const cut = Math.round(group.length * TUNE_SHARE);
    tune.push(...group.slice(0, cut));
    holdout.push(...group.slice(cut));
  }
  return { tune: shuffle(tune, random), holdout: shuffle(holdout, random) };
}

function summary(name: string, set: Entry[]): string {
  const count = (pick: (e: Entry) => string) => {
    const m = new Map<string, number>();
    for (const e of set) m.set(pick(e), (m.get(pick(e)) ?? 0) + 1);
    return [...m].map(([k, n]) => `${k} ${n}`).join(", ");
  };
  return `${name}: ${set.length} messages\n  lanes: ${count((e) => e.lane)}\n  langs: ${count((e) => e.lang)}\n  intents: ${count((e) => e.intent ?? "-")}`;
}

const toJson = (set: Entry[]) =>
  `${JSON.stringify(
    set.map((e) => ({ text: e.text, lane: e.lane, intent: e.intent, lang: e.lang })),
    null,
    2,
  )}\n`;

const check = args.includes("--check");
const committed = [new URL("tune.json", outDir).pathname, new URL("holdout.json", outDir).pathname] as const;
const files = check
  ? [...committed]
  : args.filter((a, i) => !a.startsWith("--") && !(setAt !== -1 && i === setAt + 1));
if (files.length === 0) {
  console.error(
    `usage: tsx scripts/split-routing-sets.ts [--set ${Object.keys(seeds).join("|")}] <batch files...> | [--set v3] --check`,
  );
  process.exit(2);
}
const entries = files.flatMap(parseBatch);
const dups = duplicates(entries);
if (dups.length > 0) {
  console.error(`${dups.length} duplicate message(s) after normalising:\n  ${dups.join("\n  ")}`);
  process.exit(1);
}
const taken = alreadyInOtherSets();
const clashes = entries.filter((e) => taken.has(normalise(e.text)));
if (clashes.length > 0) {
  // Only this set's own lines are printed: a writer never reads another set's messages.
  console.error(
    `${clashes.length} message(s) already in another labeled set, after normalising; reword them:\n  ${clashes.map((e) => e.text).join("\n  ")}`,
  );
  process.exit(1);
}
const { tune, holdout } = split(entries);
if (check) {
  const same = (path: string, set: Entry[]) =>
    JSON.stringify(JSON.parse(readFileSync(path, "utf8"))) === JSON.stringify(JSON.parse(toJson(set)));
  if (!same(committed[0], tune) || !same(committed[1], holdout)) {
    console.error("the committed sets are not the seeded split of their union");
    process.exit(1);
  }
  console.log("ok: no duplicates, and the committed sets are the seeded split of their union");
} else {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(new URL("tune.json", outDir), toJson(tune));
  writeFileSync(new URL("holdout.json", outDir), toJson(holdout));
}
console.log(`set ${setName}, seed ${SEED}`);
console.log(summary("tune.json", tune));
console.log(summary("holdout.json", holdout));
