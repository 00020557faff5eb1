import { featuresOf, parts, probabilitiesOf } from "../text/features.js";
import { normalise } from "../text/normalise.js";
import { model } from "./model.js";

/** The five lanes a message to the coo can fall in. The code acts only on these. */
export const categories = ["mission", "budget", "architecture", "operations", "other"] as const;
export type Category = (typeof categories)[number];
/** The lanes a question back offers (a button each): the three seats and coo itself. */
export type AskLane = Exclude<Category, "other">;

/*
 * The deterministic classifier, used without a key and whenever Claude fails:
 * normalise (src/text/normalise.ts), find the message's parts (src/text/features.ts), weigh
 * each lane (hand-set weights of the parts plus weights trained on the
 * labeled tuning sets, model.ts), and pick the heaviest; when the heaviest
 * lane is a human's and another lane is close behind, ask instead of naming
 * the wrong human (docs/decisions/0030-routing-that-generalises.md).
 */

/** How close (in probability) the runner-up must be for coo to ask rather than name a human. */
export const askMargin = model.askMargin;

export type RuleResult = {
  category: Category;
  /** Each lane's probability, 0 to 1. */
  scores: Record<Category, number>;
  reason: string;
  /** When coo should ask: the close lanes to offer, heaviest first. */
  unsure?: AskLane[] | undefined;
};

const injection =
  /\b(ignore (all |your |the )?(previous |prior )?instructions|system prompt|you are now|pretend (you'?re|to be)|disregard (your|all)|jailbreak|classify this message as|reply '?approved)\b|^\s*system\s*:/i;

/** Slack markup out: mentions, channel links, URLs and :emoji: do not decide a lane. */
export function plainText(text: string): string {
  return text
    .replace(/<@[UW][A-Z0-9]+(\|[^>]*)?>/g, " ")
    .replace(/<#C[A-Z0-9]+\|([^>]*)>/g, " $1 ")
    .replace(/<(https?:[^>|]+)(\|[^>]*)?>/g, " ")
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/:[a-z0-9_+-]+:/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const zero = (): Record<Category, number> => ({
  mission: 0,
  budget: 0,
  architecture: 0,
  operations: 0,
  other: 0,
});

/** The hand-set weights alone: each lane's sum over the parts the message has. */
export function handScores(normalised: string): Record<Category, number> {
  const scores = zero();
  for (const part of parts)
    if (part.pattern.test(normalised))
      for (const [lane, w] of Object.entries(part.weights) as Array<[Category, number]>) scores[lane] += w;
  return scores;
}

/** Hand-set and trained weights together, as a probability per lane. */
export function laneProbabilities(normalised: string): Record<Category, number> {
  const hand = handScores(normalised);
  const p = probabilitiesOf(
    model.lanes.map((lane, i) => (model.bias[i] ?? 0) + model.handScale * hand[lane]),
    featuresOf(normalised),
    model.weights,
  );
  const out = zero();
  model.lanes.forEach((lane, i) => {
    out[lane] = p[i] ?? 0;
  });
  return out;
}

const human = new Set<Category>(["mission", "budget", "architecture"]);

/** Picks a lane from probabilities; asks when a human's lane leads by less than `margin`. */
export function decide(scores: Record<Category, number>, margin = askMargin): Omit<RuleResult, "reason"> {
  const ranked = [...categories].sort((a, b) => scores[b] - scores[a]);
  const [best = "other", second = "other"] = ranked;
  if (!human.has(best) || scores[best] - scores[second] >= margin) return { category: best, scores };
  const close = ranked.filter((c): c is AskLane => c !== "other" && scores[best] - scores[c] < margin);
  // The runner-up is "other": offer the human's lane and coo's own.
  if (close.length < 2) close.push("operations");
  return { category: best, scores, unsure: close.slice(0, 3) };
}

/** The deterministic classifier: used without a key, and whenever Claude fails. */
export function classifyByRules(raw: string, margin = askMargin): RuleResult {
  const text = normalise(raw);
  if (!/[a-z]{2,}/.test(text.replace(/\bz(person|channel|link|everyone|num|date|money|percent)\b/g, "")))
    return { category: "other", scores: zero(), reason: "no words to go on" };
  if (injection.test(plainText(raw)))
    return {
      category: "other",
      scores: zero(),
      reason: "reads as an instruction to the bot, not a question",
    };
  const decided = decide(laneProbabilities(text), margin);
  const p = Math.round(decided.scores[decided.category] * 100);
  return {
    ...decided,
    reason: decided.unsure
      ? `unsure between ${decided.unsure.join(" and ")}`
      : `${decided.category} is the most likely lane (${p}%)`,
  };
}

/**
 * The hand-set weights alone, without the trained ones: the heaviest lane, or
 * "other" below 3. Not used to route; `npm run eval:routing` prints it beside
 * the classifier coo runs, as the comparison of decision 0030.
 */
export function classifyByHandWeights(raw: string): Category {
  const text = normalise(raw);
  if (injection.test(plainText(raw))) return "other";
  const h = handScores(text);
  const best = (["operations", "budget", "architecture", "mission"] as const).reduce((a, b) =>
    h[b] > h[a] ? b : a,
  );
  return h[best] >= 3 ? best : "other";
}
