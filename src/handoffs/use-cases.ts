import type { Deps } from "../deps.js";
import { badInput, CooError } from "../errors.js";
import type { ChaseStep, Handoff } from "../generated/prisma/client.js";
import type { Outgoing } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import { type Actor, authorize, handoffNotFound, maySeeHandoff } from "../policy.js";
import { echo } from "../slack/mentions.js";
import { maxYearsAhead, parseWhen, tooFarBack } from "../time/when.js";
import { wallClock, zonedToUtc } from "../time/zoned.js";
import { type HandoffDraft, looksLikeHandoff, readHandoff } from "./detect.js";
import { chaseNotice, handoffNudge } from "./messages.js";
import {
  ceoOf,
  chasedHandoffs,
  claimStep,
  closeOpenHandoff,
  handoffNumbered,
  insertHandoff,
  markShared,
  openSharedHandoffsOf,
  openVisibleHandoffs,
  reserveHandoffNumber,
  storedPerson,
} from "./queries.js";

/*
 * The handoffs feature's operations: work one person owes another, told in
 * a DM or typed as a command, tracked, closed, shared and chased. Every
 * surface calls these; none knows Slack's payloads
 * (docs/decisions/0020-use-cases-and-grammar.md).
 */

export type { Handoff, HandoffDraft };

type UseCaseDeps = Pick<Deps, "db" | "clock" | "changes" | "people" | "outbox">;

/** The longest "what is owed" coo keeps. */
export const maxWhat = 300;
const maxSide = 100;

/** Who may see a handoff and whether coo may chase it, as the reporter chose. */
type Consent = {
  /** Seen by everyone in the workspace (a `/coo handoff` command); otherwise only by the people on it. */
  shared: boolean;
  /** The reporter agreed that coo nudges the side that owes it. */
  chase: boolean;
};

/** Records a handoff and queues what it says to people with it (see queries.ts). */
async function createHandoff(
  deps: Pick<Deps, "db" | "clock" | "changes" | "outbox">,
  input: { workspaceId: string; reporterId: string; draft: HandoffDraft; consent: Consent },
  notices: (number: number) => Outgoing[] = () => [],
): Promise<Handoff> {
  const { workspaceId, reporterId, draft } = input;
  const now = deps.clock.now();
  const number = await reserveHandoffNumber(deps, workspaceId);
  const { handoff, queued } = await insertHandoff(
    deps,
    {
      workspaceId,
      number,
      what: draft.what.slice(0, maxWhat),
      fromId: draft.fromId ?? null,
      fromText: draft.fromText?.slice(0, maxSide) ?? null,
      toId: draft.toId ?? null,
      toText: draft.toText?.slice(0, maxSide) ?? null,
      since: new Date(Math.min(draft.since.getTime(), now.getTime())),
      reporterId,
      ...input.consent,
      createdAt: now,
    },
    notices(number),
  );
  if (queued.length > 0) await deps.outbox.deliver(queued);
  deps.changes.publish({ workspaceId, userIds: [reporterId, draft.fromId ?? "", draft.toId ?? ""] });
  return handoff;
}

/**
 * A DM read as a handoff: who owes what to whom, since when (Claude reads the
 * parties when a key is set, the rules otherwise). Undefined when the DM does
 * not read as one.
 */
export async function readHandoffDraft(
  deps: Pick<Deps, "llm" | "clock">,
  input: { text: string; reporterId: string },
): Promise<HandoffDraft | undefined> {
  if (!looksLikeHandoff(input.text)) return undefined;
  return readHandoff(deps.llm, input.text, input.reporterId, deps.clock.now());
}

/** What the reporter chose for a handoff coo offered to track. */
export type OfferChoice = "record" | "nudge" | "quote" | "dismiss";

/**
 * The reporter's answer to the offer: a handoff told in a DM stays between
 * the people on it, and coo chases it (opening a conversation with both
 * sides) only if asked to nudge; "quote" passes on the reporter's own words.
 * Only the reporter may choose. Undefined when they chose not to track it.
 */
