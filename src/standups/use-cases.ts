import type { webApi } from "@slack/bolt";
import { createBlocker, resolveBlocker } from "../blockers/ledger.js";
import type { KindHandler, RunContext } from "../cadence/engine.js";
import { dropCommitment, recordOwnPromise, sameWork, slipCommitment } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import type { Blocker, CadenceRun, Commitment, StandupAnswer } from "../generated/prisma/client.js";
import { groupBy } from "../group.js";
import { formatId } from "../ledger/ids.js";
import { actorFor, profileOf } from "../people/people.js";
import { context, section } from "../slack/blocks.js";
import { intoMessages, sections, someOf } from "../slack/fit.js";
import { shorten } from "../slack/limits.js";
import { channelMembers } from "../slack/members.js";
import { mention, quote } from "../slack/mentions.js";
import type { Outgoing } from "../slack/outbox.js";
import { describeDay, parseWhen, slackDate, tooFarAhead } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import { count } from "../words.js";
import { type Extracted, extractItems, todayPart } from "./extract.js";

export const defaultQuestions = [
  "What did you finish since the last standup?",
  "What will you get done today, and by when?",
  "Anything blocking you? (who or what are you waiting on)",
];

/** Channel members minus bots and minus people out of office at the slot. */
export async function participantsOf(
  deps: Deps,
  client: webApi.WebClient,
  ctx: Pick<RunContext, "cadence" | "run">,
): Promise<string[]> {
  const { cadence, run } = ctx;
  let members = cadence.participants;
  if (members.length === 0) {
    members = await channelMembers(client, cadence.channelId);
    const self = await client.auth.test();
    members = members.filter((m) => m !== self.user_id);
  }
  const away = await deps.db.person.findMany({
    where: { workspaceId: cadence.workspaceId, slackUserId: { in: members }, oooUntil: { gt: run.slot } },
    select: { slackUserId: true },
  });
  const out = new Set(away.map((p) => p.slackUserId));
  return members.filter((m) => !out.has(m));
}

async function permalink(client: webApi.WebClient, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
  } catch {
    return undefined;
  }
}

export function standupHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { cadence, run, client, now } = ctx;
      const participants = await participantsOf(deps, client, ctx);
      const title = `Standup for ${describeDay(run.slot, cadence.timezone, now)}`;
      const questions = (cadence.questions.length ? cadence.questions : defaultQuestions)
        .map((q, i) => `${i + 1}. ${q}`)
        .join("\n");
      // Named while the names fit in one line someone reads; beyond that, counted.
      const people =
        participants.length <= maxRootMentions
          ? participants.map(mention).join(" ")
          : `Everyone here (${count(participants.length)} people)`;
      const viaDm = await deps.db.person.findMany({
        where: { workspaceId: cadence.workspaceId, slackUserId: { in: participants }, standupViaDm: true },
        select: { slackUserId: true },
      });
      const messages: Outgoing[] = [
        {
          workspaceId: cadence.workspaceId,
          channel: cadence.channelId,
          text: `${title}\n${questions}`,
          blocks: [
            section(`*${title}*\n${questions}`),
            context(
              `${people || "Everyone here"}: reply in this thread. Dated promises become commitments, blockers go to the queue.`,
            ),
          ],
          purpose: "standup_root",
          runId: run.id,
          cadenceId: cadence.id,
        },
        ...viaDm.map(({ slackUserId }) => ({
          workspaceId: cadence.workspaceId,
          userId: slackUserId,
          text: `*${title}* in <#${cadence.channelId}>\n${questions}\nReply here; I'll post your answer's summary in the thread.`,
        })),
      ];
      return { participants, messages };
    },

    async remind({ run, cadence, client, now }) {
      const answered = await answeredBy(deps, run.id);
      const away = await deps.db.person.findMany({
        where: { workspaceId: run.workspaceId, slackUserId: { in: run.participants }, oooUntil: { gt: now } },
        select: { slackUserId: true },
      });
      const skip = new Set([...answered, ...away.map((p) => p.slackUserId)]);
      const link = run.rootTs ? await permalink(client, run.channelId, run.rootTs) : undefined;
      return run.participants
        .filter((p) => !skip.has(p))
        .map((userId) => ({
          workspaceId: run.workspaceId,
          userId,
          text: `Reminder: today's standup in <#${cadence.channelId}> is still open.${link ? ` Reply in the thread: ${link}` : ""}`,
        }));
    },

    async close({ run, cadence, now }) {
      if (!run.rootTs) return [];
      const answers = await deps.db.standupAnswer.findMany({
        where: { runId: run.id },
        orderBy: { createdAt: "asc" },
      });
      const [commitments, blockers] = await Promise.all([
        deps.db.commitment.findMany({
          where: {
            workspaceId: run.workspaceId,
            number: { in: answers.flatMap((a) => a.commitmentNumbers) },
          },
          orderBy: { number: "asc" },
        }),
        deps.db.blocker.findMany({
          where: { workspaceId: run.workspaceId, number: { in: answers.flatMap((a) => a.blockerNumbers) } },
          orderBy: { number: "asc" },
        }),
      ]);
      // Work already on the ledger that answers named (a near-duplicate links, not adds).
      const named = await deps.db.commitment.findMany({
        where: {
          workspaceId: run.workspaceId,
          mentions: { some: { runId: run.id } },
          number: { notIn: commitments.map((c) => c.number) },
        },
        orderBy: { number: "asc" },
      });
      const lines = summaryLines(run, answers, {
        commitments,
        blockers,
        named,
        timeZone: cadence.timezone,
        now,
      });
      const headline = `Standup summary: ${count(new Set(answers.map((a) => a.userId)).size)} of ${count(run.participants.length)} answered.`;
      const pages = intoMessages(sections(lines), (i, n) =>
        context(`*Standup summary*, continued (${i} of ${n})`),
      );
      return pages.map((blocks, i) => ({
        workspaceId: run.workspaceId,
        channel: run.channelId,
        threadTs: run.rootTs ?? undefined,
        text: i === 0 ? headline : `Standup summary, continued (${i + 1} of ${pages.length})`,
        blocks,
        cadenceId: cadence.id,
      }));
    },
  };
}

