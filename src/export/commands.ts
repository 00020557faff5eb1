import { z } from "zod";
import type { Deps } from "../deps.js";
import type { Slack } from "../slack/app.js";
import { defineCommand } from "../slack/commands.js";
import {
  exportExample,
  exportQueuedReply,
  tokenCreatedReply,
  tokenRevokedReply,
  tokensReply,
} from "./messages.js";
import {
  createApiToken,
  exportKinds,
  listApiTokens,
  readSince,
  requestExport,
  revokeApiToken,
} from "./use-cases.js";

/*
 * Data out in Slack: `/coo export ...` (a file in DM, sent by a job) and
 * `/coo api token create|revoke` / `/coo api tokens` (replies only the caller
 * sees; a new token is shown once).
 */

export function register({ commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "export",
      pattern:
        "<kind:commitments|blockers|standups|handoffs> [<format:csv|json>] {since <when:date>} {for <person:user>} {<workstream:workstream>}",
      summary: "a CSV or JSON file of the ledger in your DM (your own work; admins and seats, anyone's)",
      example: exportExample,
      args: z.object({
        kind: z.enum(exportKinds),
        format: z.enum(["csv", "json"]).optional(),
        when: z.string().optional(),
        person: z.string().optional(),
        workstream: z.string().optional(),
      }),
      async run({ workspaceId, actor }, { kind, format, when, person, workstream }) {
        const me = await actor();
        const from = when ? readSince(when, deps.clock.now(), me.timeZone) : undefined;
        const done = await requestExport(deps, me, {
          workspaceId,
          kind,
          format: format ?? "csv",
          from,
          person,
          workstream,
        });
        return exportQueuedReply(kind, format ?? "csv", done.person, me.slackUserId);
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "api",
      pattern: "tokens || token create <label:text> || token revoke <id:word=T1>",
      summary:
        "tokens for the read-only API (admins and seats): create one (shown once), revoke one, list them",
      example: "/coo api token create reporting",
      args: z.object({ label: z.string().optional(), id: z.string().optional() }),
      async run({ workspaceId, actor }, { label, id }) {
        const me = await actor();
        if (label !== undefined) {
          const made = await createApiToken(deps, me, { workspaceId, label });
          return tokenCreatedReply(made, label.trim());
        }
        if (id !== undefined) return tokenRevokedReply(await revokeApiToken(deps, me, { workspaceId, id }));
        const tokens = await listApiTokens(deps, me, { workspaceId });
        return tokensReply(tokens, { now: deps.clock.now(), timeZone: me.timeZone });
      },
    }),
  );
}
