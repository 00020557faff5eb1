// The labeled routing sets (issue 14, point 5), in one list for the scripts and tests that read them.
// Each writer's set is split once, before any tuning, into tune.json and holdout.json
// (scripts/split-routing-sets.ts); holdout.json is read only to report (test/routing/<set>/README.md).
import { existsSync, readFileSync } from "node:fs";

/** One independent writer each, in the order they were written. */
export const writerSets = ["v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11"] as const;
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
