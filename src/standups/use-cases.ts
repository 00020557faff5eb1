import { availability, heldUntil, offForTheDay } from "../availability/use-cases.js";
import { openBetsRollup } from "../bets/use-cases.js";
import { createBlocker, resolveBlocker } from "../blockers/use-cases.js";
import type { KindHandler, RunContext } from "../cadence/use-cases.js";
import { overloadNote } from "../commitments/messages.js";
import {
  capacityCheck,
  dropCommitment,
  recordOwnPromise,
  sameWork,
  slipCommitment,
} from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import type { CadenceRun, StandupAnswer } from "../generated/prisma/client.js";
import { sharedHandoffsOf } from "../handoffs/use-cases.js";
import { enqueue, type Outgoing } from "../jobs/outbox.js";
import type { Actor } from "../policy.js";
import { parseWhen, tooFarAhead } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import { type Extracted, extractByRules, extractItems, todayPart } from "./extract.js";
import {
  type Composed,
  dmAnswerRecorded,
  planningAsk,
  planningNote,
  type Risk,
  standupByDm,
  standupReminder,
  standupRoot,
  standupSummary,
  type Tally,
  type WeeklyReview,
  weeklyReview,
} from "./messages.js";
import {
  answerByMessage,
  answeredBy,
  answeringByDm,
  answersByDm,
  answersOf,
  blockersNumbered,
  commitmentIdsNumbered,
  commitmentsNamedIn,
  commitmentsNumbered,
  completeAnswer,
  deleteAnswer,
  insertAnswer,
  mentionCommitments,
  openBlockersRaisedBy,
  openCommitmentsOf,
  openDueBetween,
  openRunByRoot,
  openStandupFor,
  overdueOf,
  plannedBetween,
  setAnswersByDm,
  updateAnswer,
} from "./queries.js";

/*
 * The standups feature's operations: the standup, the weekly review and
 * planning as the scheduler's handlers (each reads, then composes with
 * messages.ts; the scheduler queues what they return), and standup answers
 * recorded, revised and retracted, each turned into commitments and blockers
 * through those features' use cases. None knows Slack: channels and people
 * are asked through `deps.channels` and `deps.people`.
 */

export type { CadenceRun, Commitment, Handoff, StandupAnswer } from "../generated/prisma/client.js";

const day = 24 * 3600_000;
const week = 7 * day;

/** When a run's summary is posted: a prompt or reminder held past it would be about a standup already over. */
const closesAt = (run: CadenceRun, cadence: { closeAfterMinutes: number }) =>
  new Date(run.slot.getTime() + cadence.closeAfterMinutes * 60_000);

/**
 * Channel members (or the cadence's own list) minus people away for the
 * slot's day in their own calendar: on leave (`/coo ooo` or a Slack status),
 * on a public holiday, or on a day they do not work (src/availability/).
 */
export async function participantsOf(
  deps: Deps,
  ctx: Pick<RunContext, "cadence" | "run">,
): Promise<string[]> {
  const { cadence, run } = ctx;
  const members =
    cadence.participants.length > 0
      ? cadence.participants
      : await deps.channels.members(cadence.workspaceId, cadence.channelId);
  const away = await offForTheDay(deps, cadence.workspaceId, members, run.slot);
  return members.filter((m) => !away.has(m));
}

/**
 * DMs to people, each held until its person is at work (outside their
 * hours at the slot, in another zone): sent when they start, or not at all
 * when they are not back before the run closes (`expires`).
 */
async function heldForEach(
  deps: Deps,
  workspaceId: string,
  messages: Array<Outgoing & { userId: string }>,
  expires: Date,
): Promise<Outgoing[]> {
  const now = deps.clock.now();
  const people = await availability(
    deps,
    workspaceId,
    messages.map((m) => m.userId),
    now,
  );
  const out: Outgoing[] = [];
  for (const m of messages) {
    const hold = heldUntil(deps, people.get(m.userId), expires);
    if (hold === null) continue;
    out.push(hold ? { ...m, notBefore: hold } : m);
  }
  return out;
}

