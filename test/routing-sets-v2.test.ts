// The v2 labeled routing sets (test/routing/v2/README.md): well formed, no message twice, and the
// held-out set unchanged since it was split (it is for reporting only: never edit it while tuning).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { intentNames } from "../src/assistant/intents.js";

type Entry = { text: string; lane: string; intent?: string; lang: string };
const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`routing/v2/${name}`, import.meta.url), "utf8")) as Entry[];
const tune = load("tune.json");
const holdout = load("holdout.json");

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

test("no message appears twice, within or across the sets, after normalising", () => {
  const all = [...tune, ...holdout].map((e) => normalise(e.text));
  expect(new Set(all).size).toBe(all.length);
});

test("the split is 60/40 in every lane and every operations intent", () => {
  const strata = new Set([...tune, ...holdout].map((e) => `${e.lane}/${e.intent ?? ""}`));
  for (const s of strata) {
    const n = (set: Entry[]) => set.filter((e) => `${e.lane}/${e.intent ?? ""}` === s).length;
    expect(n(tune), s).toBe(Math.round((n(tune) + n(holdout)) * 0.6));
  }
  for (const lane of lanes) expect(holdout.filter((e) => e.lane === lane).length).toBeGreaterThanOrEqual(56);
  for (const intent of intents) expect(holdout.filter((e) => e.intent === intent).length).toBe(6);
});

test("the held-out set is exactly as split (report on it, never edit it)", () => {
  const digest = createHash("sha256").update(JSON.stringify(holdout)).digest("hex");
  expect(digest).toBe("89e2948266ae57873294ecda563cdcb49c7d352e991865c7d32252adf3d99275");
});
