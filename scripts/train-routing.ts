// `npx tsx scripts/train-routing.ts [--cross | --cv] [--misses]`: fits the routing weights
// (src/routing/model.ts) on the labeled tuning sets: test/routing/questions.json and
// test/routing/holdout.json (both old, both tuned on long ago) and every writer's tune.json
// (scripts/routing-sets.ts). It never reads a writer's holdout.json.
// --cross writes nothing and prints the main signal: for each writer, fit on every other writer's
// tuning set (plus the old sets) and score on that writer's, per ask margin. --cv prints five-fold
// cross-validated figures over all tuning sets. --l2, --hand, --min, --kinds, --epochs and
// --margin change the settings (defaults: those coo runs, decision 0030).
import { writeFileSync } from "node:fs";
import {
  type Category,
  categories,
  classifyByHandWeights,
  decide,
  handScores,
} from "../src/routing/rules.js";
import { featuresOf } from "../src/text/features.js";
import { normalise } from "../src/text/normalise.js";
import {
  type Model,
  probabilities,
  type Row,
  type Settings,
  train as trainLogistic,
  weightLines,
} from "./logistic.js";
import { oldSets, presentWriterSets, readLabeled } from "./routing-sets.js";

type Example = { text: string; lane: Category };
const toExamples = (file: string): Example[] =>
  readLabeled(file).map((r) => ({ text: r.text, lane: r.lane as Category }));
const old = oldSets.flatMap(toExamples);
const writers = presentWriterSets().map((set) => ({ set, tune: toExamples(`${set}/tune.json`) }));

const lanes = [...categories];
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const handScale = arg("--hand", 0.6);
const lambda = arg("--l2", 0.001);
const epochs = arg("--epochs", 300);
/** Least number of training messages a feature must be in to get a weight. */
const minCount = arg("--min", 3);
/** Which kinds of feature get weights (features.ts): w words and stems, b word pairs, c character 4-grams, p parts, s short. */
const kindsArg = process.argv.indexOf("--kinds");
const kinds = kindsArg > 0 ? (process.argv[kindsArg + 1] ?? "") : "wcps";
const kindOf = (f: string) => (f === "short" ? "s" : f[0]);
const keep = (f: string) => kinds.includes(kindOf(f) ?? "");

const settings: Settings = {
  l2: lambda,
  epochs,
  minCount,
  fixedScale: handScale,
  keepAbove: arg("--keep", 0.02),
  decimals: 3,
};
const rowOf = (e: Example): Row => {
  const n = normalise(e.text);
  const h = handScores(n);
  return { feats: featuresOf(n).filter(keep), fixed: lanes.map((l) => h[l]), y: lanes.indexOf(e.lane) };
};
const train = (rows: Row[]) => trainLogistic(rows, lanes.length, settings);
const laneProbabilities = (model: Model, row: Row) => {
  const p = probabilities(model, row, handScale);
  return Object.fromEntries(lanes.map((l, k) => [l, p[k] ?? 0])) as Record<Category, number>;
};

const human = new Set<Category>(["mission", "budget", "architecture"]);
type Figures = { right: number; wrongHuman: number; ask: number; n: number };
const add = (f: Figures, truth: Category, got: Category, asked: boolean) => {
  f.n++;
  if (asked) f.ask++;
  else if (got === truth) f.right++;
  else if (human.has(got)) f.wrongHuman++;
};
const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;
const show = (name: string, f: Figures) =>
  console.log(
    `${name.padEnd(28)} right ${pct(f.right, f.n).padStart(6)}  wrong human ${pct(f.wrongHuman, f.n).padStart(5)}  ask ${pct(f.ask, f.n).padStart(5)}`,
  );

