// `npm run eval:routing [-- --misses] [-- --holdout]`: the rules classifier (and Claude, when
// ANTHROPIC_API_KEY is set) against the labeled sets in test/routing/. For each set: right lane
// without asking, a wrong human named without asking, and how often coo asks back (the figures are
// defined in docs/decisions/0030-routing-that-generalises.md).
// Each writer's holdout.json (scripts/routing-sets.ts) is for reporting only: read only with --holdout.
import { createLlm } from "../src/llm/client.js";
import { createLog } from "../src/log.js";
import { loadPersona, systemPrompt } from "../src/persona/load.js";
import { classifyQuestion } from "../src/routing/classify.js";
import { type Category, categories, classifyByHandWeights } from "../src/routing/rules.js";
import { oldSets, presentWriterSets, readLabeled, roster } from "./routing-sets.js";

type Labeled = { text: string; lane: Category };
const load = (file: string): Labeled[] =>
  readLabeled(file).map((r) => ({ text: r.text, lane: r.lane as Category }));

type Outcome = { lane: Category; asked: boolean };
const human = new Set<Category>(["mission", "budget", "architecture"]);

export type Figures = { n: number; right: number; wrongHuman: number; ask: number };

/** The three figures over one labeled set. */
export function figures(set: Labeled[], outcomes: Outcome[]): Figures {
  const f = { n: set.length, right: 0, wrongHuman: 0, ask: 0 };
  set.forEach((q, i) => {
    const o = outcomes[i] as Outcome;
    if (o.asked) f.ask++;
    else if (o.lane === q.lane) f.right++;
    else if (human.has(o.lane)) f.wrongHuman++;
  });
  return f;
}

const pct = (x: number, n: number) => `${((100 * x) / n).toFixed(1)}%`;

function report(name: string, set: Labeled[], outcomes: Outcome[]) {
  const f = figures(set, outcomes);
  console.log(
    `\n${name} (${f.n} messages): right lane ${pct(f.right, f.n)}, wrong human ${pct(f.wrongHuman, f.n)}, asked ${pct(f.ask, f.n)}`,
  );
  const w = 13;
  const cols = [...categories, "asked"];
  console.log(`${"label \\ got".padEnd(w)}${cols.map((c) => c.padStart(w)).join("")}`);
  for (const row of categories) {
    const mine = outcomes.filter((_, i) => set[i]?.lane === row);
    const count = (col: string) =>
      mine.filter((o) => (col === "asked" ? o.asked : !o.asked && o.lane === col)).length;
    console.log(`${row.padEnd(w)}${cols.map((col) => String(count(col)).padStart(w)).join("")}`);
  }
  if (process.argv.includes("--misses"))
    set.forEach((q, i) => {
      const o = outcomes[i] as Outcome;
      if (o.asked || o.lane !== q.lane)
        console.log(
          `  ${q.lane.padEnd(12)} -> ${(o.asked ? "asked" : o.lane).padEnd(12)} ${q.text.slice(0, 90)}`,
        );
    });
}

const writers = presentWriterSets();
const heldOutToo = process.argv.includes("--holdout");
const sets: Array<[string, Labeled[]]> = [
  ["old sets (questions.json + holdout.json, tuned on)", oldSets.flatMap(load)],
  ...writers.map((w): [string, Labeled[]] => [`${w} tune.json (tuned on)`, load(`${w}/tune.json`)]),
  ...(heldOutToo
    ? writers.map((w): [string, Labeled[]] => [
        `${w} holdout.json (held out, never tuned on)`,
        load(`${w}/holdout.json`),
      ])
    : []),
];
if (!heldOutToo)
  console.log("(no holdout.json read: they are for reporting only; pass --holdout to report on them)");

