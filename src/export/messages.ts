import { context, section } from "../slack/blocks.js";
import type { Block, Reply } from "../slack/commands.js";
import { mention, quote } from "../slack/mentions.js";
import { describeDay, describeInstant } from "../time/when.js";
import { plural } from "../words.js";

/*
 * What people read of data out: replies to `/coo export`, `/coo api ...` and
 * `/coo history @person`. Text only, no I/O.
 */

export const exportExample = "/coo export commitments csv since 2026-11-01 for @dana #payments";

export function nothingToExportNotice(kind: string): string {
  return `Nothing to export: no ${kind} match what you asked for. Try a wider range, e.g. \`/coo export ${kind} since 3 months ago\`.`;
}

export function exportQueuedReply(
  kind: string,
  format: string,
  person: string | undefined,
  me: string,
): Reply {
  const whose = person === undefined ? "everyone's" : person === me ? "your" : `${mention(person)}'s`;
  return {
    text: `Exporting ${whose} ${kind} as ${format.toUpperCase()}: the file arrives in your DM with me in a moment.`,
    response_type: "ephemeral",
  };
}

export function tokenCreatedReply(t: { id: string; token: string }, label: string): Reply {
  return {
    text: [
      `API token *${t.id}* (${quote(label)}) is ready. Copy it now: coo keeps only its hash and will not show it again.`,
      `\`${t.token}\``,
      `Use it as \`Authorization: Bearer <token>\` on \`/api/v1/commitments\` and the rest; \`/coo api token revoke ${t.id}\` ends it.`,
    ].join("\n"),
    response_type: "ephemeral",
  };
}

export function tokenRevokedReply(r: { id: string; label: string; wasRevoked: boolean }): Reply {
  return {
    text: r.wasRevoked
      ? `API token *${r.id}* (${quote(r.label)}) was already revoked.`
      : `API token *${r.id}* (${quote(r.label)}) is revoked: requests with it are refused from now on.`,
    response_type: "ephemeral",
  };
}

export function tokensReply(
  tokens: Array<{
    id: string;
    label: string;
    createdById: string;
    createdAt: Date;
    lastUsedAt: Date | null;
    revokedAt: Date | null;
  }>,
  value: { now: Date; timeZone: string },
): Reply {
  if (tokens.length === 0)
    return {
      text: "No API tokens yet. `/coo api token create <label>` makes one.",
      response_type: "ephemeral",
    };
  const lines = tokens.slice(0, 40).map((t) => {
    const made = `made by ${mention(t.createdById)} ${describeDay(t.createdAt, value.timeZone, value.now)}`;
    const state = t.revokedAt
      ? `revoked ${describeDay(t.revokedAt, value.timeZone, value.now)}`
      : t.lastUsedAt
        ? `last used ${describeInstant(t.lastUsedAt, value.timeZone, value.now)}`
        : "never used";
    return `*${t.id}* ${quote(t.label)} · ${made} · ${state}`;
  });
  const more = tokens.length - lines.length;
  return {
    text: [
      `${plural(tokens.length, "API token")}:`,
      ...lines,
      ...(more > 0 ? [`…and ${more} more`] : []),
    ].join("\n"),
    response_type: "ephemeral",
  };
}

type HistoryChange = {
  at: string;
  kind: string;
  actorId: string;
  toDueAt: string | null;
  toOwnerId: string | null;
  reason: string | null;
};

function changeWords(h: HistoryChange, timeZone: string, now: Date): string {
  const when = describeDay(new Date(h.at), timeZone, now);
  const what =
    h.kind === "redated" && h.toDueAt
      ? `moved to ${describeDay(new Date(h.toDueAt), timeZone, now)}`
      : h.kind === "reassigned" && h.toOwnerId
        ? `handed to ${mention(h.toOwnerId)}`
        : h.kind;
  return `• ${when}: ${what} by ${mention(h.actorId)}${h.reason ? ` (${quote(h.reason)})` : ""}`;
}

export function personHistoryReply(
  h: {
    person: string;
    since: Date;
    commitments: Array<Record<string, unknown>>;
    total: number;
    link: string | undefined;
  },
  value: { now: Date; timeZone: string },
): Reply {
  const { now, timeZone } = value;
  const since = describeDay(h.since, timeZone, now);
  const head = `${mention(h.person)} since ${since}: ${plural(h.total, "commitment")} changed`;
  const blocks: Block[] = [section(head)];
  for (const c of h.commitments) {
    const changes = (c.history as HistoryChange[]).slice(-6);
    const due = typeof c.dueAt === "string" ? `, due ${describeDay(new Date(c.dueAt), timeZone, now)}` : "";
    const line = `*${String(c.id)}* ${quote(String(c.title))} · ${String(c.status)}${c.status === "open" ? due : ""}`;
    blocks.push(
      section([line, ...changes.map((x) => changeWords(x, timeZone, now))].join("\n").slice(0, 2900)),
    );
  }
  const more = h.total - h.commitments.length;
  const notes = [
    ...(more > 0 ? [`…and ${more.toLocaleString("en-US")} more`] : []),
    `Dates in ${timeZone}`,
    ...(h.link ? [`<${h.link}|Their page on the dashboard>`] : []),
  ];
  blocks.push(context(notes.join(" · ")));
  if (h.total === 0)
    return {
      text: `${mention(h.person)}: nothing changed in their commitments since ${since}. Try \`/coo history ${mention(h.person)} since 3 months ago\`.${h.link ? ` Their page: ${h.link}` : ""}`,
      response_type: "ephemeral",
    };
  return { text: head, blocks, response_type: "ephemeral" };
}
