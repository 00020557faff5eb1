import { capacityCheck, openLoad, recordPlannedWork, type WeekCapacity } from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { CooError, notFound } from "../errors.js";
import { enqueue } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import type { LlmFailure } from "../llm/client.js";
import { type Actor, authorize } from "../policy.js";
import { seatHolders } from "../routing/use-cases.js";
import { mention } from "../slack/mentions.js";
import { isoDate } from "../time/zoned.js";
import { checkRows, type DraftRow, draftRows, type PlanRules, type Problem } from "./plan-draft.js";
import { planPartAsk } from "./plan-messages.js";
import {
  betToPlan,
  createDraft,
  type DraftRecord,
  decideDraft,
  findDraft,
  membersOf,
  streamsOf,
} from "./plan-queries.js";

/*
 * Breaking a bet down into a plan: Claude drafts it (or people fill in the
 * form), the rules check it, it is stored as a draft and shown to whoever
 * asked; Confirm records the workstreams and first milestones in one
 * transaction with the DMs that ask each owner to confirm or re-date their
 * part. Nothing is recorded before Confirm.
 */

export type { DraftRecord, Problem };

type PlanDeps = Pick<Deps, "db" | "sql" | "clock" | "changes" | "people" | "outbox" | "llm">;

/** Load is counted over the next four weeks: the horizon of a first milestone. */
const loadDays = 28;
/** The most members Claude is offered as owners. */
const offered = 60;

/** A stored draft, with what its message shows beside it. */
export type Proposal = {
  draft: DraftRecord;
  by: "llm" | "form";
  /** Open commitments due in the next four weeks, per owner named. */
  load: Map<string, number>;
  /** Streams of these names that exist already, with their owners: tied to the bet on Confirm. */
  existing: Map<string, string>;
  /** Owners whose week would be over what they land once their milestones are in it. */
  overloads: Array<{ ownerId: string; week: WeekCapacity }>;
};

export type DraftOutcome =
  | { kind: "proposed"; proposal: Proposal }
  /** Claude's draft broke the rules: what was wrong; nothing was stored. */
  | { kind: "refused"; bet: BetRef; problems: string[] }
  /** No draft from Claude (no key, or it failed): people fill in the form. */
  | { kind: "form"; bet: BetRef; why: LlmFailure | "no_key" };

export type BetRef = { number: number; title: string };

/**
 * The bet a plan is for: open, of this workspace, with no workstreams yet,
 * and the actor may plan it. Refused with why otherwise.
 */
async function betForPlan(deps: PlanDeps, actor: Actor, workspaceId: string, number: number) {
  const bet = await betToPlan(deps, workspaceId, number);
  const id = formatId("bet", number);
  if (bet.status !== "open")
    throw new CooError("conflict", `${id} is ${bet.status}; there is nothing left to plan.`);
  if (bet._count.workstreams > 0)
    throw new CooError(
      "conflict",
      `${id} has workstreams already: \`/coo plan ${id}\` shows them, and \`/coo workstream <name> for ${id}\` adds one.`,
    );
  // Last: the refusal may read the actor from Slack again (an admin's flag).
  const [ceo] = await seatHolders(deps, { workspaceId, seats: ["ceo"] });
  await authorize(actor, { kind: "plan_bet", bet, ceoId: ceo?.holder });
  return bet;
}

