import {
  type BetRef,
  type CommitmentRow,
  commitmentWithStream,
  dueDate,
  slippedPayload,
  workInStreams,
  workstreamsOfBets,
} from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import type { JobHandler } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import { type Actor, authorize } from "../policy.js";
import { seatHolders } from "../routing/use-cases.js";
import { endOfWorkingDays, unaskedDms } from "../slips/use-cases.js";
import { betSlipNotice } from "./messages.js";
import { type Bet, betById, closeOpenBet, createBet, findBet, listBets } from "./queries.js";
import { addOpen, emptyRollup, type Rollup, soonWorkingDays, stateOf, type WorkState } from "./rollup.js";

/*
 * The bets feature's operations: the CEO's bets recorded, workstreams tied
 * to them (through the commitments feature's `setWorkstream`), and whether
 * each bet is on track, rolled up from the ledger (rollup.ts,
 * docs/decisions/0023-bets.md).
 */

export type { Bet, Rollup, WorkState };

type UseCaseDeps = Pick<Deps, "db" | "clock" | "people">;

/**
 * `/coo bet`: records a bet. Only the seated CEO may (an admin, while no CEO
 * is seated); the target date, if any, is read in the CEO's zone and must lie
 * ahead. Nothing is written on a refusal.
 */
export async function recordBet(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; title: string; when?: string | undefined },
): Promise<Bet> {
  const { workspaceId } = input;
  const [ceo] = await seatHolders(deps, { workspaceId, seats: ["ceo"] });
  const allowed = await authorize(actor, { kind: "make_bet", ceoId: ceo?.holder });
  const now = deps.clock.now();
  const targetDate = input.when ? dueDate(input.when, allowed.timeZone, now) : undefined;
  return createBet(deps, {
    workspaceId,
    title: input.title,
    targetDate,
    createdById: allowed.slackUserId,
    now,
  });
}

/**
 * `/coo bet achieved G3` or `/coo bet drop G3`: the CEO's call, like making
 * one. Its workstreams and their work stay on the ledger. `changed` is false
 * when the bet was closed already.
 */
export async function closeBet(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; number: number; status: "achieved" | "dropped" },
): Promise<{ bet: Bet; changed: boolean; open: number }> {
  const { workspaceId } = input;
  const [ceo] = await seatHolders(deps, { workspaceId, seats: ["ceo"] });
  await authorize(actor, { kind: "make_bet", ceoId: ceo?.holder });
  const bet = await findBet(deps, workspaceId, input.number);
  const changed = bet.status === "open" && (await closeOpenBet(deps, bet, input.status));
  const [summary] = await summarize(deps, workspaceId, [await findBet(deps, workspaceId, input.number)]);
  return { bet: summary?.bet ?? bet, changed, open: summary?.open.length ?? 0 };
}

/** The open bet a workstream is to be tied to, or why not. */
export async function betToTie(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; number: number },
): Promise<BetRef> {
  const bet = await findBet(deps, input.workspaceId, input.number);
  if (bet.status !== "open")
    throw new CooError(
      "conflict",
      `${formatId("bet", bet.number)} is ${bet.status}: tie workstreams to an open bet (\`/coo bets\`).`,
    );
  return { id: bet.id, number: bet.number, title: bet.title };
}

export type BetStream = { id: number; name: string; ownerId: string; open: number; done: number };
export type TrackedCommitment = CommitmentRow & { state: Exclude<WorkState, "done"> };

/** A bet and how it is going: its workstreams, their open work (soonest first, with each one's state), the rollup. */
export type BetSummary = { bet: Bet; workstreams: BetStream[]; open: TrackedCommitment[]; rollup: Rollup };

