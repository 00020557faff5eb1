import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { badInput, CooError, notFound } from "../errors.js";
import { enqueue, enqueueJob, type JobHandler } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import { parseWhen } from "../time/when.js";
import { addDays, wallClock, zonedToUtc } from "../time/zoned.js";
import { nothingToExportNotice } from "./messages.js";
import {
  addToken,
  blockerRows,
  commitmentRows,
  handoffRows,
  markRevoked,
  markUsed,
  peopleRows,
  type Range,
  standupRows,
  tokenByNumber,
  tokenByPrefix,
  tokensOf,
  workstreamExists,
} from "./queries.js";

/*
 * Data out (docs/decisions/0029-data-out.md): the ledger as CSV or JSON, in a
 * Slack DM or through the read-only API, and the API's tokens. No use case
 * here sees an HTTP request or a Slack payload.
 *
 * Who may export what: an executive (CEO, CFO, CTO seat) or a workspace admin
 * everything in their workspace; anyone else only their own work. An API
 * token reads its whole workspace (but never a private handoff) and is made
 * and revoked by admins and executives only.
 */

export const exportKinds = ["commitments", "blockers", "standups", "handoffs"] as const;
export type ExportKind = (typeof exportKinds)[number];
export type ExportFormat = "csv" | "json";
export type ApiKind = ExportKind | "people";

export type ExportInput = {
  workspaceId: string;
  kind: ExportKind;
  from?: Date | undefined;
  to?: Date | undefined;
  /** A Slack user id: their work only. */
  person?: string | undefined;
  /** A workstream's name, without the #. */
  workstream?: string | undefined;
  format: ExportFormat;
};

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Row = Record<string, Value>;

export type ExportFile = { filename: string; contentType: string; body: string; rows: Row[] };

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

// Rows as they leave coo: ids as people see them (C12, B7, H3), times in ISO 8601 UTC.

function commitmentRow(c: Awaited<ReturnType<typeof commitmentRows>>[number]): Row {
  return {
    id: formatId("commitment", c.number),
    title: c.title,
    ownerId: c.ownerId,
    creatorId: c.creatorId,
    status: c.status,
    workstream: c.workstream?.name ?? null,
    dueAt: iso(c.dueAt),
    originalDueAt: iso(c.originalDueAt),
    createdAt: iso(c.createdAt),
    doneAt: iso(c.doneAt),
    history: c.history.map((h) => ({
      at: iso(h.at),
      kind: h.kind,
      actorId: h.actorId,
      fromDueAt: iso(h.fromDueAt),
      toDueAt: iso(h.toDueAt),
      fromOwnerId: h.fromOwnerId,
      toOwnerId: h.toOwnerId,
      reason: h.reason,
    })),
  };
}

function blockerRow(b: Awaited<ReturnType<typeof blockerRows>>[number]): Row {
  return {
    id: formatId("blocker", b.number),
    text: b.text,
    reporterId: b.reporterId,
    waitingOnId: b.waitingOnId,
    waitingOnText: b.waitingOnText,
    waitingOnCommitment: b.waitingOnCommitment ? formatId("commitment", b.waitingOnCommitment.number) : null,
    status: b.status,
    openedAt: iso(b.openedAt),
    resolvedAt: iso(b.resolvedAt),
    resolvedById: b.resolvedById,
  };
}

function standupRow(a: Awaited<ReturnType<typeof standupRows>>[number]): Row {
  return {
    id: a.id,
    userId: a.userId,
    text: a.text,
    via: a.via,
    channelId: a.run.channelId,
    standupAt: iso(a.run.slot),
    answeredAt: iso(a.createdAt),
    commitments: a.commitmentNumbers.map((n) => formatId("commitment", n)),
    blockers: a.blockerNumbers.map((n) => formatId("blocker", n)),
    permalink: a.permalink,
  };
}

function handoffRow(h: Awaited<ReturnType<typeof handoffRows>>[number]): Row {
  return {
    id: formatId("handoff", h.number),
    what: h.what,
    fromId: h.fromId,
    fromText: h.fromText,
    toId: h.toId,
    toText: h.toText,
    status: h.status,
    shared: h.shared,
    since: iso(h.since),
    createdAt: iso(h.createdAt),
    resolvedAt: iso(h.resolvedAt),
  };
}

function personRow(p: Awaited<ReturnType<typeof peopleRows>>[number]): Row {
  return {
    id: p.slackUserId,
    name: p.displayName,
    timezone: p.timezone,
    seat: p.seat,
    isAdmin: p.isAdmin,
    kind: p.kind,
  };
}

