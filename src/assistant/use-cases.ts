import { z } from "zod";
import { availability } from "../availability/use-cases.js";
import { type Blocker, openBlockersAbout, raiseBlocker } from "../blockers/use-cases.js";
import { listCadences, nextSlot } from "../cadence/use-cases.js";
import {
  type CommitmentRow,
  commitmentsAbout,
  completeCommitment,
  dropCommitment,
  dueDate,
  findCommitment,
  handedOnFrom,
  openCommitments,
  openCommitmentsAbout,
  reassignCommitment,
  recordCommitment,
  slipCommitment,
  workstreamsAbout,
} from "../commitments/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput, CooError, notFound } from "../errors.js";
import { type Handoff, visibleOpenHandoffs } from "../handoffs/use-cases.js";
import { enqueue, enqueueJob, type JobHandler } from "../jobs/outbox.js";
import type { ToolRun } from "../llm/client.js";
import { type Actor, authorize } from "../policy.js";
import { atRisk } from "../slips/use-cases.js";
import { parseWhen, tooFarAhead } from "../time/when.js";
import { addDays, wallClock, zonedToUtc } from "../time/zoned.js";
import {
  type ChangeIntent,
  type Intent,
  type ItemRef,
  intentSchema,
  isChange,
  readIntent,
} from "./intents.js";
import { reminderText } from "./messages.js";
import {
  decideProposal,
  findProposal,
  insertProposal,
  type ProposalRow,
  peopleNamed,
  reopenProposal,
} from "./queries.js";
import { readToolCall, toolDefinitions, toolInstruction } from "./tools.js";

/*
 * The assistant: plain-language operations in mentions and DMs. A question
 * is answered from the ledger through the features that keep it (never their
 * rules copied here); a change asked for becomes a proposal that changes
 * nothing until someone allowed to make it presses Confirm, when the
 * feature's own use case (and its authorize()) makes it.
 */

type UseCaseDeps = Pick<
  Deps,
  "db" | "sql" | "clock" | "changes" | "people" | "outbox" | "config" | "log" | "llm" | "metrics"
>;

export type { CommitmentRow };

const limit = 8;

/** Who asks, where, and in which zone they read dates. */
export type Asker = {
  workspaceId: string;
  userId: string;
  timeZone: string;
  channelId: string;
  where: "channel" | "dm";
};

/** What the assistant has to say (messages.ts puts it in words). */
export type Outcome =
  | { kind: "plate"; span: "today" | "tomorrow" | "week" | "all"; items: CommitmentRow[]; total: number }
  | { kind: "person"; userId: string; items: CommitmentRow[]; total: number }
  | { kind: "did"; ownerId: string | undefined; words: string[]; found: CommitmentRow[] }
  | {
      kind: "owners";
      words: string[];
      streams: Array<{ name: string; ownerId: string }>;
      items: CommitmentRow[];
    }
  | {
      kind: "covers";
      userId: string;
      /** Undefined: not on leave; null: on leave with no end given. */
      awayUntil: Date | null | undefined;
      handed: Array<{ toOwnerId: string | null; commitment: CommitmentRow }>;
      handoffs: Handoff[];
    }
  | { kind: "blocking"; words: string[]; blockers: Blocker[] }
  | { kind: "slipped"; words: string[]; items: CommitmentRow[] }
  | { kind: "risk"; atRisk: CommitmentRow[]; overdue: CommitmentRow[]; drifting: CommitmentRow[] }
  | {
      kind: "cadence";
      asked: string | undefined;
      next: { kind: string; channelId: string; at: Date; timeZone: string } | undefined;
    }
  | { kind: "proposal"; proposal: Proposed }
  /** A change about an item the words did not pin down: none, or several to choose from. */
  | { kind: "which"; intent: ChangeIntent["name"]; words: string[]; candidates: CommitmentRow[] };