/** Each bet's workstreams and work, judged against the ledger now, each owner's work in their own zone. */
async function summarize(deps: UseCaseDeps, workspaceId: string, bets: Bet[]): Promise<BetSummary[]> {
  const streams = await workstreamsOfBets(deps, { workspaceId, betIds: bets.map((b) => b.id) });
  const work = await workInStreams(deps, { workspaceId, workstreamIds: streams.map((s) => s.id) });
  const now = deps.clock.now();
  const owners = [...new Set(work.open.map((c) => c.ownerId))];
  const profiles = await Promise.all(owners.map((o) => deps.people.profile(workspaceId, o)));
  const soonEnd = new Map(
    profiles.map((p) => [p.slackUserId, endOfWorkingDays(now, p.timeZone, soonWorkingDays)]),
  );
  const byBet = new Map(
    bets.map((bet): [number, BetSummary] => [
      bet.id,
      { bet, workstreams: [], open: [], rollup: emptyRollup() },
    ]),
  );
  const byStream = new Map<number, { summary: BetSummary; stream: BetStream }>();
  for (const s of streams) {
    const summary = s.betId === null ? undefined : byBet.get(s.betId);
    if (!summary) continue;
    const stream = { id: s.id, name: s.name, ownerId: s.ownerId, open: 0, done: work.done.get(s.id) ?? 0 };
    summary.workstreams.push(stream);
    summary.rollup.done += stream.done;
    byStream.set(s.id, { summary, stream });
  }
  for (const c of work.open) {
    const at = c.workstreamId === null ? undefined : byStream.get(c.workstreamId);
    const end = soonEnd.get(c.ownerId);
    if (!at || !end) continue;
    const state = stateOf(c, now, end);
    if (!state || state === "done") continue;
    at.stream.open += 1;
    at.summary.open.push({ ...c, state });
    addOpen(at.summary.rollup, state, c.dueAt);
  }
  return bets.map((b) => byBet.get(b.id) as BetSummary);
}

/** `/coo bets`: every bet (open ones first) with its rollup, a page of them, and how many there are. */
export async function betsOverview(
  deps: UseCaseDeps,
  input: { workspaceId: string; limit: number },
): Promise<{ items: BetSummary[]; total: number }> {
  const page = await listBets(deps, input.workspaceId, { limit: input.limit });
  return { items: await summarize(deps, input.workspaceId, page.items), total: page.total };
}

/** `/coo plan G3`: one bet, its workstreams and owners, its open work soonest first, and its rollup. */
export async function betPlan(
  deps: UseCaseDeps,
  input: { workspaceId: string; number: number },
): Promise<BetSummary> {
  const bet = await findBet(deps, input.workspaceId, input.number);
  const [summary] = await summarize(deps, input.workspaceId, [bet]);
  return summary as BetSummary;
}

/** The open bets' rollups, for the weekly review: a page of them, and how many are open. */
export async function openBetsRollup(
  deps: UseCaseDeps,
  input: { workspaceId: string; limit: number },
): Promise<{ items: BetSummary[]; total: number }> {
  const page = await listBets(deps, input.workspaceId, { status: "open", limit: input.limit });
  return { items: await summarize(deps, input.workspaceId, page.items), total: page.total };
}

/** The most open bets a workspace's views consider (the Home, the review); more are counted, not shown. */
const openBetsRead = 50;

/**
 * The open bets a person contributes to, for their App Home: they own a
 * workstream under it, or open work in one.
 */
export async function betsOf(
  deps: UseCaseDeps,
  input: { workspaceId: string; userId: string },
): Promise<BetSummary[]> {
  const { items } = await openBetsRollup(deps, { workspaceId: input.workspaceId, limit: openBetsRead });
  return items.filter(
    (s) =>
      s.workstreams.some((w) => w.ownerId === input.userId) || s.open.some((c) => c.ownerId === input.userId),
  );
}

/**
 * A commitment under an open bet moved to a new date: the owner of its
 * workstream hears what it moves (the commitment, old and new date, the bet
 * and the bet's likely date now), unless they moved it themselves. Runs as
 * part of the slip's own job (`commitments.slipped`): it reads first, and its
 * DM is queued in the transaction that marks the job done, so it is sent once.
 */
export function tellWorkstreamOwner(deps: UseCaseDeps & Pick<Deps, "sql" | "config">): JobHandler {
  return async (raw) => {
    const slipped = slippedPayload.parse(raw);
    const moved = await commitmentWithStream(deps, slipped.commitmentId);
    const stream = moved?.workstream;
    if (!moved || !stream?.betId || stream.ownerId === slipped.actorId) return undefined;
    const bet = await betById(deps, stream.betId);
    if (bet?.status !== "open") return undefined;
    const [summary] = await summarize(deps, moved.workspaceId, [bet]);
    const owner = await deps.people.profile(moved.workspaceId, stream.ownerId);
    const text = betSlipNotice(
      { commitment: moved, stream: stream.name, actorId: slipped.actorId, summary: summary as BetSummary },
      { from: new Date(slipped.from), to: new Date(slipped.to), reason: slipped.reason },
      owner.timeZone,
      deps.clock.now(),
    );
    // Unasked: in the owner's hours and within their one DM a day, like a dependant's heads-up.
    return unaskedDms(deps, moved.workspaceId, [{ userId: stream.ownerId, text }], deps.clock.now());
  };
}