/** A composed message to a channel or a person of the run's workspace. */
const to = (
  workspaceId: string,
  where: { channel: string; threadTs?: string | undefined } | { userId: string },
  composed: Composed,
  extra: Pick<Outgoing, "purpose" | "runId" | "cadenceId"> = {},
): Outgoing => ({
  workspaceId,
  ...("channel" in where
    ? { channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) }
    : { userId: where.userId }),
  ...composed,
  ...extra,
});

// ---------------------------------------------------------------- the daily standup

export function standupHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { cadence, run, now } = ctx;
      const participants = await participantsOf(deps, ctx);
      const viaDm = await answeringByDm(deps, cadence.workspaceId, participants);
      const messages: Outgoing[] = [
        to(
          cadence.workspaceId,
          { channel: cadence.channelId },
          standupRoot(cadence, run.slot, participants, now),
          {
            purpose: "standup_root",
            runId: run.id,
            cadenceId: cadence.id,
          },
        ),
        ...(await heldForEach(
          deps,
          cadence.workspaceId,
          viaDm.map((userId) => ({
            ...to(cadence.workspaceId, { userId }, standupByDm(cadence, run.slot, now)),
            userId,
          })),
          closesAt(run, cadence),
        )),
      ];
      return { participants, messages };
    },

    async remind({ run, cadence, now }) {
      const answered = await answeredBy(deps, run.id);
      const away = await offForTheDay(deps, run.workspaceId, run.participants, now);
      const link = run.rootTs
        ? await deps.channels.permalink(run.workspaceId, run.channelId, run.rootTs)
        : undefined;
      return heldForEach(
        deps,
        run.workspaceId,
        run.participants
          .filter((p) => !answered.has(p) && !away.has(p))
          .map((userId) => ({
            ...to(run.workspaceId, { userId }, standupReminder(cadence.channelId, link)),
            userId,
          })),
        closesAt(run, cadence),
      );
    },

    async close({ run, cadence, now }) {
      if (!run.rootTs) return [];
      const answers = await answersOf(deps, run.id);
      const [commitments, blockers] = await Promise.all([
        commitmentsNumbered(
          deps,
          run.workspaceId,
          answers.flatMap((a) => a.commitmentNumbers),
        ),
        blockersNumbered(
          deps,
          run.workspaceId,
          answers.flatMap((a) => a.blockerNumbers),
        ),
      ]);
      // Work already on the ledger that answers named (a near-duplicate links, not adds).
      const named = await commitmentsNamedIn(
        deps,
        run.workspaceId,
        run.id,
        commitments.map((c) => c.number),
      );
      const pages = standupSummary(run, answers, {
        commitments,
        blockers,
        named,
        timeZone: cadence.timezone,
        now,
      });
      return pages.map((page) =>
        to(run.workspaceId, { channel: run.channelId, threadTs: run.rootTs ?? undefined }, page, {
          cadenceId: cadence.id,
        }),
      );
    },
  };
}

// ---------------------------------------------------------------- the weekly review

/** The most open bets a review names; more are counted. */
const reviewBets = 10;

const noTally = (): Tally => ({ planned: 0, done: 0, onTime: 0, slipped: 0 });

/**
 * The weekly review: the open bets' rollups first; then, for the channel's people, what was planned for the week
 * against what was done and what slipped, by owner and by workstream; open
 * blockers by age; and the three biggest risks, named.
 */