/** A proposal as shown: what it would do, in the terms the confirmer needs. */
export type Proposed = {
  id: number;
  askerId: string;
  change:
    | { kind: "redate"; item: CommitmentRow; to: Date; reason: string | undefined }
    | { kind: "reassign"; item: CommitmentRow; to: string }
    | { kind: "mark_done"; item: CommitmentRow }
    | { kind: "drop"; item: CommitmentRow }
    | { kind: "raise_blocker"; what: string; waitingOn: string | undefined }
    | { kind: "record_commitment"; title: string; when: string; at: Date; ownerId: string }
    | { kind: "remind_me"; what: string; at: Date };
};

// ---------------------------------------------------------------- reading

/** The rules' reading, with first names matched to this workspace's members. */
export async function readByRules(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; text: string; askerId?: string },
): Promise<Intent | undefined> {
  const people = await peopleNamed(deps, input.workspaceId);
  const byName = new Map<string, string>();
  for (const p of people) {
    const first = (p.displayName ?? "").toLowerCase().split(/[\s._-]+/)[0];
    if (first && first.length >= 3 && !byName.has(first)) byName.set(first, p.slackUserId);
  }
  const intent = readIntent(input.text, (name) => byName.get(name), input.askerId);
  return intent && intentSchema.safeParse(intent).success ? intent : undefined;
}

// ---------------------------------------------------------------- answering

/** The start of the asker's day `days` from today, in their zone. */
function dayStart(now: Date, timeZone: string, days: number): Date {
  const w = addDays(wallClock(now, timeZone), days);
  return zonedToUtc({ ...w, hour: 0, minute: 0 }, timeZone);
}

/**
 * Answers an intent, or records the change it asks for as a proposal. Ids in
 * it (commitment numbers, people) are read only within the asker's workspace:
 * one of another workspace is not found here.
 */
export async function act(
  deps: UseCaseDeps,
  asker: Asker,
  intent: Intent,
  by: "llm" | "rules",
): Promise<Outcome> {
  const { workspaceId } = asker;
  const now = deps.clock.now();
  switch (intent.name) {
    case "my_plate": {
      const { items } = await openCommitments(deps, {
        workspaceId,
        viewerId: asker.userId,
        target: "mine",
        offset: 0,
        limit: 50,
      });
      const until =
        intent.span === "today"
          ? dayStart(now, asker.timeZone, 1)
          : intent.span === "tomorrow"
            ? dayStart(now, asker.timeZone, 2)
            : intent.span === "week"
              ? dayStart(now, asker.timeZone, 8)
              : undefined;
      const from = intent.span === "tomorrow" ? dayStart(now, asker.timeZone, 1) : undefined;
      // Today's plate holds what is overdue too; tomorrow's is what falls due that day.
      const due = items.filter((c) => (!until || c.dueAt < until) && (!from || c.dueAt >= from));
      return { kind: "plate", span: intent.span, items: due.slice(0, limit), total: due.length };
    }
    case "person_work": {
      await deps.people.member(workspaceId, intent.userId);
      const page = await openCommitments(deps, {
        workspaceId,
        viewerId: asker.userId,
        target: `u:${intent.userId}`,
        offset: 0,
        limit,
      });
      return { kind: "person", userId: intent.userId, items: page.items, total: page.total };
    }
    case "did_happen": {
      if (intent.ownerId) await deps.people.member(workspaceId, intent.ownerId);
      const found = await commitmentsAbout(deps, {
        workspaceId,
        words: intent.words,
        ownerId: intent.ownerId,
        limit: 3,
      });
      return { kind: "did", ownerId: intent.ownerId, words: intent.words, found };
    }
    case "who_owns": {
      const [streams, items] = await Promise.all([
        workstreamsAbout(deps, { workspaceId, words: intent.words }),
        intent.words.length
          ? openCommitmentsAbout(deps, { workspaceId, words: intent.words, limit })
          : Promise.resolve([]),
      ]);
      return { kind: "owners", words: intent.words, streams, items };
    }
    case "who_covers": {
      await deps.people.member(workspaceId, intent.userId);
      // Leave as the availability feature reads it: `/coo ooo`, or a Slack status that reads as leave.
      const leave = (await availability(deps, workspaceId, [intent.userId], now)).get(intent.userId)?.leave;
      const awayUntil = leave ? (leave.until ?? null) : undefined;
      const since = new Date(now.getTime() - 30 * 24 * 3600_000);
      const [handed, handoffs] = await Promise.all([
        handedOnFrom(deps, { workspaceId, userId: intent.userId, since, limit }),
        visibleOpenHandoffs(deps, {
          workspaceId,
          viewerId: asker.where === "dm" ? asker.userId : undefined,
          limit: 50,
        }),
      ]);
      return {
        kind: "covers",
        userId: intent.userId,
        awayUntil,
        handed,
        handoffs: handoffs.items
          .filter((h) => h.fromId === intent.userId || h.toId === intent.userId)
          .slice(0, limit),
      };
    }
    case "blocking":
      return {
        kind: "blocking",
        words: intent.words,
        blockers: await openBlockersAbout(deps, { workspaceId, words: intent.words, limit }),
      };
    case "slipped": {
      const items = await openCommitmentsAbout(deps, {
        workspaceId,
        words: intent.words,
        overdueAt: now,
        limit,
      });
      return { kind: "slipped", words: intent.words, items };
    }
    case "at_risk": {
      const lists = await atRisk(deps, { workspaceId, owners: undefined });
      return { kind: "risk", atRisk: lists.at_risk, overdue: lists.overdue, drifting: lists.drifting };
    }
    case "next_cadence": {
      const running = (await listCadences(deps, workspaceId)).filter(
        (c) => !c.paused && (!intent.kind || c.kind === intent.kind),
      );
      const next = running
        .map((c) => ({ c, at: nextSlot(c, now) }))
        .filter((x): x is { c: (typeof running)[number]; at: Date } => x.at !== undefined)
        .sort((a, b) => a.at.getTime() - b.at.getTime())[0];
      return {
        kind: "cadence",
        asked: intent.kind,
        next: next && {
          kind: next.c.kind,
          channelId: next.c.channelId,
          at: next.at,
          timeZone: next.c.timezone,
        },
      };
    }
    default:
      if (isChange(intent)) return propose(deps, asker, intent, by);
      throw new CooError("bad_input", "I did not follow that.");
  }
}

