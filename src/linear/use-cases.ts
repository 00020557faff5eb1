import { z } from "zod";
import { completeFromLinear, findCommitment, slipCommitment } from "../commitments/use-cases.js";
import type { Db } from "../db/open.js";
import type { Deps } from "../deps.js";
import { badInput, notFound } from "../errors.js";
import { enqueue, enqueueJob, type JobHandler, type Outgoing } from "../jobs/outbox.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import { describeDay } from "../time/when.js";
import { isoDate } from "../time/zoned.js";
import {
  canceledNotice,
  completedNotice,
  dueOffer,
  linearLinkExample,
  removedNotice,
  teamExample,
} from "./messages.js";
import {
  addLinearLink,
  addTeam,
  followedKeys,
  type LinearRef,
  linearLinksTo,
  openByNumbers,
  setLinearLink,
  teamsOf,
  workspacesFollowing,
} from "./queries.js";

/*
 * Linear signals (docs/decisions/0027-linear-and-reviews.md): teams a
 * workspace follows, commitments linked to their issues, and what an Issue
 * delivery does to them. No use case here sees an HTTP request.
 */

/** The queue of verified Linear deliveries; each job is one delivery, keyed by its id. */
export const linearEvents = "linear_event";

/** The little coo keeps of an Issue delivery. */
const signal = z.object({
  action: z.enum(["create", "update", "remove"]),
  key: z.string(),
  number: z.number().int().positive(),
  url: z.string(),
  title: z.string(),
  description: z.string(),
  stateType: z.string(),
  stateName: z.string(),
  dueDate: z.string().nullable(),
});
type Signal = z.infer<typeof signal>;

const identifier = /^([A-Za-z][A-Za-z0-9]{0,9})-(\d{1,9})$/;

/** Linear's documented Issue webhook (linear.app/developers/webhooks): only the fields coo reads. */
const delivery = z.object({
  action: z.enum(["create", "update", "remove"]),
  type: z.literal("Issue"),
  url: z.string().nullish(),
  data: z.object({
    identifier: z.string().regex(identifier),
    number: z.number().int().positive(),
    title: z.string(),
    description: z.string().nullish(),
    url: z.string().nullish(),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .nullish(),
    state: z.object({ name: z.string(), type: z.string() }).nullish(),
    team: z.object({ key: z.string() }).nullish(),
  }),
});

function readSignal(payload: unknown): Signal | undefined {
  const parsed = delivery.safeParse(payload);
  if (!parsed.success) return undefined;
  const { data, action } = parsed.data;
  const key = (data.team?.key ?? identifier.exec(data.identifier)?.[1] ?? "").toUpperCase();
  return {
    action,
    key,
    number: data.number,
    url: data.url ?? parsed.data.url ?? `https://linear.app/issue/${data.identifier}`,
    title: data.title,
    description: data.description ?? "",
    stateType: data.state?.type ?? "",
    stateName: data.state?.name ?? "",
    dueDate: data.dueDate ?? null,
  };
}

/**
 * A verified delivery: an Issue event becomes a job keyed by its delivery id
 * (Linear-Delivery), so the same delivery twice is one job. Other types
 * write nothing. False when nothing was written.
 */
export async function acceptLinearDelivery(
  db: Db,
  input: { delivery: string; payload: unknown },
): Promise<boolean> {
  const read = readSignal(input.payload);
  if (!read) return false;
  const id = await db.$transaction((tx) =>
    enqueueJob(tx, {
      queue: linearEvents,
      workspaceId: null,
      key: `linear:${input.delivery}`,
      payload: read,
    }),
  );
  return id !== undefined;
}

/** A team key as in ENG-123: letters and digits, starting with a letter; uppercased. */
function readKey(typed: string): string {
  const key = typed.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9]{0,9}$/.test(key))
    throw badInput(
      `${echo(typed)} is not a Linear team key. Give the letters before an issue's number, e.g. ${teamExample}.`,
    );
  return key;
}

export async function connectTeam(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; team: string },
): Promise<{ key: string; isNew: boolean }> {
  const key = readKey(input.team);
  const allowed = await authorize(actor, { kind: "change_settings", setting: "the followed Linear teams" });
  const isNew = await addTeam(deps, {
    workspaceId: input.workspaceId,
    key,
    connectedById: allowed.slackUserId,
  });
  return { key, isNew };
}

export async function followedTeams(deps: Pick<Deps, "db">, workspaceId: string): Promise<string[]> {
  return (await teamsOf(deps, workspaceId)).map((t) => t.key);
}

const refIn = /(?<![\w/-])([A-Z][A-Z0-9]{0,9})-(\d{1,9})(?![\w-])/g;