async function answeredBy(deps: Deps, runId: number): Promise<Set<string>> {
  const rows = await deps.db.standupAnswer.findMany({
    where: { runId },
    select: { userId: true },
    distinct: ["userId"],
  });
  return new Set(rows.map((r) => r.userId));
}

/** What each person is doing, shortened to this many characters. */
const doingLength = 160;
/** The standup root names everyone up to this many people; a larger channel is counted. */
const maxRootMentions = 25;
/** "No answer" names this many people, then counts the rest. */
const maxMissingNamed = 30;

/** The first line that says what someone is doing today, or their first line. */
function doingLine(text: string): string {
  const lines = text
    .split(/\n+/)
    .map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, "").trim())
    .filter(Boolean);
  const today = lines.find((l) => /^(today|plan|next)\s*[:\-–]/i.test(l));
  const line = (today ?? lines.find((l) => !/^(yesterday|done)\s*[:\-–]/i.test(l)) ?? lines[0] ?? "").replace(
    /^[a-z]+\s*[:\-–]\s*/i,
    "",
  );
  return line;
}

/**
 * The summary as lines (packed into sections by the caller): who answered
 * and what each is on, the blockers raised and commitments made, by title,
 * and who did not answer (named up to a point, then counted).
 */
export function summaryLines(
  run: Pick<CadenceRun, "participants">,
  answers: StandupAnswer[],
  made: { commitments: Commitment[]; blockers: Blocker[]; named?: Commitment[]; timeZone: string; now: Date },
): string[] {
  const byUser = groupBy(answers, (a) => a.userId);
  const doing = [...byUser.entries()].map(
    ([user, list]) =>
      `• ${mention(user)}: ${shorten(quote(doingLine(list.map((a) => a.text).join("\n"))), doingLength)}`,
  );
  const blockers = made.blockers.map(
    (b) => `• *${formatId("blocker", b.number)}* ${quote(b.text)} (${mention(b.reporterId)})`,
  );
  const line = (c: Commitment) =>
    `• *${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}), due ${slackDate(c.dueAt, made.timeZone, made.now)}`;
  const commitments = made.commitments.map(line);
  const named = (made.named ?? []).map(line);
  const missing = run.participants.filter((p) => !byUser.has(p));
  return [
    `*Standup summary*: ${count(byUser.size)} of ${count(run.participants.length)} answered.`,
    ...(doing.length ? doing : ["Nobody answered."]),
    blockers.length ? `*Blockers raised* (${count(blockers.length)})` : "*Blockers raised*: none",
    ...blockers,
    commitments.length ? `*Commitments made* (${count(commitments.length)})` : "*Commitments made*: none",
    ...commitments,
    ...(named.length ? [`*Already on the ledger, named today* (${count(named.length)})`, ...named] : []),
    missing.length
      ? `*No answer* (${count(missing.length)}): ${someOf(missing.map(mention), maxMissingNamed)}`
      : "*No answer*: nobody, thank you all",
  ];
}

