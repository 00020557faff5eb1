import type { webApi } from "@slack/bolt";
import { createBlocker } from "../blockers/ledger.js";
import type { KindHandler, RunContext } from "../cadence/engine.js";
import { createCommitment } from "../commitments/ledger.js";
import type { Deps } from "../deps.js";
import type { Blocker, CadenceRun, Commitment, StandupAnswer } from "../generated/prisma/client.js";
import { groupBy } from "../group.js";
import { formatId } from "../ledger/ids.js";
import { profileOf } from "../people/people.js";
import { context, section } from "../slack/blocks.js";
import { count, intoMessages, sections, someOf } from "../slack/fit.js";
import { shorten } from "../slack/limits.js";
import { channelMembers } from "../slack/members.js";
import { mention, quote } from "../slack/mentions.js";
import type { Outgoing } from "../slack/outbox.js";
import { describeDay, parseWhen, slackDate, tooFarAhead } from "../time/when.js";
import { extractItems, todayPart } from "./extract.js";

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
      const lines = summaryLines(run, answers, { commitments, blockers, timeZone: cadence.timezone, now });
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
  made: { commitments: Commitment[]; blockers: Blocker[]; timeZone: string; now: Date },
): string[] {
  const byUser = groupBy(answers, (a) => a.userId);
  const doing = [...byUser.entries()].map(
    ([user, list]) =>
      `• ${mention(user)}: ${shorten(quote(doingLine(list.map((a) => a.text).join("\n"))), doingLength)}`,
  );
  const blockers = made.blockers.map(
    (b) => `• *${formatId("blocker", b.number)}* ${quote(b.text)} (${mention(b.reporterId)})`,
  );
  const commitments = made.commitments.map(
    (c) =>
      `• *${formatId("commitment", c.number)}* ${quote(c.title)} (${mention(c.ownerId)}), due ${slackDate(c.dueAt, made.timeZone, made.now)}`,
  );
  const missing = run.participants.filter((p) => !byUser.has(p));
  return [
    `*Standup summary*: ${count(byUser.size)} of ${count(run.participants.length)} answered.`,
    ...(doing.length ? doing : ["Nobody answered."]),
    blockers.length ? `*Blockers raised* (${count(blockers.length)})` : "*Blockers raised*: none",
    ...blockers,
    commitments.length ? `*Commitments made* (${count(commitments.length)})` : "*Commitments made*: none",
    ...commitments,
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
  const commitmentNumbers: number[] = [];
  // A promise already on the ledger is a mention of it, not a new commitment.
  const known = new Set(
    (
      await deps.db.commitment.findMany({
        where: { workspaceId: run.workspaceId, ownerId: userId, status: "open" },
        select: { title: true },
      })
    ).map((c) => c.title.trim().toLowerCase()),
  );
  for (const c of items.commitments) {
    const due = parseWhen(c.dueText, { now, timeZone: author.timeZone });
    if (!due || due.at <= now || tooFarAhead(due.at, now) || known.has(c.title.trim().toLowerCase()))
      continue;
    const row = await createCommitment(deps, {
      workspaceId: run.workspaceId,
      actorId: userId,
      ownerId: userId,
      title: c.title.slice(0, 300),
      dueAt: due.at,
      channelId: run.channelId,
      sourcePermalink: link,
    });
    commitmentNumbers.push(row.number);
  }
  const blockerNumbers: number[] = [];
  for (const b of items.blockers) {
    const row = await createBlocker(deps, {
      workspaceId: run.workspaceId,
      reporterId: userId,
      text: b.text.slice(0, 500),
      waitingOnId: b.waitingOnId,
      waitingOnText: b.waitingOnText?.slice(0, 100),
      channelId: run.channelId,
      sourcePermalink: link,
    });
    blockerNumbers.push(row.number);
  }
  await recordMentions(deps, run, userId, text, commitmentNumbers, now);
  deps.log.info("standup answer recorded", {
    run: run.id,
    user: userId,
    via,
    by: items.by,
    commitments: commitmentNumbers.length,
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