/** The one open commitment a change names, or the candidates to choose from. */
async function resolveItem(
  deps: UseCaseDeps,
  workspaceId: string,
  ref: ItemRef,
): Promise<{ item: CommitmentRow } | { candidates: CommitmentRow[]; words: string[] }> {
  if ("number" in ref) {
    const item = await findCommitment(deps, workspaceId, ref.number);
    if (item.status !== "open") return { candidates: [item], words: [] };
    return { item };
  }
  if (ref.ownerId) await deps.people.member(workspaceId, ref.ownerId);
  const found = (
    await commitmentsAbout(deps, { workspaceId, words: ref.words, ownerId: ref.ownerId, limit: 5 })
  ).filter((c) => c.status === "open");
  // The one that names the most of the words, when one does.
  const score = (c: CommitmentRow) =>
    ref.words.filter((w) => c.title.toLowerCase().includes(w.toLowerCase())).length;
  const ranked = found.map((c) => ({ c, s: score(c) })).sort((a, b) => b.s - a.s);
  const [best, second] = ranked;
  if (best && (!second || best.s > second.s)) return { item: best.c };
  return { candidates: found, words: ref.words };
}

async function propose(
  deps: UseCaseDeps,
  asker: Asker,
  intent: ChangeIntent,
  by: "llm" | "rules",
): Promise<Outcome> {
  const { workspaceId } = asker;
  const now = deps.clock.now();
  let change: Proposed["change"];
  let payload: Record<string, string | number | null>;
  switch (intent.name) {
    case "redate":
    case "reassign":
    case "mark_done":
    case "drop": {
      const found = await resolveItem(deps, workspaceId, intent.item);
      if (!("item" in found))
        return { kind: "which", intent: intent.name, words: found.words, candidates: found.candidates };
      const { item } = found;
      if (intent.name === "redate") {
        const owner = await deps.people.profile(workspaceId, item.ownerId);
        const to = dueDate(intent.when, owner.timeZone, now);
        change = { kind: "redate", item, to, reason: intent.reason };
        payload = { n: item.number, to: to.toISOString(), reason: intent.reason ?? null };
      } else if (intent.name === "reassign") {
        await deps.people.member(workspaceId, intent.to);
        if (intent.to === item.ownerId) throw badInput(`<@${item.ownerId}> already owns that.`);
        change = { kind: "reassign", item, to: intent.to };
        payload = { n: item.number, to: intent.to };
      } else {
        change = { kind: intent.name, item };
        payload = { n: item.number };
      }
      break;
    }
    case "raise_blocker":
      if (intent.waitingOn) await deps.people.member(workspaceId, intent.waitingOn);
      change = { kind: "raise_blocker", what: intent.what, waitingOn: intent.waitingOn };
      payload = { what: intent.what, on: intent.waitingOn ?? null };
      break;
    case "record_commitment": {
      const ownerId = intent.ownerId ?? asker.userId;
      const owner = ownerId === asker.userId ? undefined : await deps.people.member(workspaceId, ownerId);
      const at = dueDate(intent.when, owner?.timeZone ?? asker.timeZone, now);
      change = { kind: "record_commitment", title: intent.title, when: intent.when, at, ownerId };
      payload = { title: intent.title, when: intent.when, owner: ownerId };
      break;
    }
    case "remind_me": {
      const at = parseWhen(intent.when, { now, timeZone: asker.timeZone })?.at;
      if (!at)
        throw badInput(
          `I can't read "${intent.when}" as a time. Try "remind me to send the deck tomorrow 9am".`,
        );
      if (at <= now || tooFarAhead(at, now))
        throw badInput("Give a time ahead of now, e.g. `tomorrow 9am` or `in 2 hours`.");
      change = { kind: "remind_me", what: intent.what, at };
      payload = { what: intent.what, at: at.toISOString() };
      break;
    }
  }
  const row = await insertProposal(deps, {
    workspaceId,
    askerId: asker.userId,
    kind: intent.name,
    payload,
    channelId: asker.channelId,
    decidedBy: by,
    at: now,
  });
  return { kind: "proposal", proposal: { id: row.id, askerId: asker.userId, change } };
}