/**
 * Records one reply to a standup and turns it into commitments and blockers,
 * each linking back to the message. A redelivered message is recorded once.
 */
export async function recordAnswer(
  deps: Deps,
  client: webApi.WebClient,
  input: { run: CadenceRun; userId: string; text: string; ts: string; channel: string; via: "thread" | "dm" },
): Promise<StandupAnswer | undefined> {
  const { run, userId, text, ts, channel, via } = input;
  const created = await deps.db.standupAnswer.createMany({
    data: [{ workspaceId: run.workspaceId, runId: run.id, userId, text, messageTs: ts, via }],
    skipDuplicates: true,
  });
  if (created.count === 0) return undefined;
  const link = await permalink(client, channel, ts);
  const now = deps.clock.now();
  const author = await profileOf(deps, client, run.workspaceId, userId);
  const items = await extractItems(deps.llm, text, now);
  const promises = await keepPromises(
    deps,
    run,
    userId,
    author.timeZone,
    datedPromises(items, author.timeZone, now),
    link,
  );
  const blockerNumbers: number[] = [];
  for (const b of items.blockers)
    blockerNumbers.push((await raiseBlocker(deps, run, userId, b, link)).number);
  const commitmentNumbers = promises.made;
  await recordMentions(deps, run, userId, text, [...commitmentNumbers, ...promises.linked], now);
  await mentionFromAnswer(deps, run, promises.linked, now);
  deps.log.info("standup answer recorded", {
    run: run.id,
    user: userId,
    via,
    by: items.by,
    commitments: commitmentNumbers.length,
    linked: promises.linked.length,
    blockers: blockerNumbers.length,
  });
  return deps.db.standupAnswer.update({
    where: { runId_messageTs: { runId: run.id, messageTs: ts } },
    data: { permalink: link ?? null, commitmentNumbers, blockerNumbers },
  });
}

/**
 * Open commitments of the author that this answer names as current work (by
 * id, "C12", or by title): each gets a sign of life, and a mention for drift.
 */
async function recordMentions(
  deps: Deps,
  run: CadenceRun,
  userId: string,
  text: string,
  justMade: number[],
  now: Date,
) {
  const today = todayPart(text).toLowerCase();
  const ids = new Set([...today.matchAll(/\bc(\d{1,9})\b/g)].map((m) => Number(m[1])));
  const open = await deps.db.commitment.findMany({
    where: { workspaceId: run.workspaceId, ownerId: userId, status: "open", number: { notIn: justMade } },
    select: { id: true, number: true, title: true },
  });
  const named = open.filter(
    (c) => ids.has(c.number) || (c.title.length >= 6 && today.includes(c.title.toLowerCase())),
  );
  if (named.length === 0) return;
  await deps.db.commitmentMention.createMany({
    data: named.map((c) => ({
      workspaceId: run.workspaceId,
      commitmentId: c.id,
      runId: run.id,
      cadenceId: run.cadenceId,
      at: now,
    })),
    skipDuplicates: true,
  });
  await deps.db.commitment.updateMany({
    where: { id: { in: named.map((c) => c.id) } },
    data: { lastTouchedAt: now },
  });
}

type Promised = { title: string; dueAt: Date };

/** The dated promises of an answer that coo can record: a date it reads, in the future, within reach. */
function datedPromises(items: Extracted, timeZone: string, now: Date): Promised[] {
  const out: Promised[] = [];
  for (const c of items.commitments) {
    const due = parseWhen(c.dueText, { now, timeZone });
    if (!due || due.at <= now || tooFarAhead(due.at, now)) continue;
    out.push({ title: c.title.slice(0, 300), dueAt: due.at });
  }
  return out;
}

/**
 * One commitment per owner and piece of work: a promise that names work the
 * author already has open, due the same day in their time zone, is a sign of
 * life on that commitment (linked), not a second one; the rest are recorded.
 */