export function reviewHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { run, cadence, now } = ctx;
      const participants = await participantsOf(deps, ctx);
      const planned = await plannedBetween(
        deps,
        cadence.workspaceId,
        participants,
        new Date(run.slot.getTime() - week),
        run.slot,
      );
      const byOwner = new Map<string, Tally>();
      const byStream = new Map<string, Tally>();
      for (const c of planned) {
        for (const [map, key] of [
          [byOwner, c.ownerId],
          [byStream, c.workstream?.name ?? ""],
        ] as const) {
          if (map === byStream && key === "") continue;
          const t = map.get(key) ?? noTally();
          t.planned++;
          if (c.status === "done") t.done++;
          if (c.status === "done" && c.doneAt && c.doneAt <= c.originalDueAt) t.onTime++;
          if (c.dueAt > c.originalDueAt && c.status !== "done") t.slipped++;
          map.set(key, t);
        }
      }
      const total = [...byOwner.values()].reduce(
        (a, t) => ({
          planned: a.planned + t.planned,
          done: a.done + t.done,
          onTime: a.onTime + t.onTime,
          slipped: a.slipped + t.slipped,
        }),
        noTally(),
      );
      const overdue = await overdueOf(deps, cadence.workspaceId, participants, now, 10);
      const blockers = await openBlockersRaisedBy(deps, cadence.workspaceId, participants);
      const blockerAges = { "under 1 day": 0, "1–3 days": 0, "3–7 days": 0, "over 7 days": 0 };
      for (const b of blockers) {
        const d = (now.getTime() - b.openedAt.getTime()) / day;
        blockerAges[d < 1 ? "under 1 day" : d < 3 ? "1–3 days" : d < 7 ? "3–7 days" : "over 7 days"]++;
      }
      const risks: Risk[] = [
        ...overdue.map((commitment) => ({
          score: (now.getTime() - commitment.dueAt.getTime()) / day + 1,
          risk: { kind: "overdue" as const, commitment },
        })),
        ...blockers.map((blocker) => ({
          score: (now.getTime() - blocker.openedAt.getTime()) / day,
          risk: { kind: "blocked" as const, blocker },
        })),
      ]
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((r) => r.risk);
      const handoffs = await sharedHandoffsOf(deps, {
        workspaceId: cadence.workspaceId,
        people: participants,
      });
      const bets = await openBetsRollup(deps, { workspaceId: cadence.workspaceId, limit: reviewBets });
      const review: WeeklyReview = {
        bets,
        slot: run.slot,
        timeZone: cadence.timezone,
        total,
        byOwner,
        byStream,
        blockerAges,
        handoffs: { open: handoffs.length, oldest: handoffs[0] },
        risks,
      };
      return {
        participants,
        messages: weeklyReview(review, now).map((page) =>
          to(cadence.workspaceId, { channel: cadence.channelId }, page, { cadenceId: cadence.id }),
        ),
        closed: true,
      };
    },
  };
}

// ---------------------------------------------------------------- weekly planning

/** Weekly planning: each owner is asked, by DM, to confirm or re-date next week's commitments. */
export function planningHandler(deps: Deps): KindHandler {
  return {
    async open(ctx) {
      const { run, cadence, now } = ctx;
      const participants = await participantsOf(deps, ctx);
      const due = await openDueBetween(
        deps,
        cadence.workspaceId,
        participants,
        run.slot,
        new Date(run.slot.getTime() + week),
      );
      const owners = participants.filter((p) => due.some((c) => c.ownerId === p));
      // The week ahead: the owner's week that holds most of the seven days asked about.
      const capacity = await capacityCheck(deps, {
        workspaceId: cadence.workspaceId,
        ownerIds: owners,
        from: new Date(run.slot.getTime() + week / 2),
        weeks: 1,
      });
      const messages: Outgoing[] = [];
      for (const owner of owners) {
        const mine = due.filter((c) => c.ownerId === owner);
        const theirs = capacity.find((r) => r.ownerId === owner);
        const ahead = theirs?.weeks[0];
        const flag =
          theirs && ahead?.over
            ? overloadNote({ week: ahead, ownerId: owner, viewerId: owner, timeZone: theirs.timeZone, now })
            : undefined;
        messages.push(
          to(
            cadence.workspaceId,
            { userId: owner },
            planningAsk(cadence.channelId, mine, cadence.timezone, now, flag),
          ),
        );
      }
      messages.push(
        to(cadence.workspaceId, { channel: cadence.channelId }, planningNote(messages.length, due.length), {
          cadenceId: cadence.id,
        }),
      );
      return { participants, messages, closed: true };
    },
  };
}

