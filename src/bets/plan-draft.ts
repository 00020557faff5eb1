import { z } from "zod";
import type { Llm, LlmFailure } from "../llm/client.js";
import { echo, mention } from "../slack/mentions.js";
import { maxYearsAhead, parseWhen, tooFarAhead } from "../time/when.js";

/*
 * A bet broken down into workstreams: the rows people type in the form or
 * Claude drafts, checked by one set of rules before anything is stored. What
 * Claude answers is only data: it fills rows, and the rows are checked like
 * anyone's (docs/decisions/0023-bets.md, "Plan drafts").
 */

/** The most workstreams one draft proposes: a bet cut finer is planned in more than one go. */
export const maxStreams = 6;
/** Rows in the form (Slack keeps a modal readable at this size). */
export const formRows = 4;
const maxTitle = 300;

/** A workstream's name as `/coo workstream` takes it: one word, letters, digits, - or _. */
export const streamName = /^#?[a-z][\w-]{0,39}$/i;

/** One row as typed or drafted, not yet checked. */
export type DraftRow = { name: string; ownerId: string | null; title: string; due: string };

/** One row once checked: what Confirm records. */
export type PlanItem = { stream: string; ownerId: string; title: string; dueAt: Date };

export type Field = "name" | "owner" | "title" | "date";
export type Problem = { row: number; field: Field; message: string };

/** What the rules need to know about the workspace. */
export type PlanRules = {
  now: Date;
  betNumber: number;
  /** Who may own a part, with their time zone; anyone else is refused with `refusal`. */
  owners: Map<string, { timeZone: string } | { refusal: string }>;
  /** Existing workstreams by name, with the bet each is under (its number), if any. */
  streams: Map<string, { betNumber: number | null }>;
};

/**
 * Checks every row and says what is wrong with each, field by field; a
 * draft is recorded only when nothing is. Names are workstream names, not
 * in use under another bet and not twice in the draft; every part has an
 * owner who may own it; titles are short enough; dates read as dates, ahead
 * and within reach, in the owner's time zone.
 */
export function checkRows(rows: DraftRow[], rules: PlanRules): { items: PlanItem[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const items: PlanItem[] = [];
  const seen = new Set<string>();
  if (rows.length > maxStreams)
    problems.push({
      row: maxStreams,
      field: "name",
      message: `${rows.length} workstreams is more than a plan takes: at most ${maxStreams}.`,
    });
  rows.slice(0, maxStreams).forEach((row, i) => {
    const say = (field: Field, message: string) => problems.push({ row: i, field, message });
    const name = row.name.trim().replace(/^#/, "").toLowerCase();
    const label = streamName.test(row.name.trim()) ? `#${name}` : `Workstream ${i + 1}`;
    if (!row.name.trim()) say("name", "Name the workstream in one word, e.g. payments.");
    else if (!streamName.test(row.name.trim()))
      say("name", `${echo(row.name, 40)} is not a workstream name: one word, letters, digits, - or _.`);
    else if (seen.has(name)) say("name", `#${name} is in this plan twice.`);
    else {
      const under = rules.streams.get(name)?.betNumber;
      if (under != null && under !== rules.betNumber)
        say("name", `#${name} already carries G${under}; pick another name.`);
    }
    seen.add(name);
    const owner = row.ownerId ? rules.owners.get(row.ownerId) : undefined;
    if (!row.ownerId) say("owner", `${label} has no owner: every workstream needs one.`);
    else if (!owner) say("owner", `${who(row.ownerId)} is not a member of this workspace.`);
    else if ("refusal" in owner) say("owner", owner.refusal);
    const title = row.title.trim();
    if (!title) say("title", "Say what the first milestone is.");
    else if (title.length > maxTitle) say("title", `Keep the milestone under ${maxTitle} characters.`);
    const zone = owner && "timeZone" in owner ? owner.timeZone : "UTC";
    const when = row.due.trim() ? parseWhen(row.due, { now: rules.now, timeZone: zone }) : undefined;
    if (!row.due.trim()) say("date", "Pick a date for the first milestone.");
    else if (!when) say("date", `${echo(row.due, 40)} does not read as a date.`);
    else if (when.at <= rules.now) say("date", "That date has passed. Pick one ahead.");
    else if (tooFarAhead(when.at, rules.now))
      say(
        "date",
        `That is more than ${maxYearsAhead} years ahead. Pick a date within ${maxYearsAhead} years.`,
      );
    if (row.ownerId && owner && "timeZone" in owner && when)
      items.push({ stream: name, ownerId: row.ownerId, title, dueAt: when.at });
  });
  if (rows.length === 0) problems.push({ row: 0, field: "name", message: "Name at least one workstream." });
  return { items: problems.length ? [] : items, problems };
}

/** A user id as a mention; anything else Claude put there, quoted so it pings no one. */
const who = (id: string) => (/^[UW][A-Z0-9]{2,20}$/.test(id) ? mention(id) : echo(id, 40));

/** What Claude is given: the bet, the streams there are, and who may own a part, with their load. */
export type DraftInput = {
  bet: { number: number; title: string; targetDate: string | null };
  today: string;
  streams: Array<{ name: string; ownerId: string; bet: string | null }>;
  members: Array<{ userId: string; name: string; openNextFourWeeks: number }>;
};

// Loose on purpose: a draft of the wrong size or naming the wrong people is
// refused with what was wrong, rather than lost as "unparseable".
const llmAnswer = z.object({
  workstreams: z
    .array(
      z.object({
        name: z.string().max(200),
        owner_user_id: z.string().max(40).nullable(),
        first_milestone: z.string().max(1000),
        due: z.string().max(60),
      }),
    )
    .max(20),
});

const instruction = [
  "Break the CEO's bet below into workstreams the team can run against.",
  `Propose 1 to ${maxStreams} workstreams. Name each in one lowercase word (letters, digits, - or _), not a name already in use under another bet.`,
  "Give each one owner, chosen only from the members listed (use their user_id), preferring people with less open work; and a first milestone: a short concrete deliverable and its due date as YYYY-MM-DD, after today and by the bet's target date when it has one.",
].join(" ");

/**
 * Claude's draft as rows, or why there is none (no key, an error, a timeout,
 * an answer that is not the shape asked for). The rows are not checked here.
 */
export async function draftRows(
  llm: Llm | undefined,
  input: DraftInput,
): Promise<{ rows: DraftRow[] } | { failure: LlmFailure | "no_key" }> {
  if (!llm) return { failure: "no_key" };
  const answer = await llm.structured({
    task: "plan-draft",
    schema: llmAnswer,
    instruction,
    input: JSON.stringify(input, null, 1),
    maxTokens: 1200,
  });
  if (!answer.ok) return { failure: answer.reason };
  return {
    rows: answer.value.workstreams.map((w) => ({
      name: w.name,
      ownerId: w.owner_user_id,
      title: w.first_milestone,
      due: w.due,
    })),
  };
}
