// The labeled routing sets (issue 14, point 5), in one list for the scripts and tests that read them.
// Each writer's set is split once, before any tuning, into tune.json and holdout.json
// (scripts/split-routing-sets.ts); holdout.json is read only to report (test/routing/<set>/README.md).
import { existsSync, readFileSync } from "node:fs";

/** One independent writer each, in the order they were written. */
export const writerSets = [
  "v2",
  "v3",
  "v4",
  "v5",
  "v6",
  "v7",
  "v8",
  "v9",
  "v10",
  "v11",
  "v12",
  "v13",
  "v14",
  "v15",
  "v16",
  "v17",
] as const;
export type WriterSet = (typeof writerSets)[number];

/** The first two sets, written by the project's own sessions and tuned on long ago. */
export const oldSets = ["questions.json", "holdout.json"] as const;

export type Labeled = { text: string; lane: string; intent?: string; lang?: string };

const routing = new URL("../test/routing/", import.meta.url);

/** A set's file, e.g. `v2/tune.json` or `questions.json`; the old sets name the lane `category`. */
export function readLabeled(file: string): Labeled[] {
  const rows = JSON.parse(readFileSync(new URL(file, routing), "utf8")) as Array<
    Labeled & { category?: string }
  >;
  return rows.map(({ category, ...r }) => ({ ...r, lane: r.lane ?? category ?? "" }));
}

/** The writer sets that are present (a set is added by committing its two files). */
export const presentWriterSets = (): WriterSet[] =>
  writerSets.filter((s) => existsSync(new URL(`${s}/holdout.json`, routing)));

const calendar = new Set(
  "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december".split(
    " ",
  ),
);

/**
 * A workspace's members, as the labeled sets have no directory: every word its writer capitalised
 * inside a sentence somewhere in the set (not German, where every noun is), days and months left
 * out, each given a made-up member id. Noisy on purpose (places and products get in, lower-case-only
 * names and roles stay out), and built the same way for a held-out set without anyone reading it.
 */
export function roster(set: Labeled[]): Map<string, string> {
  const ids = new Map<string, string>();
  for (const m of set) {
    if (m.lang === "de") continue;
    const plain = m.text.replace(/<[^>]*>/g, " ");
    for (const hit of plain.matchAll(
      /(?<=[\p{L}\p{N},;:)]['’]?\s+|\(\s*)(\p{Lu}\p{Ll}+)(?=['’]s\b|[^\p{L}]|$)/gu,
    )) {
      const w = (hit[1] ?? "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
      if (!calendar.has(w) && !ids.has(w)) ids.set(w, `U${ids.size + 100}`);
    }
  }
  return ids;
}

/** Case, accents, Slack markup, punctuation and spacing do not make two messages different. */
export function sameText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/<[^>|]*\|([^>]*)>/g, "$1")
    .replace(/<[^>]*>/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
