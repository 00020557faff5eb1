// `npm run eval:routing`: the rules classifier (and Claude, when
// ANTHROPIC_API_KEY is set) against the labeled questions in test/routing/.
import { readFileSync } from "node:fs";
import { type Category, categories, classifyByRules } from "../src/routing/rules.js";

type Labeled = { text: string; category: Category; note?: string };
const load = (file: string) =>
  JSON.parse(readFileSync(new URL(`../test/routing/${file}`, import.meta.url), "utf8")) as Labeled[];

function report(name: string, questions: Labeled[], predict: (text: string) => Category) {
  const matrix = new Map<string, number>();
  const misses: string[] = [];
  let right = 0;
  for (const q of questions) {
    const got = predict(q.text);
    matrix.set(`${q.category}>${got}`, (matrix.get(`${q.category}>${got}`) ?? 0) + 1);
    if (got === q.category) right++;
    else misses.push(`  ${q.category.padEnd(12)} -> ${got.padEnd(12)} ${q.text.slice(0, 90)}`);
  }
  const w = 13;
  console.log(
    `\n${name}: ${right}/${questions.length} = ${((100 * right) / questions.length).toFixed(1)}% accurate`,
  );
  console.log(`${"label \\ got".padEnd(w)}${categories.map((c) => c.padStart(w)).join("")}`);
  for (const row of categories) {
    console.log(
      `${row.padEnd(w)}${categories.map((col) => String(matrix.get(`${row}>${col}`) ?? 0).padStart(w)).join("")}`,
    );
  }
  if (process.argv.includes("--misses")) console.log(`misses:\n${misses.join("\n")}`);
  return right / questions.length;
}

// questions.json was used to tune the rules; holdout.json was written separately and never tuned on.
report(
  "rules on questions.json (tuning set)",
  load("questions.json"),
  (text) => classifyByRules(text).category,
);
report("rules on holdout.json (held out)", load("holdout.json"), (text) => classifyByRules(text).category);
if (!process.env.ANTHROPIC_API_KEY)
  console.log("\n(no ANTHROPIC_API_KEY: the Claude path was not evaluated)");

// The assistant's intents (issue 14): the rules' reading of each operations
// message labeled with one, on the v2 tuning set only (holdout.json is for reporting lanes).
{
  const { readIntent } = await import("../src/assistant/intents.js");
  type WithIntent = { text: string; lane: string; intent?: string };
  const tune = JSON.parse(
    readFileSync(new URL("../test/routing/v2/tune.json", import.meta.url), "utf8"),
  ) as WithIntent[];
  const labeled = tune.filter((m): m is WithIntent & { intent: string } => Boolean(m.intent));
  const per = new Map<string, { right: number; total: number }>();
  const misses: string[] = [];
  for (const m of labeled) {
    const got = readIntent(m.text)?.name ?? "none";
    const row = per.get(m.intent) ?? { right: 0, total: 0 };
    row.total++;
    if (got === m.intent) row.right++;
    else misses.push(`  ${m.intent.padEnd(18)} -> ${got.padEnd(18)} ${m.text.slice(0, 90)}`);
    per.set(m.intent, row);
  }
  const right = [...per.values()].reduce((n, r) => n + r.right, 0);
  console.log(
    `\nintents, rules on v2/tune.json: ${right}/${labeled.length} = ${((100 * right) / labeled.length).toFixed(1)}% right`,
  );
  for (const [intent, r] of [...per.entries()].sort())
    console.log(`  ${intent.padEnd(18)} ${r.right}/${r.total}`);
  if (process.argv.includes("--misses")) console.log(`misses:\n${misses.join("\n")}`);
}