/** Whether `/coo plan G3` drafts (the bet has no workstreams and the actor may plan it) rather than shows. */
export async function draftsRatherThanShows(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<boolean> {
  try {
    await betForPlan(deps, actor, input.workspaceId, input.number);
    return true;
  } catch (error) {
    if (error instanceof CooError && (error.code === "forbidden" || error.code === "conflict")) return false;
    throw error;
  }
}

/** What the form needs: the bet, checked as for a draft. */
export async function planForm(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<BetRef> {
  const bet = await betForPlan(deps, actor, input.workspaceId, input.number);
  return { number: bet.number, title: bet.title };
}

function rulesOf(
  streams: Awaited<ReturnType<typeof streamsOf>>,
  betNumber: number,
  now: Date,
  owners: PlanRules["owners"],
): PlanRules {
  return {
    now,
    betNumber,
    owners,
    streams: new Map(streams.map((s) => [s.name, { betNumber: s.bet?.number ?? null }])),
  };
}

async function store(
  deps: PlanDeps,
  actor: Actor,
  bet: { id: number; number: number },
  checked: ReturnType<typeof checkRows>,
  streams: Awaited<ReturnType<typeof streamsOf>>,
  by: Proposal["by"],
): Promise<Proposal> {
  const { workspaceId } = actor;
  const draft = await createDraft(deps, {
    workspaceId,
    betId: bet.id,
    proposerId: actor.slackUserId,
    items: checked.items,
    now: deps.clock.now(),
  });
  const owners = [...new Set(checked.items.map((i) => i.ownerId))];
  const named = new Set(checked.items.map((i) => i.stream));
  return {
    draft,
    by,
    load: await openLoad(deps, { workspaceId, userIds: owners, days: loadDays }),
    existing: new Map(streams.filter((s) => named.has(s.name)).map((s) => [s.name, s.ownerId])),
    overloads: await overloadsOf(deps, workspaceId, checked.items),
  };
}

/**
 * The owners a draft would put over capacity: for each owner and week their
 * milestones fall in, what is due there already plus the draft's own, against
 * what they land (the commitments' capacity check).
 */
async function overloadsOf(
  deps: PlanDeps,
  workspaceId: string,
  items: Array<{ ownerId: string; dueAt: Date }>,
): Promise<Proposal["overloads"]> {
  const found = new Map<string, { ownerId: string; week: WeekCapacity }>();
  for (const item of items) {
    const [owner] = await capacityCheck(deps, {
      workspaceId,
      ownerIds: [item.ownerId],
      from: item.dueAt,
      weeks: 1,
    });
    const week = owner?.weeks[0];
    if (!week) continue;
    const key = `${item.ownerId}:${week.start.getTime()}`;
    if (found.has(key)) continue;
    const added = items.filter(
      (i) => i.ownerId === item.ownerId && i.dueAt >= week.start && i.dueAt < week.end,
    ).length;
    const load = week.load + added;
    if (load > week.capacity) found.set(key, { ownerId: item.ownerId, week: { ...week, load, over: true } });
  }
  return [...found.values()];
}

/**
 * `/coo plan G3` on a bet with no workstreams: Claude drafts the plan from
 * the bet, the workstreams there are, and the members with their load. A
 * draft that breaks the rules is refused with what was wrong; without a key,
 * or when Claude fails, the form is offered instead. Nothing is recorded.
 */
export async function draftPlan(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<DraftOutcome> {
  const { workspaceId } = input;
  const bet = await betForPlan(deps, actor, workspaceId, input.number);
  const ref = { number: bet.number, title: bet.title };
  if (!deps.llm) return { kind: "form", bet: ref, why: "no_key" };
  const now = deps.clock.now();
  const [streams, members] = await Promise.all([
    streamsOf(deps, workspaceId),
    membersOf(deps, workspaceId, offered),
  ]);
  const load = await openLoad(deps, {
    workspaceId,
    userIds: members.map((m) => m.slackUserId),
    days: loadDays,
  });
  const drafted = await draftRows(deps.llm, {
    bet: {
      number: bet.number,
      title: bet.title,
      targetDate: bet.targetDate ? isoDate(bet.targetDate, actor.timeZone) : null,
    },
    today: isoDate(now, actor.timeZone),
    streams: streams.map((s) => ({
      name: s.name,
      ownerId: s.ownerId,
      bet: s.bet ? formatId("bet", s.bet.number) : null,
    })),
    members: members.map((m) => ({
      userId: m.slackUserId,
      name: m.displayName ?? m.slackUserId,
      openNextFourWeeks: load.get(m.slackUserId) ?? 0,
    })),
  });
  if ("failure" in drafted) return { kind: "form", bet: ref, why: drafted.failure };
  // Only members offered may own a part; their time zones read the dates.
  const allowed = new Set(members.map((m) => m.slackUserId));
  const named = [
    ...new Set(drafted.rows.flatMap((r) => (r.ownerId && allowed.has(r.ownerId) ? [r.ownerId] : []))),
  ];
  const owners: PlanRules["owners"] = new Map(
    await Promise.all(
      named.map(
        async (id) => [id, { timeZone: (await deps.people.profile(workspaceId, id)).timeZone }] as const,
      ),
    ),
  );
  const checked = checkRows(drafted.rows, rulesOf(streams, bet.number, now, owners));
  if (checked.problems.length > 0)
    return { kind: "refused", bet: ref, problems: [...new Set(checked.problems.map((p) => p.message))] };
  return { kind: "proposed", proposal: await store(deps, actor, bet, checked, streams, "llm") };
}

/**
 * The form, submitted: the same rules as Claude's draft, and owners must be
 * people who may own work here (Slack is asked). Problems come back by row
 * and field, for the form to show under each; nothing is stored then.
 */
export async function proposePlan(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; number: number; rows: DraftRow[] },
): Promise<{ kind: "proposed"; proposal: Proposal } | { kind: "invalid"; problems: Problem[] }> {
  const { workspaceId } = input;
  const bet = await betForPlan(deps, actor, workspaceId, input.number);
  const ids = [...new Set(input.rows.flatMap((r) => (r.ownerId ? [r.ownerId] : [])))];
  const owners: PlanRules["owners"] = new Map(
    await Promise.all(
      ids.map(async (id): Promise<[string, { timeZone: string } | { refusal: string }]> => {
        try {
          return [id, { timeZone: (await deps.people.member(workspaceId, id)).timeZone }];
        } catch (error) {
          if (error instanceof CooError && error.code !== "unavailable")
            return [id, { refusal: error.userMessage }];
          throw error;
        }
      }),
    ),
  );
  const streams = await streamsOf(deps, workspaceId);
  const checked = checkRows(input.rows, rulesOf(streams, bet.number, deps.clock.now(), owners));
  if (checked.problems.length > 0) return { kind: "invalid", problems: checked.problems };
  return { kind: "proposed", proposal: await store(deps, actor, bet, checked, streams, "form") };
}

/** A draft of this workspace that the actor may decide on, still proposed. */
async function draftToDecide(deps: PlanDeps, actor: Actor, workspaceId: string, id: number) {
  const draft = await findDraft(deps, workspaceId, id);
  if (!draft) throw notFound("That plan is not here any more. Draft one with `/coo plan G<number>`.");
  const [ceo] = await seatHolders(deps, { workspaceId, seats: ["ceo"] });
  await authorize(actor, { kind: "plan_bet", bet: draft.bet, ceoId: ceo?.holder });
  if (draft.status !== "proposed") throw settled(draft);
  return draft;
}

/** A second press, or Confirm after Cancel: what happened to the draft; nothing changes. */
function settled(draft: DraftRecord): CooError {
  const bet = formatId("bet", draft.bet.number);
  const by = draft.decidedById ? ` by ${mention(draft.decidedById)}` : "";
  return new CooError(
    "conflict",
    draft.status === "confirmed"
      ? `This plan for ${bet} was already confirmed${by}; nothing changed. \`/coo plan ${bet}\` shows it.`
      : `This plan for ${bet} was cancelled${by}; nothing changed. Draft a new one with \`/coo plan ${bet}\`.`,
  );
}

/**
 * Confirm: in one transaction, the draft is marked confirmed (once), the
 * workstreams and first milestones are recorded through the commitments
 * feature, and each owner is sent a DM to confirm or re-date their part.
 */
export async function confirmPlan(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; draftId: number },
) {
  const { workspaceId } = input;
  const draft = await draftToDecide(deps, actor, workspaceId, input.draftId);
  const now = deps.clock.now();
  const bet = formatId("bet", draft.bet.number);
  const passed = draft.items.find((i) => i.dueAt <= now);
  if (passed)
    throw new CooError(
      "conflict",
      `The first milestone of #${passed.stream} was due before now, so nothing was recorded. Draft the plan again: \`/coo plan ${bet}\`.`,
    );
  const ownerIds = [...new Set(draft.items.map((i) => i.ownerId))];
  const zones = new Map(
    await Promise.all(
      ownerIds.map(async (id) => [id, (await deps.people.profile(workspaceId, id)).timeZone] as const),
    ),
  );
  const done = await deps.db.$transaction(async (tx) => {
    if (!(await decideDraft(tx, draft.id, { status: "confirmed", byId: actor.slackUserId, at: now })))
      return undefined;
    const recorded = await recordPlannedWork(tx, {
      workspaceId,
      actorId: actor.slackUserId,
      bet: draft.bet,
      parts: draft.items,
      now,
    });
    const asks = ownerIds.map((ownerId) => ({
      workspaceId,
      userId: ownerId,
      ...planPartAsk(
        draft.bet,
        actor.slackUserId,
        recorded.filter((c) => c.ownerId === ownerId),
        zones.get(ownerId) ?? actor.timeZone,
        now,
      ),
    }));
    return { recorded, messages: await enqueue(tx, asks) };
  });
  if (!done) throw settled((await findDraft(deps, workspaceId, draft.id)) ?? draft);
  await deps.outbox.deliver(done.messages);
  deps.changes.publish({ workspaceId, userIds: [...ownerIds, actor.slackUserId] });
  return { draft, recorded: done.recorded, owners: ownerIds };
}

/** Cancel: the draft is kept as cancelled, and nothing of it is recorded. */
export async function cancelPlan(
  deps: PlanDeps,
  actor: Actor,
  input: { workspaceId: string; draftId: number },
): Promise<DraftRecord> {
  const draft = await draftToDecide(deps, actor, input.workspaceId, input.draftId);
  const at = deps.clock.now();
  const cancelled = await deps.db.$transaction((tx) =>
    decideDraft(tx, draft.id, { status: "cancelled", byId: actor.slackUserId, at }),
  );
  if (!cancelled) throw settled((await findDraft(deps, input.workspaceId, draft.id)) ?? draft);
  return draft;
}