/** Rows of one kind with their database ids (the API's cursor); `viewer` may see their private handoffs. */
async function readRows(
  deps: Pick<Deps, "db">,
  kind: ApiKind,
  range: Range,
  viewer: string | undefined,
): Promise<Array<{ id: number; row: Row }>> {
  switch (kind) {
    case "commitments":
      return (await commitmentRows(deps, range)).map((c) => ({ id: c.id, row: commitmentRow(c) }));
    case "blockers":
      return (await blockerRows(deps, range)).map((b) => ({ id: b.id, row: blockerRow(b) }));
    case "standups":
      return (await standupRows(deps, range)).map((a) => ({ id: a.id, row: standupRow(a) }));
    case "handoffs":
      return (await handoffRows(deps, range, viewer)).map((h) => ({ id: h.id, row: handoffRow(h) }));
    case "people":
      return (await peopleRows(deps, range)).map((p) => ({ id: p.id, row: personRow(p) }));
  }
}

/** A cell of a CSV: lists joined, history one change a line. */
function cell(value: Value): string | number | boolean | null {
  if (Array.isArray(value))
    return value
      .map((v) =>
        v && typeof v === "object" && !Array.isArray(v)
          ? Object.entries(v)
              .filter(([, x]) => x !== null)
              .map(([k, x]) => `${k}=${String(x)}`)
              .join(" ")
          : String(v),
      )
      .join("\n");
  if (value && typeof value === "object") return JSON.stringify(value);
  return value;
}

export function render(kind: string, rows: Row[], format: ExportFormat, stamp: Date): ExportFile {
  const filename = `coo-${kind}-${stamp.toISOString().slice(0, 10)}.${format}`;
  if (format === "json")
    return {
      filename,
      contentType: "application/json; charset=utf-8",
      body: `${JSON.stringify(rows, null, 2)}\n`,
      rows,
    };
  const columns = Object.keys(rows[0] ?? {});
  const body = stringify(
    rows.map((r) => columns.map((c) => cell(r[c] ?? null))),
    { header: true, columns, cast: { boolean: (b) => (b ? "true" : "false") } },
  );
  return { filename, contentType: "text/csv; charset=utf-8", body, rows };
}

async function checkWorkstream(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; kind: ApiKind; workstream?: string | undefined },
) {
  if (!input.workstream) return;
  if (input.kind !== "commitments" && input.kind !== "blockers")
    throw badInput(
      `Only commitments and blockers belong to a workstream: try \`/coo export commitments #${input.workstream}\`.`,
    );
  if (!(await workstreamExists(deps, input.workspaceId, input.workstream)))
    throw notFound(`There is no workstream #${input.workstream} here. \`/coo workstreams\` lists them.`);
}

/**
 * Whose work the actor may export: `person` when they may, their own when
 * they asked for everyone's and may not see it, else a refusal.
 */
async function scopeOf(actor: Actor, person: string | undefined): Promise<string | undefined> {
  try {
    await authorize(actor, { kind: "export_data", personId: person });
    return person;
  } catch (error) {
    if (person === undefined && error instanceof CooError && error.code === "forbidden")
      return actor.slackUserId;
    throw error;
  }
}

/** One export as a file, within what the actor may see (see the top of this file). */
export async function exportData(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: ExportInput,
): Promise<ExportFile> {
  await checkWorkstream(deps, input);
  const person = await scopeOf(actor, input.person);
  const rows = await readRows(deps, input.kind, { ...input, person }, actor.slackUserId);
  return render(
    input.kind,
    rows.map((r) => r.row),
    input.format,
    deps.clock.now(),
  );
}

// `/coo export`: the file arrives in the person's DM, sent by a job.

export const exportFiles = "export_file";

const exportJob = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  kind: z.enum(exportKinds),
  format: z.enum(["csv", "json"]),
  from: z.string().optional(),
  to: z.string().optional(),
  person: z.string().optional(),
  workstream: z.string().optional(),
});

