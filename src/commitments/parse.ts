import { z } from "zod";
import { badInput } from "../errors.js";
import { formatId, parseId } from "../ledger/ids.js";
import { echo, userMentionPattern } from "../slack/mentions.js";
import { describeWallTime, ensureWithinReach, offDay, parseWhen, type When } from "../time/when.js";

export const maxTitle = 300;
const dateExamples = "`Friday`, `tomorrow 5pm`, `2026-12-03` or `in 3 days`";
export const commitExample = "`/coo commit ship the pricing page by Friday for @dana`";

const title = z
  .string()
  .trim()
  .min(1, "Say what will be delivered")
  .max(maxTitle, `Keep what will be delivered under ${maxTitle} characters`);

/**
 * `/coo commit <what> by <when> [for @owner] [#workstream]`, read in two
 * steps: the shape first, then (once the owner's time zone is known) the date.
 */
export type CommitDraft = {
  ownerId: string | undefined;
  /** `after C12`: this waits on another commitment. */
  after: number | undefined;
  workstream: string | undefined;
  /** Possible (title, date text) splits, the last "by" first. */
  splits: Array<{ title: string; when: string }>;
};

const ownerPattern = new RegExp(`\\s*\\bfor\\s+${userMentionPattern.source}`, "i");
const workstreamPattern = /(?:^|\s)(?:<#C[A-Z0-9]+\|([a-z0-9][\w-]*)>|#([a-z][\w-]*))(?=\s|$)/i;

function cut(text: string, match: RegExpExecArray | null): string {
  return match ? `${text.slice(0, match.index)} ${text.slice(match.index + match[0].length)}`.trim() : text;
}

export function parseCommit(text: string): CommitDraft {
  let rest = text.trim();
  if (rest === "") throw badInput(`Say what, and by when: ${commitExample}`);
  const owner = ownerPattern.exec(rest);
  rest = cut(rest, owner);
  const stream = workstreamPattern.exec(rest);
  rest = cut(rest, stream);
  const after = /(?:^|\s)after\s+c(\d{1,9})(?=\s|$)/i.exec(rest);
  rest = cut(rest, after);
  // "by" can appear in the title ("write it by hand by Friday"): the date is
  // the last "by ..." that reads wholly as a date.
  const splits = [...rest.matchAll(/(?:^|\s+)by\s+/gi)]
    .reverse()
    .map((m) => ({ title: rest.slice(0, m.index), when: rest.slice(m.index + m[0].length) }));
  if (splits.length === 0) throw badInput(`When is it due? Add \`by <when>\`, e.g. ${commitExample}`);
  return {
    ownerId: owner?.[1],
    after: after ? Number(after[1]) : undefined,
    workstream: (stream?.[1] ?? stream?.[2])?.toLowerCase(),
    splits,
  };
}

/** The title and due date of a draft, with the date read in `timeZone`. */
export function readCommitDue(
  draft: CommitDraft,
  options: { now: Date; timeZone: string },
): { title: string; due: When } {
  for (const split of draft.splits) {
    const when = parseWhen(split.when, options);
    if (!when) continue;
    const checked = title.safeParse(split.title);
    if (!checked.success) throw badInput(`${checked.error.issues[0]?.message}: ${commitExample}`);
    return { title: checked.data, due: ensureFuture(when, options.now, split.when) };
  }
  throw badInput(
    `I can't read ${echo(draft.splits[0]?.when ?? "")} as a date. Try ${dateExamples}: ${commitExample}`,
  );
}

/** A date people gave for work: ahead of now, and within reach (see `maxYearsAhead`). */
export function ensureFuture(when: When, now: Date, typed: string): When {
  if (when.at <= now) {
    throw badInput(`${echo(typed)} is in the past. Give a date ahead, e.g. ${dateExamples}.`);
  }
  ensureWithinReach(when.at, now, typed, dateExamples);
  return when;
}

/**
 * A due date on the owner's day off is kept (people do plan weekend work),
 * but said out loud, with the command that moves it to the next working day:
 * "That's a Saturday. If you meant the next working day: `/coo slip C4 to Mon
 * 7 Dec 17:00`". Empty on a working day.
 */
export function offDayNote(number: number, due: Date, timeZone: string, now: Date): string {
  const off = offDay(due, timeZone);
  if (!off) return "";
  const next = describeWallTime(off.nextWorkingDay, timeZone, now);
  return ` That's a ${off.dayName}. If you meant the next working day: \`/coo slip ${formatId("commitment", number)} to ${next}\`.`;
}

export function parseDate(text: string, options: { now: Date; timeZone: string }, usage: string): When {
  const when = parseWhen(text, options);
  if (!when) throw badInput(`I can't read ${echo(text)} as a date. Try ${dateExamples}: ${usage}`);
  return ensureFuture(when, options.now, text);
}

/** One commitment id and nothing else: `C12`, `#12` or `12`. */
export function parseCommitmentId(text: string, usage: string): number {
  const word = text.trim();
  if (word === "") throw badInput(`Which commitment? ${usage}`);
  const id = parseId("commitment", word);
  if (id === undefined) {
    throw badInput(
      `${echo(word)} is not a commitment id. Ids look like \`C12\`; \`/coo commitments\` shows them. ${usage}`,
    );
  }
  return id;
}

const reason = z.string().trim().max(500, "Keep the reason under 500 characters");

/** `<id> [because ...]` */
export function parseIdAndReason(
  text: string,
  usage: string,
): { number: number; reason: string | undefined } {
  const match = /^(\S+)(?:\s+(?:because\s+)?([\s\S]*))?$/i.exec(text.trim());
  const number = parseCommitmentId(match?.[1] ?? "", usage);
  const why = reason.safeParse(match?.[2] ?? "");
  if (!why.success) throw badInput(`${why.error.issues[0]?.message}. ${usage}`);
  return { number, reason: why.data || undefined };
}

/** `<id> to <when> [because ...]` */
export function parseSlip(
  text: string,
  usage: string,
): { number: number; when: string; reason: string | undefined } {
  const match = /^(\S+)\s+(?:to\s+)?([\s\S]+?)(?:\s+because\s+([\s\S]+))?$/i.exec(text.trim());
  if (!match) throw badInput(`Which commitment, and to when? ${usage}`);
  const number = parseCommitmentId(match[1] ?? "", usage);
  const why = reason.safeParse(match[3] ?? "");
  if (!why.success) throw badInput(`${why.error.issues[0]?.message}. ${usage}`);
  return { number, when: match[2] ?? "", reason: why.data || undefined };
}

/** `<id> to @user [because ...]` */
export function parseReassign(
  text: string,
  usage: string,
): { number: number; to: string; reason: string | undefined } {
  const match = new RegExp(
    `^(\\S+)\\s+(?:to\\s+)?${userMentionPattern.source}(?:\\s+(?:because\\s+)?([\\s\\S]+))?$`,
    "i",
  ).exec(text.trim());
  if (!match) throw badInput(`Which commitment, and to whom? ${usage}`);
  const why = reason.safeParse(match[3] ?? "");
  if (!why.success) throw badInput(`${why.error.issues[0]?.message}. ${usage}`);
  return {
    number: parseCommitmentId(match[1] ?? "", usage),
    to: match[2] ?? "",
    reason: why.data || undefined,
  };
}

export type ListTarget =
  | { kind: "mine" }
  | { kind: "user"; userId: string }
  | { kind: "workstream"; name: string }
  | { kind: "all" };

/** `[@user | #workstream | all]` */
export function parseListTarget(text: string, usage: string): ListTarget {
  const word = text.trim();
  if (word === "") return { kind: "mine" };
  if (word.toLowerCase() === "all") return { kind: "all" };
  const user = new RegExp(`^${userMentionPattern.source}$`).exec(word);
  if (user?.[1]) return { kind: "user", userId: user[1] };
  const stream = /^(?:<#C[A-Z0-9]+\|([a-z0-9][\w-]*)>|#([a-z][\w-]*))$/i.exec(word);
  if (stream) return { kind: "workstream", name: (stream[1] ?? stream[2] ?? "").toLowerCase() };
  throw badInput(`I can list commitments for a person, a workstream or everyone: ${usage}`);
}