export async function answerHandoffOffer(
  deps: UseCaseDeps,
  actor: Actor,
  input: {
    workspaceId: string;
    reporterId: string;
    draft: HandoffDraft;
    choice: OfferChoice;
    /** The DM, for "quote". */
    words?: string | undefined;
  },
): Promise<Handoff | undefined> {
  const { workspaceId, reporterId, draft, choice } = input;
  if (actor.slackUserId !== reporterId)
    throw badInput("Only the person who told me about this handoff can choose what happens to it.");
  if (choice === "dismiss") return undefined;
  const nudges = choice !== "record";
  const fromId = draft.fromId;
  return createHandoff(
    deps,
    { workspaceId, reporterId, draft, consent: { shared: false, chase: nudges } },
    (number) => {
      if (!nudges || !fromId) return [];
      const people = [fromId, draft.toId ?? reporterId].filter((u, i, all) => all.indexOf(u) === i).join(",");
      const words = choice === "quote" ? input.words : undefined;
      return [
        { workspaceId, userId: people, text: handoffNudge({ ...draft, fromId }, reporterId, number, words) },
      ];
    },
  );
}

/**
 * `/coo handoff <what> from @a to @b [since <when>]`: typed as a command, the
 * team sees it and coo chases it. Both sides must be real members here;
 * "since Monday" means since Monday began, in the reporter's zone.
 */
export async function recordHandoff(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; what: string; fromId: string; toId: string; since?: string | undefined },
): Promise<Handoff> {
  const { workspaceId } = input;
  for (const person of [input.fromId, input.toId]) await deps.people.member(workspaceId, person);
  const now = deps.clock.now();
  const since = input.since ? sinceOf(input.since, now, actor.timeZone) : now;
  return createHandoff(deps, {
    workspaceId,
    reporterId: actor.slackUserId,
    draft: { what: input.what, fromId: input.fromId, toId: input.toId, since },
    consent: { shared: true, chase: true },
  });
}

/** A day in the past, as typed, read in `timeZone`: its start unless a time was given. */
function sinceOf(typed: string, now: Date, timeZone: string): Date {
  // Read from two weeks back, so "Monday" is the last one, not the next.
  const when = parseWhen(typed, { now: new Date(now.getTime() - 14 * 24 * 3600_000), timeZone });
  if (!when || when.at > now)
    throw badInput(
      `I can't read ${echo(typed)} as a day in the past. Try \`since Monday\` or \`since 2026-12-01\`.`,
    );
  if (tooFarBack(when.at, now))
    throw badInput(
      `${echo(typed)} is more than ${maxYearsAhead} years ago. Give a day within the last ${maxYearsAhead} years, e.g. \`since Monday\`.`,
    );
  return when.hadTime
    ? when.at
    : zonedToUtc({ ...wallClock(when.at, timeZone), hour: 0, minute: 0 }, timeZone);
}

/** A handoff this person may see: a private one is not found by anyone who is not on it. */
async function findHandoff(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  number: number,
  viewerId: string,
): Promise<Handoff> {
  const h = await handoffNumbered(deps, workspaceId, number);
  if (!h || !maySeeHandoff(viewerId, h)) throw handoffNotFound(number);
  return h;
}

