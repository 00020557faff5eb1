import { formatId } from "../ledger/ids.js";
import { quote } from "../slack/mentions.js";
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