/** Checks what may be exported now, and leaves the file to a job (the upload may take a while). */
export async function requestExport(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: ExportInput,
): Promise<{ person: string | undefined }> {
  await checkWorkstream(deps, input);
  const person = await scopeOf(actor, input.person);
  const payload: z.infer<typeof exportJob> = {
    workspaceId: input.workspaceId,
    userId: actor.slackUserId,
    kind: input.kind,
    format: input.format,
    ...(input.from ? { from: input.from.toISOString() } : {}),
    ...(input.to ? { to: input.to.toISOString() } : {}),
    ...(person ? { person } : {}),
    ...(input.workstream ? { workstream: input.workstream } : {}),
  };
  await deps.db.$transaction((tx) =>
    enqueueJob(tx, { queue: exportFiles, workspaceId: input.workspaceId, payload }),
  );
  return { person };
}

/**
 * Sends one export to its requester's DM through Slack's upload flow
 * (files.getUploadURLExternal, a POST of the bytes to the URL it gives,
 * files.completeUploadExternal; files.upload is retired). Nothing found: a DM
 * says so. A crash between the upload and the job's end sends the file again
 * on the retry: at least once, never lost.
 */
export function deliverExport(deps: Pick<Deps, "db" | "clock" | "slackFor" | "log">): JobHandler {
  return async (payload) => {
    const job = exportJob.parse(payload);
    const range: Range = {
      workspaceId: job.workspaceId,
      from: job.from ? new Date(job.from) : undefined,
      to: job.to ? new Date(job.to) : undefined,
      person: job.person,
      workstream: job.workstream,
    };
    const rows = await readRows(deps, job.kind, range, job.userId);
    if (rows.length === 0)
      return (tx) =>
        enqueue(tx, [
          { workspaceId: job.workspaceId, userId: job.userId, text: nothingToExportNotice(job.kind) },
        ]);
    const file = render(
      job.kind,
      rows.map((r) => r.row),
      job.format,
      deps.clock.now(),
    );
    const client = await deps.slackFor(job.workspaceId);
    const dm = await client.conversations.open({ users: job.userId });
    const channel = dm.channel?.id;
    if (!channel) throw new Error("conversations.open gave no channel");
    const bytes = Buffer.from(file.body, "utf8");
    const target = await client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length });
    if (!target.upload_url || !target.file_id)
      throw new Error("files.getUploadURLExternal gave no upload URL");
    const posted = await fetch(target.upload_url, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
      signal: AbortSignal.timeout(60_000),
    });
    if (!posted.ok) throw new Error(`the file upload was answered ${posted.status}`);
    await client.files.completeUploadExternal({
      files: [{ id: target.file_id, title: file.filename }],
      channel_id: channel,
      initial_comment: `Your ${job.kind} export: ${rows.length === 1 ? "one row" : `${rows.length.toLocaleString("en-US")} rows`}.`,
    });
    deps.log.info("export delivered", { kind: job.kind, rows: rows.length });
    return undefined;
  };
}

/** "since Monday", "since 2026-11-01", "since 2 weeks ago": the start of that day, in the past. */
export function readSince(text: string, now: Date, timeZone: string): Date {
  const when = parseWhen(text, { now, timeZone });
  if (!when)
    throw badInput(
      `I can't read ${echo(text)} as a date. Try \`since Monday\`, \`since 2026-11-01\` or \`since 2 weeks ago\`.`,
    );
  let day = wallClock(when.at, timeZone);
  // Dates are read forward ("Monday" is the next one); a start is the last one.
  if (when.at > now) day = { ...day, ...addDays(day, -7) };
  const start = zonedToUtc({ year: day.year, month: day.month, day: day.day, hour: 0, minute: 0 }, timeZone);
  if (start > now)
    throw badInput(`${echo(text)} is in the future: \`since\` takes a past date, e.g. \`since Monday\`.`);
  return start;
}

// API tokens

const tokenPattern = /^coo_([a-f0-9]{12})_([A-Za-z0-9_-]{32,64})$/;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export async function createApiToken(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; label: string },
): Promise<{ id: string; number: number; token: string }> {
  const label = input.label.trim();
  if (label === "" || label.length > 80)
    throw badInput(
      "A token needs a label of up to 80 characters, to know it again: `/coo api token create reporting`.",
    );
  const allowed = await authorize(actor, { kind: "manage_api_tokens" });
  const prefix = randomBytes(6).toString("hex");
  const token = `coo_${prefix}_${randomBytes(24).toString("base64url")}`;
  const row = await addToken(deps, {
    workspaceId: input.workspaceId,
    label,
    prefix,
    hash: sha256(token),
    createdById: allowed.slackUserId,
  });
  return { id: tokenId(row.number), number: row.number, token };
}

export const tokenId = (number: number) => `T${number}`;

