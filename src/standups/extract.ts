import { z } from "zod";
import type { Llm } from "../llm/client.js";
import { mentionedUsers, userMentionPattern } from "../slack/mentions.js";
import { parseWhen } from "../time/when.js";

export type ExtractedCommitment = { title: string; dueText: string };
export type ExtractedBlocker = {
  text: string;
  waitingOnId?: string | undefined;
  waitingOnText?: string | undefined;
};
export type Extracted = {
  commitments: ExtractedCommitment[];
  blockers: ExtractedBlocker[];
  by: "llm" | "rules";
};

type Section = "general" | "yesterday" | "today" | "blockers";

const headings: Array<[RegExp, Section]> = [
  [/^(yesterday|done|previously|last time|completed)$/i, "yesterday"],
  [/^(today|plan|plans|next|working on|this week)$/i, "today"],
  [/^(blockers?|impediments?|blocked|obstacles?|risks?)$/i, "blockers"],
];
const nothing =
  /^(none|no|nope|nothing|n\/?a|-|no blockers?|not blocked|all good|all clear|none so far|nothing blocking( me)?)[.!]*$/i;
const blockerStart = /^(blocked|waiting (on|for)|stuck|can'?t .* until)\b/i;
const noBlockerLine = /^(no blockers?|not blocked|nothing blocking)/i;

function cleanLine(line: string): string {
  return line.replace(/^\s*(?:[-*•·]|\d+[.)])\s*/, "").trim();
}

function headingOf(line: string): { section: Section; rest: string } | undefined {
  const match = /^([a-z][a-z ]{1,20}?)\s*[:\-–]\s*(.*)$/i.exec(line);
  if (!match) return undefined;
  for (const [pattern, section] of headings) {
    if (pattern.test(match[1]?.trim() ?? "")) return { section, rest: match[2]?.trim() ?? "" };
  }
  return undefined;
}

export function blockerFrom(text: string): ExtractedBlocker {
  const on = new RegExp(`waiting\\s+(?:on|for)\\s+(?:${userMentionPattern.source}|([^.,;]+))`, "i").exec(
    text,
  );
  if (on?.[1]) return { text, waitingOnId: on[1] };
  if (on?.[2]) return { text, waitingOnText: on[2].trim() };
  return { text };
}

/** "finish the report by Friday, then lunch" -> { title: "finish the report", dueText: "Friday" } */
export function commitmentFrom(line: string, now: Date): ExtractedCommitment | undefined {
  const matches = [...line.matchAll(/\s+by\s+/gi)].reverse();
  for (const m of matches) {
    const title = line
      .slice(0, m.index)
      .replace(/^(i'?ll|i will|will|going to|gonna|plan to|aim to)\s+/i, "")
      .trim();
    const after =
      line
        .slice(m.index + m[0].length)
        .split(/[,;.!(]|\s+(?:and|then|but)\s+/i)[0]
        ?.trim() ?? "";
    const words = after.split(/\s+/);
    for (let n = Math.min(words.length, 5); n > 0; n--) {
      const dueText = words.slice(0, n).join(" ");
      if (title && parseWhen(dueText, { now, timeZone: "UTC" })) return { title, dueText };
    }
  }
  return undefined;
}

/**
 * The deterministic reading of a standup answer: a `Blockers:` heading (or a
 * line starting "blocked" / "waiting on") makes blockers, "none" and the like
 * make nothing; a line with "by <date>" outside the yesterday section makes a
 * commitment.
 */
export function extractByRules(text: string, now: Date): Extracted {
  const out: Extracted = { commitments: [], blockers: [], by: "rules" };
  // Headings written inline ("Today: x. Blockers: y") become lines of their own.
  const expanded = text.replace(/(?<=\S)\s+(?=(?:yesterday|today|blockers?|impediments?)\s*:)/gi, "\n");
  let section: Section = "general";
  // One sentence at a time: "Working on docs. Blocked on legal" holds a blocker.
  const sentences = expanded
    .split(/\n+/)
    .flatMap((line) => cleanLine(line).split(/(?<=[.!?])\s+(?=[A-Za-z<])/));
  for (const raw of sentences) {
    let line = raw.trim();
    if (!line) continue;
    const heading = headingOf(line);
    if (heading) {
      section = heading.section;
      line = heading.rest;
      if (!line) continue;
    }
    if (section === "blockers") {
      if (!nothing.test(line)) out.blockers.push(blockerFrom(line));
      continue;
    }
    if (noBlockerLine.test(line)) continue;
    if (blockerStart.test(line)) {
      out.blockers.push(blockerFrom(line));
      continue;
    }
    if (section === "yesterday") continue;
    const commitment = commitmentFrom(line, now);
    if (commitment) out.commitments.push(commitment);
  }
  return out;
}

/** The answer without its "yesterday" part: what the author says they are on now. */
export function todayPart(text: string): string {
  const expanded = text.replace(/(?<=\S)\s+(?=(?:yesterday|today|blockers?|impediments?)\s*:)/gi, "\n");
  let section: Section = "general";
  const kept: string[] = [];
  for (const raw of expanded.split(/\n+/)) {
    const line = cleanLine(raw);
    const heading = headingOf(line);
    if (heading) section = heading.section;
    if (section !== "yesterday") kept.push(heading ? heading.rest : line);
  }
  return kept.join("\n");
}

const llmAnswer = z.object({
  commitments: z
    .array(z.object({ title: z.string().min(1).max(300), due: z.string().min(1).max(60) }))
    .max(10),
  blockers: z
    .array(
      z.object({
        text: z.string().min(1).max(500),
        waiting_on_user_id: z.string().nullable(),
        waiting_on_other: z.string().max(100).nullable(),
      }),
    )
    .max(10),
});

const instruction = [
  "Read this standup answer from one team member.",
  "List the commitments: things the author says they will deliver that come with an explicit date phrase (copy the phrase, e.g. 'Friday', 'tomorrow 5pm'). Skip work already done and plans without a date.",
  "List the blockers: things stopping the author now, with who they wait on. Use waiting_on_user_id only for a user the text mentions as <@ID>; otherwise put a team or thing in waiting_on_other.",
  "'No blockers', 'none' and the like mean an empty blockers list.",
].join(" ");

/**
 * Claude when a key is set, rules otherwise and whenever Claude fails. What
 * Claude says is only data: dates are still read by our parser, and a
 * waited-on user must be one the text mentions.
 */
export async function extractItems(llm: Llm | undefined, text: string, now: Date): Promise<Extracted> {
  if (!llm) return extractByRules(text, now);
  const answer = await llm.structured({
    task: "standup-extract",
    schema: llmAnswer,
    instruction,
    input: text,
    maxTokens: 800,
  });
  if (!answer.ok) return extractByRules(text, now);
  const mentioned = new Set(mentionedUsers(text));
  return {
    by: "llm",
    commitments: answer.value.commitments.map((c) => ({ title: c.title, dueText: c.due })),
    blockers: answer.value.blockers.map((b) => ({
      text: b.text,
      waitingOnId:
        b.waiting_on_user_id && mentioned.has(b.waiting_on_user_id) ? b.waiting_on_user_id : undefined,
      waitingOnText: b.waiting_on_other ?? undefined,
    })),
  };
}
