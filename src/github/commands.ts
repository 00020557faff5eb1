import { z } from "zod";
import type { Deps } from "../deps.js";
import { linearLinkedReply } from "../linear/messages.js";
import { linkLinearIssue, readLinearRef } from "../linear/use-cases.js";
import type { Slack } from "../slack/app.js";
import { defineCommand } from "../slack/commands.js";
import { connectedReply, linkedReply, reposReply } from "./messages.js";
import { connectedRepos, connectRepo, linkCommitment } from "./use-cases.js";

/*
 * The GitHub feature in Slack: `/coo github [connect owner/repo]` and
 * `/coo link C12 <issue or pull request>` parse, call a use case
 * (use-cases.ts) and present (messages.ts).
 */

export function register({ commands }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "github",
      pattern: "[connect <repo:text>]",
      summary: "the GitHub repositories connected here; admins and seats connect one",
      example: "/coo github connect acme/website",
      args: z.object({ repo: z.string().optional() }),
      async run({ workspaceId, actor }, { repo }) {
        if (repo === undefined) return { text: reposReply(await connectedRepos(deps, workspaceId)) };
        const done = await connectRepo(deps, await actor(), { workspaceId, repo });
        return { text: connectedReply(done.repo, done.isNew) };
      },
    }),
  );

  commands.add(
    defineCommand({
      name: "link",
      pattern: "<id:commitment> <target:text>",
      summary:
        "link a commitment to a GitHub issue or pull request, or a Linear issue: closing it marks the work done",
      example: "/coo link C12 acme/website#123",
      args: z.object({ id: z.number(), target: z.string() }),
      async run({ workspaceId, actor }, { id, target }) {
        if (readLinearRef(target)) {
          const l = await linkLinearIssue(deps, await actor(), { workspaceId, number: id, target });
          return { text: linearLinkedReply(l.commitment, l.ref, l.isNew) };
        }
        const linked = await linkCommitment(deps, await actor(), { workspaceId, number: id, target });
        return { text: linkedReply(linked.commitment, linked.ref, linked.isNew) };
      },
    }),
  );
}