// ---------------------------------------------------------------- deciding

const payloads = {
  redate: z.object({ n: z.number().int(), to: z.string().datetime(), reason: z.string().nullable() }),
  reassign: z.object({ n: z.number().int(), to: z.string() }),
  mark_done: z.object({ n: z.number().int() }),
  drop: z.object({ n: z.number().int() }),
  raise_blocker: z.object({ what: z.string(), on: z.string().nullable() }),
  record_commitment: z.object({ title: z.string(), when: z.string(), owner: z.string() }),
  remind_me: z.object({ what: z.string(), at: z.string().datetime() }),
};

/** The reminder job: at the time asked, a DM to whoever asked. */
export const reminderJobs = "assistant.reminder";
const reminderPayload = z.object({ userId: z.string(), what: z.string(), proposalId: z.number().int() });

/** Done when it is due: the DM is written with the job's completion, so it is sent once. */
export function sendReminder(): JobHandler {
  return async (payload, job) => {
    const p = reminderPayload.parse(payload);
    if (!job.workspaceId) return undefined;
    const workspaceId = job.workspaceId;
    return (tx) => enqueue(tx, [{ workspaceId, userId: p.userId, text: reminderText(p.what) }]);
  };
}

function settled(p: ProposalRow): CooError {
  const by = p.decidedById ? ` by <@${p.decidedById}>` : "";
  return new CooError(
    "conflict",
    p.status === "confirmed"
      ? `This was already confirmed${by}; nothing changed again.`
      : `This was cancelled${by}; nothing changed.`,
  );
}

