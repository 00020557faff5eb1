// `npx tsx scripts/train-routing.ts [--cv]`: fits the routing weights (src/routing/model.ts) on the
// labeled tuning sets: test/routing/questions.json, test/routing/holdout.json (both old, both tuned
// on long ago) and test/routing/v2/tune.json. It never reads test/routing/v2/holdout.json.
// With --cv it writes nothing and prints five-fold cross-validated figures on v2/tune.json instead
// (the old sets always stay in training), for the hand-set weights alone and for the trained ones.
import { readFileSync, writeFileSync } from "node:fs";
import { featuresOf } from "../src/routing/features.js";
import { normalise } from "../src/routing/normalise.js";
import { type Category, categories, decide, handScores } from "../src/routing/rules.js";

type Example = { text: string; lane: Category };
const read = (file: string) =>
  JSON.parse(readFileSync(new URL(`../test/routing/${file}`, import.meta.url), "utf8")) as Array<{
    text: string;
    lane?: Category;
    category?: Category;
  }>;
const toExamples = (rows: ReturnType<typeof read>): Example[] =>
  rows.map((r) => ({ text: r.text, lane: (r.lane ?? r.category) as Category }));
const old = [...toExamples(read("questions.json")), ...toExamples(read("holdout.json"))];
const tune = toExamples(read("v2/tune.json"));

const lanes = [...categories];
const L = lanes.length;
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const handScale = arg("--hand", 0.6);
const lambda = arg("--l2", 0.001);
const epochs = arg("--epochs", 300);

type Row = { feats: string[]; hand: number[]; y: number };
const rowOf = (e: Example): Row => {
  const n = normalise(e.text);
  const h = handScores(n);
  return { feats: featuresOf(n), hand: lanes.map((l) => h[l]), y: lanes.indexOf(e.lane) };
};

type Model = { bias: number[]; weights: Map<string, number[]> };

/** Multinomial logistic regression, full-batch gradient descent with Adam, L2 on the weights. */
function train(rows: Row[]): Model {
  const counts = new Map<string, number>();
  for (const r of rows) for (const f of r.feats) counts.set(f, (counts.get(f) ?? 0) + 1);
  const vocab = [...counts].filter(([, c]) => c >= 2).map(([f]) => f);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const W = new Float64Array((vocab.length + 1) * L); // last row: bias
  const m = new Float64Array(W.length);
  const v = new Float64Array(W.length);
  const rowsIdx = rows.map((r) => ({
    ids: r.feats.map((f) => index.get(f)).filter((i): i is number => i !== undefined),
    hand: r.hand,
    y: r.y,
  }));
  const biasRow = vocab.length;
  const lr = 0.05;
  for (let t = 1; t <= epochs; t++) {
    const g = new Float64Array(W.length);
    for (const r of rowsIdx) {
      const logits = r.hand.map((h) => handScale * h);
      for (let k = 0; k < L; k++) {
        logits[k] = (logits[k] ?? 0) + (W[biasRow * L + k] ?? 0);
        for (const i of r.ids) logits[k] = (logits[k] ?? 0) + (W[i * L + k] ?? 0);
      }
      const top = Math.max(...logits);
      const e = logits.map((x) => Math.exp(x - top));
      const s = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < L; k++) {
        const d = (e[k] ?? 0) / s - (k === r.y ? 1 : 0);
        g[biasRow * L + k] = (g[biasRow * L + k] ?? 0) + d;
        for (const i of r.ids) g[i * L + k] = (g[i * L + k] ?? 0) + d;
      }
    }
    for (let j = 0; j < W.length; j++) {
      const grad = (g[j] ?? 0) / rows.length + (j < biasRow * L ? lambda * (W[j] ?? 0) : 0);
      m[j] = 0.9 * (m[j] ?? 0) + 0.1 * grad;
      v[j] = 0.999 * (v[j] ?? 0) + 0.001 * grad * grad;
      const mh = (m[j] ?? 0) / (1 - 0.9 ** t);
      const vh = (v[j] ?? 0) / (1 - 0.999 ** t);
      W[j] = (W[j] ?? 0) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  const weights = new Map<string, number[]>();
  vocab.forEach((f, i) => {
    const w = Array.from(W.slice(i * L, i * L + L), (x) => Math.round(x * 1000) / 1000);
    if (w.some((x) => Math.abs(x) >= 0.02)) weights.set(f, w);
  });
  return { bias: Array.from(W.slice(biasRow * L), (x) => Math.round(x * 1000) / 1000), weights };
}

function probabilities(model: Model, row: Row): Record<Category, number> {
  const logits = row.hand.map((h, k) => handScale * h + (model.bias[k] ?? 0));
  for (const f of row.feats) {
    const w = model.weights.get(f);
    if (w) for (let k = 0; k < L; k++) logits[k] = (logits[k] ?? 0) + (w[k] ?? 0);
  }
  const top = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - top));
  const s = e.reduce((a, b) => a + b, 0);
  return Object.fromEntries(lanes.map((l, k) => [l, (e[k] ?? 0) / s])) as Record<Category, number>;
}

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

