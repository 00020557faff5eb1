// Multinomial logistic regression for the routing scripts (train-routing.ts, train-intents.ts):
// sparse binary features, optional fixed scores per class added to the logits (the routing's
// hand-set weights), full-batch gradient descent with Adam and L2 on the weights. About as small as
// such a thing gets; decision 0030 says why coo keeps its own rather than a library.

export type Row = { feats: string[]; fixed?: number[]; y: number };
export type Model = { classes: number; bias: number[]; weights: Map<string, number[]> };
export type Settings = {
  /** L2 on the feature weights (not the bias). */
  l2: number;
  epochs: number;
  /** Least number of training rows a feature must be in to get a weight. */
  minCount: number;
  /** Multiplies `fixed` before it is added to the logits. */
  fixedScale: number;
  /** A feature keeps its weights only when one of them is at least this large (a smaller model to load). */
  keepAbove: number;
  /** Decimals kept in each weight. */
  decimals: number;
};

export function train(rows: Row[], classes: number, s: Settings): Model {
  const L = classes;
  const counts = new Map<string, number>();
  for (const r of rows) for (const f of r.feats) counts.set(f, (counts.get(f) ?? 0) + 1);
  const vocab = [...counts].filter(([, c]) => c >= s.minCount).map(([f]) => f);
  const index = new Map(vocab.map((f, i) => [f, i]));
  const W = new Float64Array((vocab.length + 1) * L); // last row: bias
  const m = new Float64Array(W.length);
  const v = new Float64Array(W.length);
  const rowsIdx = rows.map((r) => ({
    ids: r.feats.map((f) => index.get(f)).filter((i): i is number => i !== undefined),
    fixed: Array.from({ length: L }, (_, k) => s.fixedScale * (r.fixed?.[k] ?? 0)),
    y: r.y,
  }));
  const biasRow = vocab.length;
  const lr = 0.05;
  for (let t = 1; t <= s.epochs; t++) {
    const g = new Float64Array(W.length);
    for (const r of rowsIdx) {
      const logits = [...r.fixed];
      for (let k = 0; k < L; k++) {
        logits[k] = (logits[k] ?? 0) + (W[biasRow * L + k] ?? 0);
        for (const i of r.ids) logits[k] = (logits[k] ?? 0) + (W[i * L + k] ?? 0);
      }
      const top = Math.max(...logits);
      const e = logits.map((x) => Math.exp(x - top));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let k = 0; k < L; k++) {
        const d = (e[k] ?? 0) / sum - (k === r.y ? 1 : 0);
        g[biasRow * L + k] = (g[biasRow * L + k] ?? 0) + d;
        for (const i of r.ids) g[i * L + k] = (g[i * L + k] ?? 0) + d;
      }
    }
    for (let j = 0; j < W.length; j++) {
      const grad = (g[j] ?? 0) / rows.length + (j < biasRow * L ? s.l2 * (W[j] ?? 0) : 0);
      m[j] = 0.9 * (m[j] ?? 0) + 0.1 * grad;
      v[j] = 0.999 * (v[j] ?? 0) + 0.001 * grad * grad;
      const mh = (m[j] ?? 0) / (1 - 0.9 ** t);
      const vh = (v[j] ?? 0) / (1 - 0.999 ** t);
      W[j] = (W[j] ?? 0) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
    }
  }
  const round = (x: number) => Math.round(x * 10 ** s.decimals) / 10 ** s.decimals;
  const weights = new Map<string, number[]>();
  vocab.forEach((f, i) => {
    const w = Array.from(W.slice(i * L, i * L + L), round);
    if (w.some((x) => Math.abs(x) >= s.keepAbove)) weights.set(f, w);
  });
  return { classes: L, bias: Array.from(W.slice(biasRow * L), round), weights };
}

/** The probability of each class for one row. */
export function probabilities(model: Model, row: Omit<Row, "y">, fixedScale: number): number[] {
  const logits = model.bias.map((b, k) => b + fixedScale * (row.fixed?.[k] ?? 0));
  for (const f of row.feats) {
    const w = model.weights.get(f);
    if (w) for (let k = 0; k < model.classes; k++) logits[k] = (logits[k] ?? 0) + (w[k] ?? 0);
  }
  const top = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** A model as TypeScript object entries, one feature a line, sorted (for the generated files). */
export const weightLines = (model: Model): string[] =>
  [...model.weights]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([f, w]) => `    ${JSON.stringify(f)}: [${w.join(", ")}],`);