async function toDecide(deps: UseCaseDeps, workspaceId: string, id: number): Promise<ProposalRow> {
  const p = await findProposal(deps, workspaceId, id);
  if (!p) throw notFound("That proposal is not here any more. Ask me again.");
  if (p.status !== "proposed") throw settled(p);
  return p;
}

/**
 * Confirm: the person pressing must be allowed to make the change (the
 * feature's own policy: the commitment's owner, who recorded it or a
 * privileged person; the asker alone for their own reminder, blocker or new
 * item). The proposal moves to `confirmed` once, then the feature's use case
 * makes the change; if that refuses, the proposal waits again.
 */
export async function confirmProposal(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; id: number },
): Promise<{ proposal: ProposalRow; done: string; job?: number | undefined }> {
  const { workspaceId } = input;
  const p = await toDecide(deps, workspaceId, input.id);
  const now = deps.clock.now();
  const claim = (
    extra?: (tx: Parameters<Parameters<Deps["db"]["$transaction"]>[0]>[0]) => Promise<unknown>,
  ) =>
    deps.db.$transaction(async (tx) => {
      if (!(await decideProposal(tx, p.id, { status: "confirmed", byId: actor.slackUserId, at: now })))
        return false;
      await extra?.(tx);
      return true;
    });
  const lost = async () => {
    throw settled((await findProposal(deps, workspaceId, p.id)) ?? p);
  };
  const kind = p.kind;
  if (kind === "remind_me" || kind === "raise_blocker" || kind === "record_commitment")
    await authorize(actor, { kind: "own_request", askerId: p.askerId });
  if (kind === "remind_me") {
    const v = payloads.remind_me.parse(p.payload);
    let job: number | undefined;
    if (
      !(await claim(async (tx) => {
        job = await enqueueJob(tx, {
          queue: reminderJobs,
          workspaceId,
          payload: { userId: p.askerId, what: v.what, proposalId: p.id },
          key: `reminder:${p.id}`,
          // The job system runs on the real clock; the reminder is due as far ahead as asked.
          runAt: new Date(Date.now() + (new Date(v.at).getTime() - now.getTime())),
        });
      }))
    )
      await lost();
    deps.log.info("reminder set", { proposal: p.id, job });
    return { proposal: p, done: "remind_me", job };
  }
  // The policy first, so a press by someone not allowed leaves the proposal as it was.
  if (kind === "redate" || kind === "reassign" || kind === "mark_done" || kind === "drop") {
    const { n } = payloads[kind].parse(p.payload);
    await authorize(actor, {
      kind: "change_commitment",
      commitment: await findCommitment(deps, workspaceId, n),
    });
  }
  if (!(await claim())) await lost();
  try {
    switch (kind) {
      case "redate": {
        const v = payloads.redate.parse(p.payload);
        await slipCommitment(deps, actor, {
          workspaceId,
          number: v.n,
          to: new Date(v.to),
          reason: v.reason ?? undefined,
        });
        break;
      }
      case "reassign": {
        const v = payloads.reassign.parse(p.payload);
        await reassignCommitment(deps, actor, { workspaceId, number: v.n, to: v.to });
        break;
      }
      case "mark_done":
        await completeCommitment(deps, actor, { workspaceId, number: payloads.mark_done.parse(p.payload).n });
        break;
      case "drop":
        await dropCommitment(deps, actor, { workspaceId, number: payloads.drop.parse(p.payload).n });
        break;
      case "raise_blocker": {
        const v = payloads.raise_blocker.parse(p.payload);
        await raiseBlocker(deps, actor, {
          workspaceId,
          text: v.what,
          waitingOn: v.on ? { userId: v.on } : undefined,
          channelId: p.channelId.startsWith("C") ? p.channelId : undefined,
        });
        break;
      }
      case "record_commitment": {
        const v = payloads.record_commitment.parse(p.payload);
        await recordCommitment(deps, actor, {
          workspaceId,
          title: v.title,
          when: v.when,
          ownerId: v.owner,
          channelId: p.channelId.startsWith("C") ? p.channelId : undefined,
        });
        break;
      }
    }
  } catch (error) {
    await reopenProposal(deps, p.id);
    throw error;
  }
  return { proposal: p, done: kind };
}

