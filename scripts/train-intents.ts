// `npx tsx scripts/train-intents.ts [--cross] [--min-p 0.5]`: fits the intent model
// (src/assistant/intent-model.ts) that reads an operations message the intent reader's patterns
// miss, on every writer's tune.json (scripts/routing-sets.ts); it never reads a holdout.json.
// --cross writes nothing: for each writer, a model fitted on everyone else's messages reads that
// writer's, and the intent reader is scored with it and without it, per least probability.
// --l2, --min, --epochs and --kinds change the settings.
import { writeFileSync } from "node:fs";
import { type IntentGuess, type IntentName, intentNames, readIntent } from "../src/assistant/intents.js";
import { featuresOf } from "../src/text/features.js";
import { normalise } from "../src/text/normalise.js";
import { type Model, probabilities, type Row, type Settings, train, weightLines } from "./logistic.js";
import { presentWriterSets, readLabeled, roster } from "./routing-sets.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const settings: Settings = {
  l2: arg("--l2", 0.001),
  epochs: arg("--epochs", 300),
  minCount: arg("--min", 2),
  fixedScale: 0,
  keepAbove: arg("--keep", 0.1),
  decimals: 2,
};
const kindsAt = process.argv.indexOf("--kinds");
const kinds = kindsAt > 0 ? (process.argv[kindsAt + 1] ?? "") : "wbcps";
const keep = (f: string) => kinds.includes(f === "short" ? "s" : (f[0] ?? ""));

type Message = { text: string; intent: IntentName };
const writers = presentWriterSets().map((set) => {
  const all = readLabeled(`${set}/tune.json`);
  return {
    set,
    members: roster(all),
    messages: all.flatMap((m): Message[] =>
      intentNames.includes(m.intent as IntentName) ? [{ text: m.text, intent: m.intent as IntentName }] : [],
    ),
  };
});

const rowOf = (text: string, intent?: IntentName): Row => ({
  feats: featuresOf(normalise(text)).filter(keep),
  y: intent ? intentNames.indexOf(intent) : -1,
});
const fitIntents = (messages: Message[]) =>
  train(
    messages.map((m) => rowOf(m.text, m.intent)),
    intentNames.length,
    settings,
  );
const guessWith =
  (model: Model): IntentGuess =>
  (text) =>
    probabilities(model, rowOf(text), 0)
      .map((p, k) => ({ name: intentNames[k] as IntentName, p }))
      .sort((a, b) => b.p - a.p);
const never: IntentGuess = () => [];
const asker = "UASKER";
const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;

if (process.argv.includes("--cross")) {
  // Least probability to take the model's intent at all, and to take it over the patterns.
  const variants: Array<[number, number]> = [
    [0.3, 2],
    [0.3, 0.9],
    [0.3, 0.8],
    [0.3, 0.7],
    [0.3, 0.6],
    [0.3, 0.5],
    [0.3, 0.4],
    [0.2, 0.5],
    [0.35, 0.5],
  ];
  let n = 0;
  let patterns = 0;
  let raw = 0;
  const right = variants.map(() => 0);
  for (const w of writers) {
    const guess = guessWith(fitIntents(writers.filter((o) => o !== w).flatMap((o) => o.messages)));
    const nameOf = (x: string) => w.members.get(x);
    for (const m of w.messages) {
      n++;
      const ranked = guess(m.text);
      if (ranked[0]?.name === m.intent) raw++;
      if (readIntent(m.text, nameOf, asker, never, 2)?.name === m.intent) patterns++;
      variants.forEach(([minP, sureP], i) => {
        const cut: IntentGuess = () => ranked.filter((g) => g.p >= minP);
        if (readIntent(m.text, nameOf, asker, cut, sureP)?.name === m.intent) right[i] = (right[i] ?? 0) + 1;
      });
    }
  }
  console.log(`across writers (each read by a model fitted on the others), ${n} operations messages`);
  console.log(`  the model alone, its best intent:  ${pct(raw, n)}`);
  console.log(`  the reader's patterns alone:       ${pct(patterns, n)}`);
  variants.forEach(([minP, sureP], i) => {
    console.log(
      `  the reader, model at p >= ${minP}${sureP <= 1 ? `, first at p >= ${sureP}` : ", after the patterns"}: ${pct(right[i] ?? 0, n)}`,
    );
  });
} else {
  const model = fitIntents(writers.flatMap((w) => w.messages));
  writeFileSync(
    new URL("../src/assistant/intent-model.ts", import.meta.url),
    `// Written by \`npx tsx scripts/train-intents.ts\` from the operations messages of
// ${writers.map((w) => `${w.set}/tune.json`).join(", ")} (never a holdout.json).
// Do not edit by hand: change the features (src/text/features.ts) or the tuning data, and train again.
// biome-ignore-all lint/suspicious/noApproximativeNumericConstant: trained weights, not constants
import type { IntentName } from "./intents.js";

export const intentModel: {
  intents: IntentName[];
  bias: number[];
  /** The least probability at which the reader takes the model's best intent. */
  minP: number;
  sureP: number;
  weights: Record<string, number[]>;
} = {
  intents: ${JSON.stringify(intentNames)},
  bias: [${model.bias.join(", ")}],
  minP: ${arg("--min-p", 0.3)},
  /** From this probability on, the model's intent is taken before the reader's patterns are tried. */
  sureP: ${arg("--sure-p", 0.8)},
  // biome-ignore format: one feature a line
  weights: {
${weightLines(model).join("\n")}
  },
};
`,
  );
  console.log(`wrote src/assistant/intent-model.ts: ${model.weights.size} features`);
}
