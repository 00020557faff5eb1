import { z } from "zod";
import { formatId } from "../ledger/ids.js";
import { actions, buttonSpec, section } from "../slack/blocks.js";
import type { Block } from "../slack/commands.js";
import { mention, quote } from "../slack/mentions.js";
import { plural } from "../words.js";

/*
 * What the GitHub feature says. Commitments are named by id and title, an
 * issue or pull request by its short name linked to GitHub.
 */

type Work = { number: number; title: string };
type Ref = { repo: string; number: number; url: string };

const work = (c: Work) => `*${formatId("commitment", c.number)}* ${quote(c.title)}`;
export const refText = (r: Ref) => `<${r.url}|${r.repo}#${r.number}>`;

export const repoExample = "`/coo github connect acme/website`";
export const linkExample =
  "`/coo link C12 https://github.com/acme/website/pull/123` or `/coo link C12 acme/website#123`";

export function reposReply(repos: string[]): string {
  if (repos.length === 0)
    return `No GitHub repository is connected here yet. An admin connects one with ${repoExample}, after adding coo's webhook to it (README, "Connect GitHub").`;
  return `${plural(repos.length, "repository", "repositories")} connected: ${repos.map((r) => `\`${r}\``).join(", ")}. Link work with ${linkExample}, or name the commitment (C12) in a pull request's title or description.`;
}

export const connectedReply = (repo: string, isNew: boolean) =>
  isNew
    ? `Connected \`${repo}\`. Pull requests that name a commitment (C12) in their title or description now follow it, and \`/coo link\` can point at its issues.`
    : `\`${repo}\` was already connected; nothing changed.`;

export const linkedReply = (c: Work, ref: Ref, isNew: boolean) =>
  isNew
    ? `Linked ${work(c)} to ${refText(ref)}: when it is merged or closed, ${formatId("commitment", c.number)} is marked done and its owner is told.`
    : `${work(c)} was already linked to ${refText(ref)}; nothing changed.`;

export const mergedNotice = (c: Work, ref: Ref) => `${work(c)} is done: ${refText(ref)} was merged.`;
export const issueClosedNotice = (c: Work, ref: Ref) => `${work(c)} is done: ${refText(ref)} was closed.`;
export const closedUnmergedNotice = (c: Work, ref: Ref) =>
  `${refText(ref)} was closed without merging, so ${work(c)} stays open. If the work is finished anyway, \`/coo done ${formatId("commitment", c.number)}\`.`;
export const reopenedNotice = (c: Work, ref: Ref, status: string) =>
  `${refText(ref)} was reopened; ${work(c)} is ${status === "open" ? "still open" : `still marked ${status}`}. If there is more to do, record it with \`/coo commit\`.`;

export const githubButtons = {
  /** On a changes-requested DM: record a blocker waiting on the reviewer. */
  blockOnReview: buttonSpec({
    id: "github_review_blocker",
    value: z.object({ n: z.number().int().positive() }),
  }),
};

type Reviewer = { login: string; slackId: string | undefined };
/** A reviewer as a Slack person when their login is known, else their GitHub login. */
export const reviewerText = (r: Reviewer) => (r.slackId ? mention(r.slackId) : `\`${r.login}\` on GitHub`);

export function changesRequestedNotice(
  c: Work,
  ref: Ref,
  reviewer: Reviewer,
): { text: string; blocks: Block[] } {
  const text = `${reviewerText(reviewer)} asked for changes on ${refText(ref)}, so ${work(c)} waits on them. Record it as a blocker waiting on them?`;
  return {
    text,
    blocks: [
      section(text),
      actions(githubButtons.blockOnReview.element("Record a blocker", { n: c.number }, { style: "primary" })),
    ],
  };
}

/** One line on a commitment: what its pull request's review says ("" when nothing). */
export function reviewNote(
  signals: Array<{ review: "changes_requested" | "waiting"; ref: Ref; reviewer: Reviewer | undefined }>,
): string {
  return signals
    .map((s) =>
      s.review === "changes_requested"
        ? `:memo: changes requested on ${refText(s.ref)}${s.reviewer ? ` by ${reviewerText(s.reviewer)}` : ""}`
        : `:hourglass_flowing_sand: ${refText(s.ref)} waiting on review${s.reviewer ? ` by ${reviewerText(s.reviewer)}` : ""}`,
    )
    .join(" · ");
}

export const loginReply = (login: string, holder: string | undefined) =>
  holder
    ? `\`${login}\` is already ${mention(holder)}'s GitHub login here; nothing changed. If that is wrong, they can give theirs with \`/coo github me <login>\`.`
    : `You are \`${login}\` on GitHub here: reviews you give or are asked for name you.`;

export function blockedOnReviewReply(
  number: number,
  b: { number: number; waitingOnId: string | null; waitingOnText: string | null },
): string {
  const on = b.waitingOnId ? mention(b.waitingOnId) : (b.waitingOnText ?? "the reviewer");
  const id = formatId("blocker", b.number);
  return `Recorded *${id}* on ${formatId("commitment", number)}, waiting on ${on}. \`/coo unblock ${id}\` when it clears.`;
}