export function readTokenId(text: string): number {
  const match = /^T?(\d{1,6})$/i.exec(text.trim());
  if (!match)
    throw badInput(`${echo(text)} is not a token id. Ids look like \`T1\`; \`/coo api tokens\` lists them.`);
  return Number(match[1]);
}

export async function revokeApiToken(
  deps: Pick<Deps, "db" | "clock">,
  actor: Actor,
  input: { workspaceId: string; id: string },
): Promise<{ id: string; label: string; wasRevoked: boolean }> {
  const number = readTokenId(input.id);
  const allowed = await authorize(actor, { kind: "manage_api_tokens" });
  const row = await tokenByNumber(deps, input.workspaceId, number);
  if (!row) throw notFound(`There is no API token ${tokenId(number)} here. \`/coo api tokens\` lists them.`);
  const revoked = await markRevoked(deps, row.id, deps.clock.now(), allowed.slackUserId);
  return { id: tokenId(row.number), label: row.label, wasRevoked: !revoked };
}

export type TokenSummary = {
  id: string;
  label: string;
  createdById: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function listApiTokens(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string },
): Promise<TokenSummary[]> {
  await authorize(actor, { kind: "manage_api_tokens" });
  return (await tokensOf(deps, input.workspaceId)).map((t) => ({
    id: tokenId(t.number),
    label: t.label,
    createdById: t.createdById,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
  }));
}

/** The workspace a bearer token reads, or undefined for a token that is malformed, unknown or revoked. */
export async function authenticateToken(
  deps: Pick<Deps, "db" | "clock">,
  token: string,
): Promise<{ workspaceId: string } | undefined> {
  const match = tokenPattern.exec(token);
  if (!match?.[1]) return undefined;
  const row = await tokenByPrefix(deps, match[1]);
  if (!row || row.revokedAt) return undefined;
  const given = Buffer.from(sha256(token), "hex");
  const kept = Buffer.from(row.hash, "hex");
  if (given.length !== kept.length || !timingSafeEqual(given, kept)) return undefined;
  await markUsed(deps, row.id, deps.clock.now());
  return { workspaceId: row.workspaceId };
}

export const apiKinds = [...exportKinds, "people"] as const satisfies readonly ApiKind[];
export const maxPage = 500;

export type ApiQuery = {
  from?: Date | undefined;
  to?: Date | undefined;
  person?: string | undefined;
  workstream?: string | undefined;
  after?: number | undefined;
  limit: number;
};

/** One page for the API: the rows, and the cursor of the next page when there is one. */
export async function apiPage(
  deps: Pick<Deps, "db">,
  workspaceId: string,
  kind: ApiKind,
  q: ApiQuery,
): Promise<{ data: Row[]; next: number | undefined }> {
  await checkWorkstream(deps, { workspaceId, kind, workstream: q.workstream });
  // One more than asked for: whether there is a next page, without counting.
  const found = await readRows(deps, kind, { workspaceId, ...q, limit: q.limit + 1 }, undefined);
  const page = found.slice(0, q.limit);
  return {
    data: page.map((r) => r.row),
    next: found.length > q.limit ? page.at(-1)?.id : undefined,
  };
}

// `/coo history @person`

export type PersonHistory = {
  person: string;
  since: Date;
  commitments: Row[];
  total: number;
  /** The dashboard's page of this person, when coo knows its public address. */
  link: string | undefined;
};

const historyShown = 15;

/** A person's commitments that changed since a date, with what happened to them then. */
export async function personHistory(
  deps: Pick<Deps, "db" | "clock" | "config">,
  actor: Actor,
  input: { workspaceId: string; person: string; since?: string | undefined },
): Promise<PersonHistory> {
  const now = deps.clock.now();
  const since = input.since
    ? readSince(input.since, now, actor.timeZone)
    : new Date(now.getTime() - 30 * 86_400_000);
  const all = await commitmentRows(deps, { workspaceId: input.workspaceId, person: input.person });
  const touched = all
    .map((c) => ({ ...c, history: c.history.filter((h) => h.at >= since) }))
    .filter((c) => c.history.length > 0)
    .sort((a, b) => (b.history.at(-1)?.at.getTime() ?? 0) - (a.history.at(-1)?.at.getTime() ?? 0));
  const base = deps.config.publicUrl;
  return {
    person: input.person,
    since,
    commitments: touched.slice(0, historyShown).map(commitmentRow),
    total: touched.length,
    link: base ? `${base.replace(/\/$/, "")}/app/people/${input.person}` : undefined,
  };
}