async function keepPromises(
  deps: Deps,
  run: CadenceRun,
  userId: string,
  timeZone: string,
  promises: Promised[],
  link: string | undefined,
): Promise<{ made: number[]; linked: number[] }> {
  const open = await deps.db.commitment.findMany({
    where: { workspaceId: run.workspaceId, ownerId: userId, status: "open" },
    select: { number: true, title: true, dueAt: true },
  });
  const made: number[] = [];
  const linked: number[] = [];
  for (const p of promises) {
    const same = open.find(
      (c) =>
        c.title.trim().toLowerCase() === p.title.trim().toLowerCase() ||
        (sameWork(c.title, p.title) && isoDate(c.dueAt, timeZone) === isoDate(p.dueAt, timeZone)),
    );
    if (same) {
      if (!made.includes(same.number) && !linked.includes(same.number)) linked.push(same.number);
      continue;
    }
    const row = await recordOwnPromise(deps, {
      workspaceId: run.workspaceId,
      ownerId: userId,
      title: p.title,
      dueAt: p.dueAt,
      channelId: run.channelId,
      sourcePermalink: link,
    });
    made.push(row.number);
    open.push({ number: row.number, title: row.title, dueAt: row.dueAt });
  }
  return { made, linked };
}

function raiseBlocker(
  deps: Deps,
  run: CadenceRun,
  userId: string,
  b: Extracted["blockers"][number],
  link: string | undefined,
) {
  return createBlocker(deps, {
    workspaceId: run.workspaceId,
    reporterId: userId,
    text: b.text.slice(0, 500),
    waitingOnId: b.waitingOnId,
    waitingOnText: b.waitingOnText?.slice(0, 100),
    channelId: run.channelId,
    sourcePermalink: link,
  });
}

/** A commitment an answer named again: a mention in this run and a sign of life. */
async function mentionFromAnswer(deps: Deps, run: CadenceRun, numbers: number[], now: Date) {
  if (numbers.length === 0) return;
  const rows = await deps.db.commitment.findMany({
    where: { workspaceId: run.workspaceId, number: { in: numbers } },
    select: { id: true },
  });
  await deps.db.commitmentMention.createMany({
    data: rows.map((c) => ({
      workspaceId: run.workspaceId,
      commitmentId: c.id,
      runId: run.id,
      cadenceId: run.cadenceId,
      at: now,
    })),
    skipDuplicates: true,
  });
  await deps.db.commitment.updateMany({
    where: { id: { in: rows.map((c) => c.id) } },
    data: { lastTouchedAt: now },
  });
}

/** The standup answer behind a message, while its standup is still open. */
async function openAnswer(deps: Deps, workspaceId: string, messageTs: string, userId: string | undefined) {
  const answer = await deps.db.standupAnswer.findFirst({
    where: { workspaceId, messageTs, ...(userId ? { userId } : {}) },
    include: { run: true },
  });
  if (!answer) return { found: false as const };
  if (answer.run.status !== "open") return { found: true as const, open: undefined };
  return { found: true as const, open: answer };
}

/**
 * An answer edited while its standup is open: what it records follows the
 * new text. A promise still there keeps its commitment (re-dated if its date
 * changed), a promise gone is dropped, a new one recorded; a blocker gone is
 * resolved, a new one raised. Every change is the author's, with a reason in
 * the commitment's history. False when the message is no open answer.
 */
