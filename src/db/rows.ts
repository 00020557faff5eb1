import { z } from "zod";
import type {
  Blocker,
  Cadence,
  Commitment,
  OutboxMessage,
  Person,
  Prisma,
} from "../generated/prisma/client.js";

/*
 * The rows that hand-written statements (db/sql.ts) read whole, checked as
 * they arrive. Each schema is held to the Prisma model it mirrors, so a
 * column added to the schema and not here does not compile.
 */

const id = z.number().int();
const text = z.string();
const at = z.date();

export const personRow = z.object({
  id,
  workspaceId: text,
  slackUserId: text,
  displayName: text.nullable(),
  timezone: text.nullable(),
  seat: z.enum(["ceo", "cfo", "cto"]).nullable(),
  isAdmin: z.boolean(),
  kind: z.enum(["member", "guest", "bot", "deactivated", "external"]),
  syncedAt: at.nullable(),
  oooUntil: at.nullable(),
  standupViaDm: z.boolean(),
  pings: z.enum(["digest", "overdue", "all"]),
  oooFrom: at.nullable(),
  // An array column added to a table with rows holds NULL there until written.
  workDays: z
    .array(z.number().int())
    .nullable()
    .transform((d) => d ?? []),
  holidayCountry: text.nullable(),
  workStartMinute: z.number().int().nullable(),
  workEndMinute: z.number().int().nullable(),
  slackAway: z.boolean(),
  slackAwayUntil: at.nullable(),
  statusText: text.nullable(),
  statusReadAt: at.nullable(),
  createdAt: at,
  updatedAt: at,
}) satisfies z.ZodType<Person, unknown>;

export const blockerRow = z.object({
  id,
  workspaceId: text,
  number: id,
  text,
  reporterId: text,
  waitingOnId: text.nullable(),
  waitingOnText: text.nullable(),
  waitingOnCommitmentId: id.nullable(),
  status: z.enum(["open", "resolved"]),
  channelId: text.nullable(),
  sourcePermalink: text.nullable(),
  openedAt: at,
  resolvedAt: at.nullable(),
  resolvedById: text.nullable(),
}) satisfies z.ZodType<Blocker>;

export const commitmentRow = z.object({
  id,
  workspaceId: text,
  number: id,
  title: text,
  ownerId: text,
  creatorId: text,
  dueAt: at,
  originalDueAt: at,
  status: z.enum(["open", "done", "dropped"]),
  workstreamId: id.nullable(),
  channelId: text.nullable(),
  sourcePermalink: text.nullable(),
  doneAt: at.nullable(),
  createdAt: at,
  lastTouchedAt: at,
  snoozedUntil: at.nullable(),
  dependsOnId: id.nullable(),
  updatedAt: at,
}) satisfies z.ZodType<Commitment>;

const json = z.custom<Prisma.JsonValue>((value) => value !== undefined);

export const outboxRow = z.object({
  id,
  queue: text,
  payload: json.nullable(),
  key: text.nullable(),
  workspaceId: text.nullable(),
  channel: text.nullable(),
  userId: text.nullable(),
  threadTs: text.nullable(),
  text,
  blocks: json.nullable(),
  purpose: z.enum(["standup_root"]).nullable(),
  runId: id.nullable(),
  cadenceId: id.nullable(),
  status: z.enum(["pending", "sending", "sent", "failed"]),
  attempts: id,
  nextAttemptAt: at,
  lockedBy: text.nullable(),
  lockedUntil: at.nullable(),
  sentChannel: text.nullable(),
  sentTs: text.nullable(),
  error: text.nullable(),
  createdAt: at,
  sentAt: at.nullable(),
}) satisfies z.ZodType<OutboxMessage>;

/** An array column Prisma did not write holds NULL, which Prisma reads as empty: so do these. */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((items) => items ?? []);

export const cadenceRow = z.object({
  id,
  workspaceId: text,
  number: id,
  channelId: text,
  kind: z.enum(["standup", "review", "planning"]),
  time: text,
  days: list(z.number().int()),
  timezone: text,
  questions: list(text),
  participants: list(text),
  remindAfterMinutes: z.number().int(),
  closeAfterMinutes: z.number().int(),
  paused: z.boolean(),
  pausedReason: z.enum(["person", "app_uninstalled", "tokens_revoked"]).nullable(),
  pausedById: text.nullable(),
  pausedAt: at.nullable(),
  activeFrom: at,
  createdById: text,
  createdAt: at,
  updatedAt: at,
}) satisfies z.ZodType<Cadence>;

/** A statement's `RETURNING "id"`. */
export const idRow = z.object({ id });

/** A `count(*)`: int8, read as a number by the plain driver and as a bigint by Prisma. */
export const count = z.coerce.number().int();