// ---------------------------------------------------------------- answers

/** The open standup whose thread a message is a reply in. */
export async function standupThread(
  deps: Pick<Deps, "db">,
  message: { workspaceId: string; channel: string; ts: string; threadTs?: string | undefined },
): Promise<CadenceRun | undefined> {
  if (!message.threadTs || message.threadTs === message.ts) return undefined;
  return openRunByRoot(deps, message.workspaceId, message.channel, message.threadTs);
}

const userMentionAnywhere = /<@[A-Z0-9]+(\|[^>]*)?>/g;

/**
 * A reply in a standup thread that @mentions coo arrives twice (a message and
 * an app_mention) and is handled once: it is a question for coo when it
 * mentions coo, ends with a question mark and holds no dated promise and no
 * blocker; anything else is a standup answer. Both listeners ask this, on
 * the same text, so they agree (docs/decisions/0018).
 */
export function asksCoo(text: string, cooUserId: string | undefined, now: Date): boolean {
  if (!cooUserId || !new RegExp(`<@${cooUserId}(\\|[^>]*)?>`).test(text)) return false;
  const words = text.replace(userMentionAnywhere, "").trim();
  if (!words.endsWith("?")) return false;
  const read = extractByRules(words, now);
  return read.commitments.length === 0 && read.blockers.length === 0;
}

/** A message someone wrote in a channel or a DM, as an answer sees it. */
export type Said = {
  workspaceId: string;
  userId: string;
  text: string;
  ts: string;
  channel: string;
  threadTs?: string | undefined;
};

/**
 * A reply in an open standup's thread is an answer, unless it is a question
 * put to coo there (routing answers that). True when it was taken as one.
 */
export async function answerInThread(
  deps: Deps,
  said: Said & { cooUserId: string | undefined },
): Promise<boolean> {
  const run = await standupThread(deps, said);
  if (!run || asksCoo(said.text, said.cooUserId, deps.clock.now())) return false;
  await recordAnswer(deps, { run, said, via: "thread" });
  return true;
}

/**
 * An edit: a standup answer follows it; a message that was no answer but is
 * in an open standup's thread becomes one.
 */
export async function editAnswer(deps: Deps, said: Said & { cooUserId: string | undefined }): Promise<void> {
  if (await reviseAnswer(deps, said)) return;
  if (said.text) await answerInThread(deps, said);
}

/**
 * A DM from someone who answers standups by DM, while their standup is open,
 * is their answer; they are told it was taken. True when it was taken as one
 * (routing handles the rest).
 */
export async function tryRecordDmAnswer(deps: Deps, said: Said): Promise<boolean> {
  if (!said.userId || !said.text) return false;
  if (!(await answersByDm(deps, said.workspaceId, said.userId))) return false;
  const run = await openStandupFor(deps, said.workspaceId, said.userId);
  if (!run) return false;
  await recordAnswer(deps, { run, said, via: "dm" });
  const ids = await deps.db.$transaction((tx) =>
    enqueue(tx, [
      to(
        said.workspaceId,
        { channel: said.channel, threadTs: said.threadTs },
        dmAnswerRecorded(run.channelId),
      ),
    ]),
  );
  await deps.outbox.deliver(ids);
  return true;
}

/** `/coo standup dm on|off`: whether the actor gets standup questions by DM and answers there. */
export async function answerStandupsByDm(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; on: boolean },
): Promise<void> {
  await setAnswersByDm(deps, input.workspaceId, actor.slackUserId, input.on);
}

/**
 * Records one reply to a standup and turns it into commitments and blockers,
 * each linking back to the message. A redelivered message is recorded once.
 */