export async function reviseAnswer(
  deps: Deps,
  client: webApi.WebClient,
  input: { workspaceId: string; userId: string; ts: string; text: string },
): Promise<boolean> {
  const { found, open: answer } = await openAnswer(deps, input.workspaceId, input.ts, input.userId);
  if (!found) return false;
  if (!answer) {
    deps.log.info("standup answer edited after its standup closed: left as it was", { user: input.userId });
    return true;
  }
  if (answer.text === input.text) return true;
  const { run } = answer;
  const now = deps.clock.now();
  const actor = await actorFor(deps, client, run.workspaceId, input.userId);
  const items = await extractItems(deps.llm, input.text, now);
  const promised = datedPromises(items, actor.timeZone, now);

  const made = await deps.db.commitment.findMany({
    where: { workspaceId: run.workspaceId, number: { in: answer.commitmentNumbers } },
    orderBy: { number: "asc" },
  });
  const commitmentNumbers = made.filter((c) => c.status !== "open").map((c) => c.number);
  const fresh: Promised[] = [];
  const unmatched = made.filter((c) => c.status === "open");
  for (const p of promised) {
    const i = unmatched.findIndex((c) => sameWork(c.title, p.title));
    const kept = i >= 0 ? unmatched.splice(i, 1)[0] : undefined;
    if (!kept) {
      fresh.push(p);
      continue;
    }
    commitmentNumbers.push(kept.number);
    if (kept.dueAt.getTime() !== p.dueAt.getTime())
      await tryChange(deps, () =>
        slipCommitment(deps, actor, {
          workspaceId: run.workspaceId,
          number: kept.number,
          to: p.dueAt,
          reason: editedReason,
        }),
      );
  }
  for (const c of unmatched)
    await tryChange(deps, () =>
      dropCommitment(deps, actor, { workspaceId: run.workspaceId, number: c.number, reason: removedReason }),
    );
  const added = await keepPromises(
    deps,
    run,
    input.userId,
    actor.timeZone,
    fresh,
    answer.permalink ?? undefined,
  );
  commitmentNumbers.push(...added.made);
  await mentionFromAnswer(deps, run, added.linked, now);

  const raised = await deps.db.blocker.findMany({
    where: { workspaceId: run.workspaceId, number: { in: answer.blockerNumbers } },
    orderBy: { number: "asc" },
  });
  const blockerNumbers = raised.filter((b) => b.status !== "open").map((b) => b.number);
  const stillOpen = raised.filter((b) => b.status === "open");
  for (const b of items.blockers) {
    const i = stillOpen.findIndex((x) => x.text === b.text.slice(0, 500) || sameWork(x.text, b.text));
    const kept = i >= 0 ? stillOpen.splice(i, 1)[0] : undefined;
    blockerNumbers.push(
      kept
        ? kept.number
        : (await raiseBlocker(deps, run, input.userId, b, answer.permalink ?? undefined)).number,
    );
  }
  for (const b of stillOpen)
    await tryChange(deps, () =>
      resolveBlocker(deps, { workspaceId: run.workspaceId, number: b.number, actor }),
    );

  await deps.db.standupAnswer.update({
    where: { id: answer.id },
    data: { text: input.text, commitmentNumbers, blockerNumbers },
  });
  deps.log.info("standup answer edited", {
    run: run.id,
    user: input.userId,
    commitments: commitmentNumbers.length,
    blockers: blockerNumbers.length,
  });
  return true;
}

/**
 * An answer deleted while its standup is open is retracted: the commitments
 * it made are dropped ("answer deleted"), the blockers it raised resolved,
 * and it no longer counts as an answer. Nothing another answer made changes.
 */
export async function retractAnswer(
  deps: Deps,
  client: webApi.WebClient,
  input: { workspaceId: string; userId: string | undefined; ts: string },
): Promise<boolean> {
  const { found, open: answer } = await openAnswer(deps, input.workspaceId, input.ts, input.userId);
  if (!found || !answer) return found;
  const { run } = answer;
  const actor = await actorFor(deps, client, run.workspaceId, answer.userId);
  const made = await deps.db.commitment.findMany({
    where: { workspaceId: run.workspaceId, number: { in: answer.commitmentNumbers }, status: "open" },
  });
  for (const c of made)
    await tryChange(deps, () =>
      dropCommitment(deps, actor, { workspaceId: run.workspaceId, number: c.number, reason: deletedReason }),
    );
  const raised = await deps.db.blocker.findMany({
    where: { workspaceId: run.workspaceId, number: { in: answer.blockerNumbers }, status: "open" },
  });
  for (const b of raised)
    await tryChange(deps, () =>
      resolveBlocker(deps, { workspaceId: run.workspaceId, number: b.number, actor }),
    );
  await deps.db.standupAnswer.delete({ where: { id: answer.id } });
  deps.log.info("standup answer deleted", { run: run.id, user: answer.userId, dropped: made.length });
  return true;
}

const editedReason = "standup answer edited";
const removedReason = "promise removed from the edited standup answer";
const deletedReason = "answer deleted";

/** A change someone made meanwhile (done, dropped, resolved) wins over the edit. */
async function tryChange(deps: Deps, change: () => Promise<unknown>) {
  try {
    await change();
  } catch (error) {
    if (!(error instanceof CooError)) throw error;
    deps.log.info("standup edit left a changed item as it was", { code: error.code });
  }
}
