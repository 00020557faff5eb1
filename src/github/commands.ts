import { z } from "zod";
import type { Deps } from "../deps.js";
import { linearLinkedReply } from "../linear/messages.js";
import { linkLinearIssue, readLinearRef } from "../linear/use-cases.js";
import type { Slack } from "../slack/app.js";
import { defineButton } from "../slack/buttons.js";
import { defineCommand } from "../slack/commands.js";
import { scopeOf } from "../slack/context.js";
import {
  blockedOnReviewReply,
  connectedReply,
  githubButtons,
  linkedReply,
  loginReply,
  reposReply,
} from "./messages.js";
import { blockOnReview, claimGitHubLogin, connectedRepos, connectRepo, linkCommitment } from "./use-cases.js";

/*
 * The GitHub feature in Slack: `/coo github [connect owner/repo]` and
 * `/coo link C12 <issue or pull request>` parse, call a use case
 * (use-cases.ts) and present (messages.ts).
 */

export function register({ commands, listeners }: Slack, deps: Deps): void {
  commands.add(
    defineCommand({
      name: "github",
      pattern: "[connect <repo:text>] || me <login:word>",
      summary:
        "the GitHub repositories connected here; admins and seats connect one; `me <login>` says which GitHub login is you",
      example: "/coo github connect acme/website",
      args: z.object({ repo: z.string().optional(), login: z.string().optional() }),
      async run({ workspaceId, actor }, { repo, login }) {
        if (login !== undefined) {
          const claimed = await claimGitHubLogin(deps, await actor(), { workspaceId, login });
          return { text: loginReply(claimed.login, claimed.holder) };
        }
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

  defineButton(githubButtons.blockOnReview, {
    outdated:
      "That button is out of date. Record the blocker with `/coo blocker <what> waiting on @someone`.",
    async handle({ respond, context, value }) {
      const { workspaceId, actor } = scopeOf(context);
      const b = await blockOnReview(deps, await actor(), { workspaceId, number: value.n });
      await respond({ replace_original: true, text: blockedOnReviewReply(value.n, b) });
    },
  }).register(listeners);
}