for (const [name, set] of sets) {
  const outcomes: Outcome[] = [];
  for (const q of set) {
    const c = await classifyQuestion(undefined, q.text);
    outcomes.push({ lane: c.category, asked: Boolean(c.unsure) });
  }
  report(`rules on ${name}`, set, outcomes);
  const hand = figures(
    set,
    set.map((q) => ({ lane: classifyByHandWeights(q.text), asked: false })),
  );
  console.log(
    `  for comparison, the hand-set weights alone (no trained weights, never asking): right lane ${pct(hand.right, hand.n)}, wrong human ${pct(hand.wrongHuman, hand.n)}`,
  );
}

const log = createLog({ level: "warn" });
const llm = process.env.ANTHROPIC_API_KEY
  ? createLlm({
      config: {
        apiKey: process.env.ANTHROPIC_API_KEY,
        baseUrl: process.env.ANTHROPIC_BASE_URL,
        model: process.env.COO_MODEL ?? "claude-haiku-5-5",
      },
      systemPrompt: systemPrompt(await loadPersona()),
      log,
    })
  : undefined;
if (!llm) console.log("\n(no ANTHROPIC_API_KEY: the Claude path was not evaluated)");
else
  for (const [name, set] of sets) {
    const outcomes: Outcome[] = [];
    let fellBack = 0;
    for (const q of set) {
      const c = await classifyQuestion(llm, q.text);
      if (c.by === "rules") fellBack++;
      outcomes.push({ lane: c.category, asked: Boolean(c.unsure) });
    }
    report(
      `Claude (${llm.model}) on ${name}${fellBack ? `, ${fellBack} fell back to rules` : ""}`,
      set,
      outcomes,
    );
  }

// The assistant's intents (issue 14): the rules' reading of each operations message labeled with
// one, per labeled set. The two tuning sets come from two independent writers (v2, v3): rules
// changed while reading one writer's misses are checked on the other's (decision 0031). The
// held-out sets are read only with --holdout or --intent-holdout, and their misses are never printed.
{
  const { readIntent } = await import("../src/assistant/intents.js");
  type WithIntent = { text: string; lane: string; intent?: string; lang?: string };
  const read = readLabeled;
  const asker = "UASKER";
  const holdouts = process.argv.includes("--holdout") || process.argv.includes("--intent-holdout");
  const sets: Array<[string, string, boolean]> = [
    ...writers.map((w, i): [string, string, boolean] => [
      `${w} tune (writer ${i + 1})`,
      `${w}/tune.json`,
      false,
    ]),
    ...(holdouts
      ? writers.map((w): [string, string, boolean] => [
          `${w} holdout (never tuned on)`,
          `${w}/holdout.json`,
          true,
        ])
      : []),
  ];
  if (!holdouts) console.log("\n(intent holdouts not read: pass --intent-holdout to report on them)");
  for (const [name, file, heldOut] of sets) {
    const all = read(file);
    const members = roster(all);
    const labeled = all.filter((m): m is WithIntent & { intent: string } => Boolean(m.intent));
    const per = new Map<string, { right: number; total: number }>();
    const misses: string[] = [];
    let mentionsOnly = 0;
    for (const m of labeled) {
      const got = readIntent(m.text, (w) => members.get(w), asker)?.name ?? "none";
      if (readIntent(m.text, () => undefined, asker)?.name === m.intent) mentionsOnly++;
      const row = per.get(m.intent) ?? { right: 0, total: 0 };
      row.total++;
      if (got === m.intent) row.right++;
      else misses.push(`  ${m.intent.padEnd(18)} -> ${got.padEnd(18)} ${m.text.slice(0, 90)}`);
      per.set(m.intent, row);
    }
    const right = [...per.values()].reduce((n, r) => n + r.right, 0);
    const pc = (k: number) => `${((100 * k) / labeled.length).toFixed(1)}%`;
    console.log(
      `\nintents, rules on ${name}: ${right}/${labeled.length} = ${pc(right)} right (${pc(mentionsOnly)} with no first names resolved)`,
    );
    for (const [intent, r] of [...per.entries()].sort())
      console.log(`  ${intent.padEnd(18)} ${r.right}/${r.total}`);
    if (!heldOut && process.argv.includes("--misses")) console.log(`misses:\n${misses.join("\n")}`);
  }
}
