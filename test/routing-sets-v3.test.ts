// The v3 labeled routing sets (test/routing/v3/README.md), written by a second writer: well formed,
// no message twice within v3 or shared with the earlier sets, split 60/40 per stratum, and the held-out
// set unchanged since it was split (it is for reporting only: never edit it while tuning).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { intentNames } from "../src/assistant/intents.js";

type Entry = { text: string; lane: string; intent?: string; lang: string };
const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
const tune = read("routing/v3/tune.json") as Entry[];
const holdout = read("routing/v3/holdout.json") as Entry[];

const lanes = ["mission", "budget", "architecture", "operations", "other"];
const intents = intentNames;
const normalise = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/<[^>|]*\|([^>]*)>/g, "$1")
    .replace(/<[^>]*>/g, " ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
const stratum = (e: Entry) => `${e.lane}/${e.intent ?? ""}`;

/** Every `text` field anywhere in a JSON document, whatever shape the older sets have. */
function texts(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value !== null && typeof value === "object")
    for (const [key, v] of Object.entries(value)) {
      if (key === "text" && typeof v === "string") out.push(v);
      else texts(v, out);
    }
  return out;
}

test("every entry has a lane, a language, and an intent exactly when it is operations", () => {
  for (const e of [...tune, ...holdout]) {
    expect(Object.keys(e).every((k) => ["text", "lane", "intent", "lang"].includes(k))).toBe(true);
    expect(e.text.trim()).not.toBe("");
    expect(lanes).toContain(e.lane);
    expect(["en", "es", "fr", "de", "pt"]).toContain(e.lang);
    if (e.lane === "operations") expect(intents).toContain(e.intent);
    else expect(e.intent).toBeUndefined();
  }
});

test("at least 1,000 messages, 180 per lane, 16 per intent, and 10-12% not in English", () => {
  const all = [...tune, ...holdout];
  expect(all.length).toBeGreaterThanOrEqual(1000);
  for (const lane of lanes)
    expect(all.filter((e) => e.lane === lane).length, lane).toBeGreaterThanOrEqual(180);
  for (const intent of intents)
    expect(all.filter((e) => e.intent === intent).length, intent).toBeGreaterThanOrEqual(16);
  const share = all.filter((e) => e.lang !== "en").length / all.length;
  expect(share).toBeGreaterThanOrEqual(0.1);
  expect(share).toBeLessThanOrEqual(0.12);
  for (const lane of lanes)
    expect(
      all.some((e) => e.lane === lane && e.lang !== "en"),
      lane,
    ).toBe(true);
});

test("no message appears twice, within or across the v3 sets, after normalising", () => {
  const all = [...tune, ...holdout].map((e) => normalise(e.text));
  expect(new Set(all).size).toBe(all.length);
});

test("no v3 message is one of the v2 or old sets' messages, after normalising", () => {
  const mine = new Set([...tune, ...holdout].map((e) => normalise(e.text)));
  for (const path of [
    "routing/v2/tune.json",
    "routing/v2/holdout.json",
    "routing/holdout.json",
    "routing/questions.json",
  ]) {
    const theirs = texts(read(path));
    expect(theirs.length, path).toBeGreaterThan(50);
    // A count, not the texts: this file never prints another set's messages.
    expect(theirs.filter((t) => mine.has(normalise(t))).length, path).toBe(0);
  }
});

test("the split is 60/40 in every lane and every operations intent", () => {
  const strata = new Set([...tune, ...holdout].map(stratum));
  expect(strata.size).toBe(4 + intents.length);
  for (const s of strata) {
    const n = (set: Entry[]) => set.filter((e) => stratum(e) === s).length;
    expect(n(tune), s).toBe(Math.round((n(tune) + n(holdout)) * 0.6));
  }
  for (const lane of lanes) expect(holdout.filter((e) => e.lane === lane).length).toBeGreaterThanOrEqual(72);
  for (const intent of intents) expect(holdout.filter((e) => e.intent === intent).length).toBe(7);
});

test("the held-out set is exactly as split (report on it, never edit it)", () => {
  const digest = createHash("sha256").update(JSON.stringify(holdout)).digest("hex");
  expect(digest).toBe("45ab10c98a06154656261ab8d187df6db43a860f7f3fc8040c8e94ac94dc3892");
});