/** Either side, the reporter, or (for a shared one) an admin or a seated human may close a handoff. */
export async function closeHandoff(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<Handoff> {
  const h = await findHandoff(deps, input.workspaceId, input.number, actor.slackUserId);
  const me = (await authorize(actor, { kind: "close_handoff", handoff: h })).slackUserId;
  if (!(await closeOpenHandoff(deps, h.id, { at: deps.clock.now(), by: me })))
    throw new CooError("conflict", `${formatId("handoff", input.number)} is already closed.`);
  return h;
}

/** The reporter makes a private handoff visible to the workspace, and lets coo chase it. */
export async function shareHandoff(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<{ handoff: Handoff; changed: boolean }> {
  const h = await findHandoff(deps, input.workspaceId, input.number, actor.slackUserId);
  await authorize(actor, { kind: "share_handoff", handoff: h });
  if (h.shared) return { handoff: h, changed: false };
  return { handoff: await markShared(deps, h.id), changed: true };
}

/**
 * Open handoffs someone may see, the longest waiting first: the shared ones
 * and, for `viewerId`, the private ones they are on. Without a viewer (a
 * channel, a review), shared only.
 */
export function visibleOpenHandoffs(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; viewerId?: string | undefined; limit: number },
): Promise<{ items: Handoff[]; total: number }> {
  return openVisibleHandoffs(deps, input.workspaceId, input.viewerId, input.limit);
}

/** Open shared handoffs any of these people is on, the longest waiting first (private ones stay private). */
export function sharedHandoffsOf(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; people: string[] },
): Promise<Handoff[]> {
  return openSharedHandoffsOf(deps, input.workspaceId, input.people);
}

export type { ChaseStep };

/** How a workspace chases: the same ladder and working hours as for commitments. */
export type ChasePolicy = {
  graceHours: number;
  ceoAfterDays: number;
  /** Whether a person in `timeZone` may be messaged at `at`. */
  isWorkingHours(at: Date, timeZone: string): boolean;
  /**
   * Whether this person is at work at `at` in their own calendar (days,
   * hours, holidays, leave: src/availability/); when given, it decides
   * instead of the stored OOO and `isWorkingHours`.
   */
  isAvailable?(workspaceId: string, userId: string, at: Date): Promise<boolean>;
};

/**
 * Stale handoffs climb the same ladder as commitments: after a grace period
 * the side that owes is nudged, after another they are reminded, and past the
 * CEO threshold the seated CEO hears. Each step is claimed once, with its
 * message queued in the same transaction. Only handoffs the reporter agreed
 * to have chased are; only shared ones reach the CEO. How many were sent.
 */
export async function sweepHandoffs(
  deps: Pick<Deps, "db" | "config" | "outbox">,
  input: { now: Date; sweepId: string; policyOf: (workspaceId: string) => Promise<ChasePolicy | undefined> },
): Promise<number> {
  const { now, sweepId } = input;
  let sent = 0;
  for (const h of await chasedHandoffs(deps)) {
    const policy = await input.policyOf(h.workspaceId);
    if (!policy || !h.fromId) continue;
    const grace = policy.graceHours * 3600_000;
    const waited = now.getTime() - h.since.getTime();
    const done = new Map(h.nudges.map((n) => [n.step, n.sentAt]));
    const after = (step: ChaseStep) => {
      const at = done.get(step);
      return at !== undefined && now.getTime() - at.getTime() >= grace;
    };
    let step: ChaseStep | undefined;
    if (!done.has("nudge_from")) step = waited >= grace ? "nudge_from" : undefined;
    else if (!done.has("remind_from")) step = after("nudge_from") ? "remind_from" : undefined;
    else if (!done.has("tell_ceo") && h.shared)
      step = after("remind_from") && waited >= policy.ceoAfterDays * 24 * 3600_000 ? "tell_ceo" : undefined;
    if (!step) continue;
    const recipient = step === "tell_ceo" ? await ceoOf(deps, h.workspaceId) : h.fromId;
    if (!recipient) continue;
    if (policy.isAvailable) {
      if (!(await policy.isAvailable(h.workspaceId, recipient, now))) continue;
    } else {
      const person = await storedPerson(deps, h.workspaceId, recipient);
      if (person?.oooUntil && person.oooUntil > now) continue;
      if (!policy.isWorkingHours(now, person?.timezone ?? deps.config.defaultTimeZone)) continue;
    }
    const ids = await claimStep(
      deps,
      { workspaceId: h.workspaceId, handoffId: h.id, step, recipientId: recipient, sweepId, at: now },
      { workspaceId: h.workspaceId, userId: recipient, text: chaseNotice(step, h, now) },
    );
    if (ids.length === 0) continue;
    await deps.outbox.deliver(ids);
    sent++;
  }
  return sent;
}