/** Cancel: whoever could confirm it (or its asker) may; nothing of it happens. */
export async function cancelProposal(
  deps: UseCaseDeps,
  actor: Actor,
  input: { workspaceId: string; id: number },
): Promise<ProposalRow> {
  const p = await toDecide(deps, input.workspaceId, input.id);
  if (actor.slackUserId !== p.askerId) {
    const kind = p.kind;
    if (kind === "redate" || kind === "reassign" || kind === "mark_done" || kind === "drop") {
      const { n } = payloads[kind].parse(p.payload);
      await authorize(actor, {
        kind: "change_commitment",
        commitment: await findCommitment(deps, input.workspaceId, n),
      });
    } else await authorize(actor, { kind: "own_request", askerId: p.askerId });
  }
  const done = await deps.db.$transaction((tx) =>
    decideProposal(tx, p.id, { status: "cancelled", byId: actor.slackUserId, at: deps.clock.now() }),
  );
  if (!done) throw settled((await findProposal(deps, input.workspaceId, p.id)) ?? p);
  return p;
}

// ---------------------------------------------------------------- one message

/** What became of a message about operations: an outcome, a refusal to show, or nothing read. */
export type Assisted = { outcome: Outcome; by: "llm" | "rules" } | { refusal: string; by: "llm" | "rules" };

/** Runs one of Claude's tool calls for the asker; anything that does not fit is refused. */
async function runTool(
  deps: UseCaseDeps,
  asker: Asker,
  name: string,
  input: unknown,
): Promise<ToolRun<Outcome>> {
  const call = readToolCall(name, input);
  if (call.kind === "refused") return { ok: false, why: call.why };
  try {
    if (call.kind === "find") {
      if (call.ownerId) await deps.people.member(asker.workspaceId, call.ownerId);
      const found = await commitmentsAbout(deps, {
        workspaceId: asker.workspaceId,
        words: call.words,
        ownerId: call.ownerId,
        limit,
      });
      const result = found.length
        ? found
            .map(
              (c) =>
                `C${c.number} "${c.title.slice(0, 120)}" owner <@${c.ownerId}> ${c.status} due ${c.dueAt.toISOString()}`,
            )
            .join("\n")
        : "no commitments match";
      return {
        ok: true,
        result,
        value: { kind: "did", ownerId: call.ownerId, words: call.words, found },
        final: false,
      };
    }
    const outcome = await act(deps, asker, call.intent, "llm");
    return { ok: true, result: outcome.kind, value: outcome, final: true };
  } catch (error) {
    if (error instanceof CooError) return { ok: false, why: error.code };
    throw error;
  }
}

/**
 * A message already routed to operations: Claude with tools when a key is
 * set, the rules otherwise and whenever Claude fails. Undefined when neither
 * reads an intent in it (the caller answers from the ledger as before).
 */
export async function assist(
  deps: UseCaseDeps,
  asker: Asker,
  text: string,
  /** false: no lane claimed it; only a clear reading by the rules is taken. */
  operations = true,
): Promise<Assisted | undefined> {
  if (deps.llm && operations) {
    const answer = await deps.llm.withTools({
      task: "assistant",
      tools: toolDefinitions,
      instruction: toolInstruction,
      input: text.slice(0, 2000),
      maxTurns: 3,
      run: (name, input) => runTool(deps, asker, name, input),
    });
    if (answer.ok) return { outcome: answer.value, by: "llm" };
  }
  const intent = await readByRules(deps, { workspaceId: asker.workspaceId, text, askerId: asker.userId });
  if (!intent) return undefined;
  try {
    return { outcome: await act(deps, asker, intent, "rules"), by: "rules" };
  } catch (error) {
    if (error instanceof CooError) return { refusal: error.userMessage, by: "rules" };
    throw error;
  }
}