async function recordAnswer(
  deps: Deps,
  input: { run: CadenceRun; said: Said; via: "thread" | "dm" },
): Promise<StandupAnswer | undefined> {
  const { run, via } = input;
  const { userId, text, ts, channel } = input.said;
  const recorded = await insertAnswer(deps, {
    workspaceId: run.workspaceId,
    runId: run.id,
    userId,
    text,
    messageTs: ts,
    via,
  });
  if (!recorded) return undefined;
  const link = await deps.channels.permalink(run.workspaceId, channel, ts);
  const now = deps.clock.now();
  const author = await deps.people.profile(run.workspaceId, userId);
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
  return completeAnswer(deps, run.id, ts, { permalink: link ?? null, commitmentNumbers, blockerNumbers });
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
  const open = await openCommitmentsOf(deps, run.workspaceId, userId, justMade);
  const named = open.filter(
    (c) => ids.has(c.number) || (c.title.length >= 6 && today.includes(c.title.toLowerCase())),
  );
  await mentionCommitments(
    deps,
    run,
    named.map((c) => c.id),
    now,
  );
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
  const open = await openCommitmentsOf(deps, run.workspaceId, userId);
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
    open.push({ id: row.id, number: row.number, title: row.title, dueAt: row.dueAt });
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
  await mentionCommitments(deps, run, await commitmentIdsNumbered(deps, run.workspaceId, numbers), now);
}

/** The standup answer behind a message, while its standup is still open. */
async function openAnswer(deps: Deps, workspaceId: string, messageTs: string, userId: string | undefined) {
  const answer = await answerByMessage(deps, workspaceId, messageTs, userId);
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
async function reviseAnswer(deps: Deps, input: Said): Promise<boolean> {
  const { found, open: answer } = await openAnswer(deps, input.workspaceId, input.ts, input.userId);
  if (!found) return false;
  if (!answer) {
    deps.log.info("standup answer edited after its standup closed: left as it was", { user: input.userId });
    return true;
  }
  if (answer.text === input.text) return true;
  const { run } = answer;
  const now = deps.clock.now();
  const actor = await deps.people.actor(run.workspaceId, input.userId);
  const items = await extractItems(deps.llm, input.text, now);
  const promised = datedPromises(items, actor.timeZone, now);

  const made = await commitmentsNumbered(deps, run.workspaceId, answer.commitmentNumbers);
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

  const raised = await blockersNumbered(deps, run.workspaceId, answer.blockerNumbers);
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
      resolveBlocker(deps, actor, { workspaceId: run.workspaceId, number: b.number }),
    );

  await updateAnswer(deps, answer.id, { text: input.text, commitmentNumbers, blockerNumbers });
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
  input: { workspaceId: string; userId: string | undefined; ts: string },
): Promise<boolean> {
  const { found, open: answer } = await openAnswer(deps, input.workspaceId, input.ts, input.userId);
  if (!found || !answer) return found;
  const { run } = answer;
  const actor = await deps.people.actor(run.workspaceId, answer.userId);
  const made = await commitmentsNumbered(deps, run.workspaceId, answer.commitmentNumbers, "open");
  for (const c of made)
    await tryChange(deps, () =>
      dropCommitment(deps, actor, { workspaceId: run.workspaceId, number: c.number, reason: deletedReason }),
    );
  const raised = await blockersNumbered(deps, run.workspaceId, answer.blockerNumbers, "open");
  for (const b of raised)
    await tryChange(deps, () =>
      resolveBlocker(deps, actor, { workspaceId: run.workspaceId, number: b.number }),
    );
  await deleteAnswer(deps, answer.id);
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

/**
 * An @mention in an open standup thread that is no question to coo is a
 * standup answer (recorded from its message event), not something to route.
 */
export async function isStandupAnswer(
  deps: Pick<Deps, "db" | "clock">,
  input: {
    workspaceId: string;
    channel: string;
    ts: string;
    threadTs: string | undefined;
    text: string;
    botUserId: string | undefined;
  },
): Promise<boolean> {
  return Boolean(await standupThread(deps, input)) && !asksCoo(input.text, input.botUserId, deps.clock.now());
}