if (process.argv.includes("--shift")) {
  // New phrasing by another writer: fit on v2/tune.json alone, report on the old sets.
  const fit = train(tune.map(rowOf));
  const margins = [0, 0.2, 0.3, 0.35, 0.4, 0.5];
  const figs = margins.map(() => ({ right: 0, wrongHuman: 0, ask: 0, n: 0 }));
  const hand = { right: 0, wrongHuman: 0, ask: 0, n: 0 };
  for (const e of old) {
    const row = rowOf(e);
    const p = probabilities(fit, row);
    margins.forEach((margin, mi) => {
      const d = decide(p, margin);
      add(figs[mi] as Figures, e.lane, d.category, Boolean(d.unsure));
    });
    const h = handScores(normalise(e.text));
    const best = (["operations", "budget", "architecture", "mission"] as const).reduce((a, b) =>
      h[b] > h[a] ? b : a,
    );
    add(hand, e.lane, h[best] >= 3 ? best : "other", false);
    const d = decide(p, 0);
    if (process.argv.includes("--misses") && d.category !== e.lane)
      console.log(`  ${e.lane.padEnd(12)} -> ${d.category.padEnd(12)} ${e.text.slice(0, 100)}`);
  }
  console.log(`fit on v2/tune.json, scored on the old sets (${old.length} messages)`);
  show("hand-set weights alone", hand);
  margins.forEach((margin, mi) => {
    show(`trained, ask margin ${margin}`, figs[mi] as Figures);
  });
} else if (process.argv.includes("--cv")) {
  const margins = [0, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5];
  const folds = 5;
  const trained = margins.map(() => ({ right: 0, wrongHuman: 0, ask: 0, n: 0 }));
  const hand = { right: 0, wrongHuman: 0, ask: 0, n: 0 };
  const oldRows = old.map(rowOf);
  const tuneRows = tune.map(rowOf);
  const misses: string[] = [];
  for (let k = 0; k < folds; k++) {
    const test = tuneRows.filter((_, i) => i % folds === k);
    const fit = train([...oldRows, ...tuneRows.filter((_, i) => i % folds !== k)]);
    test.forEach((row, j) => {
      const truth = lanes[row.y] as Category;
      const p = probabilities(fit, row);
      margins.forEach((margin, mi) => {
        const d = decide(p, margin);
        add(trained[mi] as Figures, truth, d.category, Boolean(d.unsure));
      });
      const d = decide(p, arg("--margin", 0.2));
      if (d.category !== truth || d.unsure)
        misses.push(
          `  ${truth.padEnd(12)} -> ${(d.unsure ? `ask ${d.unsure.join("/")}` : d.category).padEnd(22)} ${tune[j * folds + k]?.text.slice(0, 90)}`,
        );
      const h = handScores(normalise(tune[j * folds + k]?.text ?? ""));
      const best = (["operations", "budget", "architecture", "mission"] as const).reduce((a, b) =>
        h[b] > h[a] ? b : a,
      );
      add(hand, truth, h[best] >= 3 ? best : "other", false);
    });
  }
  console.log(
    `five-fold cross-validation on v2/tune.json (${tune.length} messages; old sets always trained on)`,
  );
  show("hand-set weights alone", hand);
  margins.forEach((margin, mi) => {
    show(`trained, ask margin ${margin}`, trained[mi] as Figures);
  });
  if (process.argv.includes("--misses")) console.log(misses.join("\n"));
} else {
  const fit = train([...old, ...tune].map(rowOf));
  const margin = arg("--margin", 0.4);
  const lines = [...fit.weights]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([f, w]) => `    ${JSON.stringify(f)}: [${w.join(", ")}],`);
  writeFileSync(
    new URL("../src/routing/model.ts", import.meta.url),
    `// Written by \`npx tsx scripts/train-routing.ts\` from test/routing/questions.json, test/routing/holdout.json
// and test/routing/v2/tune.json (never v2/holdout.json). Do not edit by hand: change the parts
// (features.ts), the spellings (normalise.ts) or the tuning data, and train again.
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
