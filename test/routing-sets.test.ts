// The writers' labeled routing sets (test/routing/<set>/README.md): well formed, no message twice within
// a set or shared with any other set, split 60/40 per stratum, and each held-out set unchanged since it was
// split (held-out sets are for reporting only: never edit one while tuning).
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { sameText as normalise, oldSets, readLabeled, writerSets } from "../scripts/routing-sets.js";
import { intentNames } from "../src/assistant/intents.js";

const lanes = ["mission", "budget", "architecture", "operations", "other"];
const stratum = (e: { lane: string; intent?: string }) => `${e.lane}/${e.intent ?? ""}`;

/** Per set: least size in all and per lane, held-out messages per intent, and the held-out set's digest. */
const expected: Record<
  (typeof writerSets)[number],
  [size: number, perLane: number, perIntent: number, digest: string]
> = {
  // biome-ignore format: one set a line
  v2: [860, 150, 6, "89e2948266ae57873294ecda563cdcb49c7d352e991865c7d32252adf3d99275"],
  v3: [1000, 180, 7, "45ab10c98a06154656261ab8d187df6db43a860f7f3fc8040c8e94ac94dc3892"],
  v4: [620, 112, 4, "41770fb50c8ad410abd358533bb580dfdb4ce844e75a9d9d2145d3156d02c269"],
  v5: [620, 112, 4, "4444dd5d4da5fdf6518226a8bae9f94df49053eb9bd523bbe751efcf9dd2ff2b"],
  v6: [620, 112, 4, "ecaaaa625461b0ee7d333a57d7c8d772e151944acacb57ef5f6fc5a19b7c68ad"],
  v7: [620, 112, 4, "fed8c1fad86d566002cff0eb4d7ab1bbfa6c75f521ceeaf2f6940b68e5f506cb"],
  v8: [620, 112, 4, "a4ea8e12dc6c9b9c9832495b8ba6c5c43205d9f5567854a95a735406505dc107"],
  v9: [620, 112, 4, "905692752372df5075e4275791a1e32eb90673134337370445446a78fa79c564"],
  v10: [620, 112, 4, "41f7a832c87d39bfc4df20357d45c734e6ac2493ea0fbc0a74345d7d7eee3e12"],
  v11: [620, 112, 4, "e4c0478b081bcf4ba3a7c63134a297badbc4eb975e6100701612d33d581cbe79"],
  v12: [620, 112, 4, "908dc239094893b6533880a5ef56e940375309636c994cdab24766cde0a5cb22"],
  v13: [620, 112, 4, "5a7e00f77794173be0eff4191016961fa655e6215d204d71146ee2765eedd31e"],
  v14: [620, 112, 4, "d1eac13310d378a3822fde438fc426928e9699254542e89380a765478dbe5b1d"],
  v15: [620, 112, 4, "68c20046f058a8c7ed782f7461a8c6b377a188ac71a6f1c4a0ced6e57d6a7e0a"],
  v16: [620, 112, 4, "13ecfc73574ac0f528b40ac4f259b983f84153d98507be429927ecf354d022c2"],
  v17: [620, 112, 4, "cae0977be39b9da3220a36bce746257ebbcbc9fc1057a91578226033998d47c1"],
};

describe.each(writerSets)("labeled set %s", (set) => {
  const tune = readLabeled(`${set}/tune.json`);
  const holdout = readLabeled(`${set}/holdout.json`);
  const all = [...tune, ...holdout];
  const [size, perLane, perIntent, digest] = expected[set];

  test("every entry has a lane, a language, and an intent exactly when it is operations", () => {
    for (const e of all) {
      expect(Object.keys(e).every((k) => ["text", "lane", "intent", "lang"].includes(k))).toBe(true);
      expect(e.text.trim()).not.toBe("");
      expect(lanes).toContain(e.lane);
      expect(["en", "es", "fr", "de", "pt"]).toContain(e.lang);
      if (e.lane === "operations") expect(intentNames).toContain(e.intent);
      else expect(e.intent).toBeUndefined();
    }
  });

  test("its size, every lane and intent covered, and 10-12.5% not in English, in every lane", () => {
    expect(all.length).toBeGreaterThanOrEqual(size);
    for (const lane of lanes) {
      expect(all.filter((e) => e.lane === lane).length, lane).toBeGreaterThanOrEqual(perLane);
      expect(
        all.some((e) => e.lane === lane && e.lang !== "en"),
        lane,
      ).toBe(true);
    }
    const share = all.filter((e) => e.lang !== "en").length / all.length;
    expect(share).toBeGreaterThanOrEqual(0.1);
    expect(share).toBeLessThanOrEqual(0.125);
  });

  test("no message twice within the set, nor in any other set, after normalising", () => {
    const mine = all.map((e) => normalise(e.text));
    expect(new Set(mine).size).toBe(mine.length);
    const own = new Set(mine);
    const others = [
      ...oldSets,
      ...writerSets.filter((s) => s !== set).flatMap((s) => [`${s}/tune.json`, `${s}/holdout.json`]),
    ];
    for (const file of others) {
      const theirs = readLabeled(file);
      expect(theirs.length, file).toBeGreaterThan(50);
      // A count, not the texts: this file never prints another set's messages.
      expect(theirs.filter((t) => own.has(normalise(t.text))).length, file).toBe(0);
    }
  });

  test("the split is 60/40 in every lane and every operations intent", () => {
    const strata = new Set(all.map(stratum));
    expect(strata.size).toBe(4 + intentNames.length);
    for (const s of strata) {
      const n = (from: typeof all) => from.filter((e) => stratum(e) === s).length;
      expect(n(tune), s).toBe(Math.round((n(tune) + n(holdout)) * 0.6));
    }
    for (const intent of intentNames)
      expect(holdout.filter((e) => e.intent === intent).length).toBe(perIntent);
  });

  test("the held-out set is exactly as split (report on it, never edit it)", () => {
    const actual = createHash("sha256")
      .update(JSON.stringify(holdout.map(({ text, lane, intent, lang }) => ({ text, lane, intent, lang }))))
      .digest("hex");
    expect(actual).toBe(digest);
  });
});