/** Figures per ask margin for a model fitted on `fitOn`, scored on `testOn`. */
function score(fitOn: Example[], testOn: Example[], margins: number[], misses?: string[]) {
  const fit = train(fitOn.map(rowOf));
  const figs = margins.map(() => ({ right: 0, wrongHuman: 0, ask: 0, n: 0 }));
  for (const e of testOn) {
    const p = laneProbabilities(fit, rowOf(e));
    margins.forEach((margin, mi) => {
      const d = decide(p, margin);
      add(figs[mi] as Figures, e.lane, d.category, Boolean(d.unsure));
    });
    const d = decide(p, arg("--margin", 0.5));
    if (misses && (d.category !== e.lane || d.unsure))
      misses.push(
        `  ${e.lane.padEnd(12)} -> ${(d.unsure ? `ask ${d.unsure.join("/")}` : d.category).padEnd(22)} ${e.text.slice(0, 90)}`,
      );
  }
  return figs;
}
const handFigures = (set: Example[]) => {
  const f = { right: 0, wrongHuman: 0, ask: 0, n: 0 };
  for (const e of set) add(f, e.lane, classifyByHandWeights(e.text), false);
  return f;
};
const sum = (a: Figures, b: Figures): Figures => ({
  right: a.right + b.right,
  wrongHuman: a.wrongHuman + b.wrongHuman,
  ask: a.ask + b.ask,
  n: a.n + b.n,
});
const margins = [0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6];
const misses: string[] | undefined = process.argv.includes("--misses") ? [] : undefined;

if (process.argv.includes("--cross")) {
  // Across writers, the main signal: new phrasing by someone else is what a held-out set tests.
  // Each writer's tuning set is scored by weights fitted on everyone else's (and the old sets).
  console.log(
    "across writers: each writer's tune.json scored by weights fitted on the others' and the old sets",
  );
  let total = margins.map(() => ({ right: 0, wrongHuman: 0, ask: 0, n: 0 }));
  let hand = { right: 0, wrongHuman: 0, ask: 0, n: 0 };
  for (const w of writers) {
    const others = writers.filter((o) => o !== w).flatMap((o) => o.tune);
    const figs = score([...old, ...others], w.tune, margins, misses);
    hand = sum(hand, handFigures(w.tune));
    for (const mi of margins.keys())
      if (margins[mi] === arg("--margin", 0.5)) show(`-> ${w.set} (${w.tune.length})`, figs[mi] as Figures);
    total = total.map((t, mi) => sum(t, figs[mi] as Figures));
  }
  show("hand-set weights alone, all", hand);
  margins.forEach((margin, mi) => {
    show(`all, margin ${margin}`, total[mi] as Figures);
  });
  if (misses) console.log(misses.join("\n"));
} else if (process.argv.includes("--cv")) {
  // Five-fold cross-validation on all tuning sets together (the old sets always trained on).
  const tune = writers.flatMap((w) => w.tune);
  const folds = 5;
  let total = margins.map(() => ({ right: 0, wrongHuman: 0, ask: 0, n: 0 }));
  for (let k = 0; k < folds; k++) {
    const figs = score(
      [...old, ...tune.filter((_, i) => i % folds !== k)],
      tune.filter((_, i) => i % folds === k),
      margins,
      misses,
    );
    total = total.map((t, mi) => sum(t, figs[mi] as Figures));
  }
  console.log(
    `five-fold cross-validation on ${writers.map((w) => `${w.set}/tune.json`).join(" + ")} (${tune.length} messages)`,
  );
  show("hand-set weights alone", handFigures(tune));
  margins.forEach((margin, mi) => {
    show(`trained, ask margin ${margin}`, total[mi] as Figures);
  });
  if (misses) console.log(misses.join("\n"));
} else {
  const fit = train([...old, ...writers.flatMap((w) => w.tune)].map(rowOf));
  const margin = arg("--margin", 0.5);
  const lines = weightLines(fit);
  writeFileSync(
    new URL("../src/routing/model.ts", import.meta.url),
    `// Written by \`npx tsx scripts/train-routing.ts\` from test/routing/questions.json, test/routing/holdout.json
// and ${writers.map((w) => `${w.set}/tune.json`).join(", ")} (never a writer's holdout.json).
// Do not edit by hand: change the parts (features.ts), the spellings (normalise.ts) or the tuning
// data, and train again.
// biome-ignore-all lint/suspicious/noApproximativeNumericConstant: trained weights, not constants
import type { Category } from "./rules.js";

export const model: {
  lanes: Category[];
  bias: number[];
  handScale: number;
  askMargin: number;
  weights: Record<string, number[]>;
} = {
  lanes: ${JSON.stringify(lanes)},
  bias: [${fit.bias.join(", ")}],
  handScale: ${handScale},
  askMargin: ${margin},
  // biome-ignore format: one feature a line
  weights: {
${lines.join("\n")}
  },
};
`,
  );
  console.log(`wrote src/routing/model.ts: ${fit.weights.size} features`);
}