/** ENG-123 (or a linear.app address of one): a Linear issue, if the text is one. */
export function readLinearRef(typed: string): LinearRef | undefined {
  const text = typed.trim().replace(/^<|>$/g, "").split("|")[0] ?? "";
  const url =
    /^https:\/\/linear\.app\/[^/\s]+\/issue\/([A-Za-z][A-Za-z0-9]{0,9})-(\d{1,9})(?:[/?#]\S*)?$/i.exec(text);
  const bare = identifier.exec(text);
  const found = url ?? bare;
  if (!found) return undefined;
  const key = (found[1] ?? "").toUpperCase();
  const number = Number(found[2]);
  return { key, number, url: url ? text : `https://linear.app/issue/${key}-${number}` };
}

export async function linkLinearIssue(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; number: number; target: string },
) {
  const ref = readLinearRef(input.target);
  if (!ref) throw badInput(`${echo(input.target)} is not a Linear issue. Try ${linearLinkExample}.`);
  const commitment = await findCommitment(deps, input.workspaceId, input.number);
  await authorize(actor, { kind: "change_commitment", commitment });
  if (!(await followedKeys(deps, input.workspaceId, [ref.key])).has(ref.key))
    throw notFound(
      `Linear team \`${ref.key}\` is not followed here, so coo would never hear of ${ref.key}-${ref.number}. An admin connects it with \`/coo linear connect ${ref.key}\`.`,
    );
  const isNew = await addLinearLink(deps.db, {
    ...ref,
    workspaceId: input.workspaceId,
    commitmentId: commitment.id,
  });
  return { commitment, ref, isNew };
}

/**
 * Issues named in a commitment's own text (ENG-123), of teams this workspace
 * follows, linked to it. Others are left alone: text is not refused for them.
 */
export async function linkLinearFromText(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; commitmentId: number; text: string },
): Promise<LinearRef[]> {
  const refs = [...input.text.matchAll(refIn)].map((m) => ({
    key: m[1] ?? "",
    number: Number(m[2]),
    url: `https://linear.app/issue/${m[1]}-${m[2]}`,
  }));
  if (refs.length === 0) return [];
  const followed = await followedKeys(deps, input.workspaceId, [...new Set(refs.map((r) => r.key))]);
  const linked: LinearRef[] = [];
  for (const ref of refs.filter((r) => followed.has(r.key)))
    if (
      await addLinearLink(deps.db, {
        ...ref,
        workspaceId: input.workspaceId,
        commitmentId: input.commitmentId,
      })
    )
      linked.push(ref);
  return linked;
}

/** "C12" anywhere in a title or description, as a word, any case. */
function namedCommitments(text: string): number[] {
  const numbers = [...text.matchAll(/\bC(\d{1,9})\b/gi)].map((m) => Number(m[1]));
  return [...new Set(numbers)].filter((n) => n > 0);
}

/**
 * One Issue delivery's effect, for the job runner: reads first, then writes
 * in the transaction that finishes the job, so a redelivered delivery marks
 * nothing twice and tells no one twice. Only workspaces following the team
 * are touched. A state is acted on when it changes (the link keeps the last
 * one), a due date offered once per date.
 */
export function handleLinearEvent(
  deps: Pick<Deps, "db" | "clock" | "log" | "changes" | "config">,
): JobHandler {
  return async (payload) => {
    const s = signal.parse(payload);
    const workspaceIds = await workspacesFollowing(deps, s.key);
    if (workspaceIds.length === 0) {
      deps.log.info("linear event for a team no workspace follows", { action: s.action });
      return undefined;
    }
    const named =
      s.action === "remove"
        ? []
        : await openByNumbers(deps, workspaceIds, namedCommitments(`${s.title}\n${s.description}`));
    const ref: LinearRef = { key: s.key, number: s.number, url: s.url };
    const now = deps.clock.now();
    const zone = deps.config.defaultTimeZone;
    return async (tx) => {
      for (const c of named)
        await addLinearLink(tx, { ...ref, workspaceId: c.workspaceId, commitmentId: c.id });
      const links = await linearLinksTo(tx, workspaceIds, ref);
      const notices: Outgoing[] = [];
      for (const link of links) {
        const c = link.commitment;
        const tell = (m: { text: string; blocks?: Outgoing["blocks"] }) =>
          notices.push({ workspaceId: link.workspaceId, userId: c.ownerId, ...m });
        if (s.action === "remove") {
          if (link.state !== "removed") tell({ text: removedNotice(c, ref) });
          await setLinearLink(tx, link.id, { state: "removed", url: ref.url });
          continue;
        }
        const changed = link.state !== s.stateType;
        let offered: string | undefined;
        if (changed && s.stateType === "completed" && c.status === "open") {
          const reason = `${ref.url} moved to "${s.stateName}" in Linear`;
          if (await completeFromLinear(tx, { commitmentId: c.id, reason, at: now }))
            tell({ text: completedNotice(c, ref, s.stateName) });
        } else if (changed && s.stateType === "canceled" && c.status === "open") {
          tell({ text: canceledNotice(c, ref) });
        } else if (
          s.dueDate &&
          s.dueDate !== link.offeredDue &&
          c.status === "open" &&
          s.dueDate !== isoDate(c.dueAt, zone)
        ) {
          const at = new Date(`${s.dueDate}T12:00:00Z`);
          tell(
            dueOffer(c, ref, {
              iso: s.dueDate,
              words: describeDay(at, "UTC", now),
              current: describeDay(c.dueAt, zone, now),
            }),
          );
          offered = s.dueDate;
        }
        await setLinearLink(tx, link.id, {
          state: s.stateType,
          url: ref.url,
          ...(offered ? { offeredDue: offered } : {}),
        });
      }
      for (const n of notices)
        if (n.userId) deps.changes.publish({ workspaceId: n.workspaceId, userIds: [n.userId] });
      return enqueue(tx, notices);
    };
  };
}

/** The owner took Linear's date: the commitment moves to it (read in the owner's zone), with history. */
export async function useLinearDue(
  deps: Parameters<typeof slipCommitment>[0],
  actor: Actor,
  input: { workspaceId: string; number: number; date: string },
) {
  const { after, owner } = await slipCommitment(deps, actor, {
    workspaceId: input.workspaceId,
    number: input.number,
    to: input.date,
    reason: "the due date in Linear",
  });
  return { commitment: after, words: describeDay(after.dueAt, owner.timeZone, deps.clock.now()) };
}
