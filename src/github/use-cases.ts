import { z } from "zod";
import type { Blocker } from "../blockers/use-cases.js";
import { raiseBlocker } from "../blockers/use-cases.js";
import { completeFromGitHub, findCommitment } from "../commitments/use-cases.js";
import type { Db } from "../db/open.js";
import type { Deps } from "../deps.js";
import { badInput, notFound } from "../errors.js";
import type { Prisma, ReviewState } from "../generated/prisma/client.js";
import { enqueue, enqueueJob, type JobHandler, type Outgoing } from "../jobs/outbox.js";
import { formatId } from "../ledger/ids.js";
import { linearText } from "../linear/messages.js";
import { linkLinearFromText } from "../linear/use-cases.js";
import { type Actor, authorize } from "../policy.js";
import { echo } from "../slack/mentions.js";
import {
  changesRequestedNotice,
  closedUnmergedNotice,
  issueClosedNotice,
  linkExample,
  mergedNotice,
  refText,
  reopenedNotice,
  repoExample,
} from "./messages.js";
import {
  addLink,
  addRepo,
  claimLogin,
  isConnected,
  type LinkRef,
  linksTo,
  loginsOf,
  openByNumbers,
  reposOf,
  reviewLinksOf,
  setLinkKind,
  setLinkState,
  setReview,
  slackIdOf,
  workspacesWatching,
} from "./queries.js";

/*
 * GitHub signals (docs/decisions/0025-github.md): repositories a workspace
 * connected, commitments linked to their issues and pull requests, and what
 * a delivery does to them. No use case here sees an HTTP request.
 */

/** The queue of verified deliveries; each job is one delivery, keyed by its id. */
export const githubEvents = "github_event";

/** The little coo keeps of a delivery: what it reads, nothing else of GitHub's payload. */
const signal = z.object({
  event: z.enum(["pull_request", "issues", "pull_request_review"]),
  action: z.string(),
  repo: z.string(),
  number: z.number().int().positive(),
  url: z.string(),
  title: z.string(),
  body: z.string(),
  merged: z.boolean(),
  /** pull_request_review: what the review said, who gave it, when. */
  review: z.object({ state: z.string(), login: z.string(), at: z.string().nullable() }).optional(),
  /** pull_request review_requested: whose review is asked for. */
  requested: z.string().optional(),
});
type Signal = z.infer<typeof signal>;

const item = z.object({
  number: z.number().int().positive(),
  html_url: z.string(),
  title: z.string(),
  body: z.string().nullish(),
  merged: z.boolean().nullish(),
});
const login = z.object({ login: z.string() });
const delivery = z.object({
  action: z.string(),
  repository: z.object({ full_name: z.string() }),
  pull_request: item.optional(),
  issue: item.optional(),
  review: z
    .object({ state: z.string(), user: login.nullish(), submitted_at: z.string().nullish() })
    .optional(),
  requested_reviewer: login.nullish(),
});

/** A delivery's signal, or undefined for one coo does not act on (another event, another shape). */
function readSignal(event: string, payload: unknown): Signal | undefined {
  if (event !== "pull_request" && event !== "issues" && event !== "pull_request_review") return undefined;
  const parsed = delivery.safeParse(payload);
  const thing = event === "issues" ? parsed.data?.issue : parsed.data?.pull_request;
  if (!parsed.success || !thing) return undefined;
  const { review, requested_reviewer } = parsed.data;
  if (event === "pull_request_review" && !review?.user) return undefined;
  return {
    event,
    action: parsed.data.action,
    repo: parsed.data.repository.full_name.toLowerCase(),
    number: thing.number,
    url: thing.html_url,
    title: thing.title,
    body: thing.body ?? "",
    merged: thing.merged === true,
    ...(review?.user
      ? {
          review: {
            state: review.state.toLowerCase(),
            login: review.user.login.toLowerCase(),
            at: review.submitted_at ?? null,
          },
        }
      : {}),
    ...(requested_reviewer ? { requested: requested_reviewer.login.toLowerCase() } : {}),
  };
}

/** A push: who wrote its commits, as GitHub gives them (a login only when the email is on an account). */
const pushSignal = z.object({
  event: z.literal("push"),
  repo: z.string(),
  authors: z.array(z.object({ login: z.string(), email: z.string() })),
});
const author = z.object({ username: z.string().nullish(), email: z.string().nullish() }).nullish();
const pushDelivery = z.object({
  repository: z.object({ full_name: z.string() }),
  commits: z.array(z.object({ author })).nullish(),
  head_commit: z.object({ author }).nullish(),
});

function readPush(payload: unknown): z.infer<typeof pushSignal> | undefined {
  const parsed = pushDelivery.safeParse(payload);
  if (!parsed.success) return undefined;
  const all = [...(parsed.data.commits ?? []).map((c) => c.author), parsed.data.head_commit?.author];
  const seen = new Set<string>();
  const authors: Array<{ login: string; email: string }> = [];
  for (const a of all) {
    const login = a?.username?.toLowerCase();
    const email = a?.email?.toLowerCase();
    // GitHub's private relay addresses name no one in Slack.
    if (!login || !email || email.endsWith("@users.noreply.github.com")) continue;
    if (seen.has(`${login} ${email}`)) continue;
    seen.add(`${login} ${email}`);
    authors.push({ login, email });
  }
  if (authors.length === 0) return undefined;
  return { event: "push", repo: parsed.data.repository.full_name.toLowerCase(), authors };
}

/**
 * A verified delivery: written as a job keyed by its delivery id, so the
 * same delivery twice is one job. `ping` and events coo does not read write
 * nothing. False when nothing was written.
 */
export async function acceptDelivery(
  db: Db,
  input: { delivery: string; event: string; payload: unknown },
): Promise<boolean> {
  const read = input.event === "push" ? readPush(input.payload) : readSignal(input.event, input.payload);
  if (!read) return false;
  const id = await db.$transaction((tx) =>
    enqueueJob(tx, {
      queue: githubEvents,
      // A repository may be connected by several workspaces: the job finds them.
      workspaceId: null,
      key: `github:${input.delivery}`,
      payload: read,
    }),
  );
  return id !== undefined;
}

const repoName = /^[a-z0-9](?:[a-z0-9-]{0,38})\/[a-z0-9._-]{1,100}$/;

/** "acme/website", or its GitHub URL, lowercased; anything else is refused with an example. */
function readRepo(typed: string): string {
  const name = typed
    .trim()
    .replace(/^<|>$/g, "")
    .replace(/^https?:\/\/github\.com\//i, "")
    .replace(/(\.git)?\/?$/, "")
    .toLowerCase();
  if (!repoName.test(name))
    throw badInput(`${echo(typed)} is not a GitHub repository. Give owner/name, e.g. ${repoExample}.`);
  return name;
}

export async function connectRepo(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; repo: string },
): Promise<{ repo: string; isNew: boolean }> {
  const repo = readRepo(input.repo);
  const allowed = await authorize(actor, {
    kind: "change_settings",
    setting: "the connected GitHub repositories",
  });
  const isNew = await addRepo(deps, {
    workspaceId: input.workspaceId,
    fullName: repo,
    connectedById: allowed.slackUserId,
  });
  return { repo, isNew };
}

export async function connectedRepos(deps: Pick<Deps, "db">, workspaceId: string): Promise<string[]> {
  return (await reposOf(deps, workspaceId)).map((r) => r.fullName);
}

/** A URL of an issue or pull request, or owner/repo#123 (numbers are shared, so it is either). */
function readRef(typed: string): LinkRef {
  const text = typed.trim().replace(/^<|>$/g, "").split("|")[0] ?? "";
  const url = /^https?:\/\/github\.com\/([^/\s]+\/[^/\s]+)\/(pull|issues)\/(\d{1,9})(?:[/?#]\S*)?$/i.exec(
    text,
  );
  const short = /^([^/\s#]+\/[^/\s#]+)#(\d{1,9})$/.exec(text);
  const repo = (url?.[1] ?? short?.[1])?.toLowerCase();
  const number = Number(url?.[3] ?? short?.[2]);
  if (!repo || !repoName.test(repo) || !(number > 0))
    throw badInput(`${echo(typed)} is not an issue or pull request. Try ${linkExample}.`);
  const kind = url?.[2]?.toLowerCase() === "pull" ? "pull_request" : "issue";
  // GitHub sends an issue's address on to the pull request of that number.
  return {
    kind,
    repo,
    number,
    url: `https://github.com/${repo}/${kind === "pull_request" ? "pull" : "issues"}/${number}`,
  };
}

export async function linkCommitment(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; number: number; target: string },
) {
  const ref = readRef(input.target);
  const commitment = await findCommitment(deps, input.workspaceId, input.number);
  await authorize(actor, { kind: "change_commitment", commitment });
  if (!(await isConnected(deps, input.workspaceId, ref.repo)))
    throw notFound(
      `\`${ref.repo}\` is not connected here, so coo would never hear of it. An admin connects it with \`/coo github connect ${ref.repo}\`.`,
    );
  const isNew = await addLink(deps.db, {
    ...ref,
    workspaceId: input.workspaceId,
    commitmentId: commitment.id,
  });
  return { commitment, ref, isNew };
}

const refsIn =
  /(?:https?:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/(pull|issues)\/(\d{1,9}))|(?<![\w/.-])([\w.-]+\/[\w.-]+)#(\d{1,9})\b/gi;

/** GitHub issues and pull requests named in a text: URLs and owner/repo#123. */
function refsInText(text: string): LinkRef[] {
  const refs: LinkRef[] = [];
  for (const m of text.matchAll(refsIn)) {
    const repo = (m[1] ?? m[4] ?? "").toLowerCase();
    const number = Number(m[3] ?? m[5]);
    if (!repoName.test(repo) || !(number > 0)) continue;
    const kind = m[2]?.toLowerCase() === "pull" ? "pull_request" : "issue";
    const url = `https://github.com/${repo}/${kind === "pull_request" ? "pull" : "issues"}/${number}`;
    refs.push({ kind, repo, number, url });
  }
  return refs;
}

/**
 * Work named in a commitment's own text (on /coo commit, or a promise in a
 * standup answer): GitHub issues and pull requests of repositories this
 * workspace connected, and Linear issues of teams it follows, are linked.
 * Anything else in the text is left alone. Returns what was linked, as
 * Slack links for a reply.
 */
export async function linkWorkFromText(
  deps: Pick<Deps, "db">,
  input: { workspaceId: string; commitmentId: number; text: string },
): Promise<string[]> {
  const linked: string[] = [];
  for (const ref of refsInText(input.text)) {
    if (!(await isConnected(deps, input.workspaceId, ref.repo))) continue;
    if (await addLink(deps.db, { ...ref, workspaceId: input.workspaceId, commitmentId: input.commitmentId }))
      linked.push(refText(ref));
  }
  for (const ref of await linkLinearFromText(deps, input)) linked.push(linearText(ref));
  return linked;
}

/** "C12" anywhere in a title or description, as a word, any case. */
function namedCommitments(text: string): number[] {
  const numbers = [...text.matchAll(/\bC(\d{1,9})\b/gi)].map((m) => Number(m[1]));
  return [...new Set(numbers)].filter((n) => n > 0);
}

/**
 * One delivery's effect, for the job runner: reads first, then writes in the
 * transaction that finishes the job, so a redelivered or retried delivery
 * marks nothing twice and tells no one twice. Only the workspaces that
 * connected the repository are touched.
 */
export function handleGitHubEvent(
  deps: Pick<Deps, "db" | "clock" | "log" | "changes" | "slackFor">,
): JobHandler {
  return async (payload) => {
    const push = pushSignal.safeParse(payload);
    if (push.success) return matchLogins(deps, push.data);
    const s = signal.parse(payload);
    const workspaceIds = await workspacesWatching(deps, s.repo);
    if (workspaceIds.length === 0) {
      deps.log.info("github event for a repository no workspace connected", { event: s.event });
      return undefined;
    }
    const named =
      s.event !== "issues"
        ? await openByNumbers(deps, workspaceIds, namedCommitments(`${s.title}\n${s.body}`))
        : [];
    const ref: LinkRef = {
      kind: s.event === "issues" ? "issue" : "pull_request",
      repo: s.repo,
      number: s.number,
      url: s.url,
    };
    const now = deps.clock.now();
    return async (tx) => {
      for (const c of named) await addLink(tx, { ...ref, workspaceId: c.workspaceId, commitmentId: c.id });
      const links = await linksTo(tx, workspaceIds, ref);
      if (links.length === 0) return undefined;
      const state = stateOf(s);
      // Shorthand links learn here what they point at; a review keeps the state as it was.
      const ids = links.map((l) => l.id);
      if (state) await setLinkState(tx, ids, { state, kind: ref.kind, url: ref.url });
      else if (ref.kind === "pull_request") await setLinkKind(tx, ids, { kind: ref.kind, url: ref.url });
      const notices: Outgoing[] = [];
      for (const { id, workspaceId, commitment: c } of links) {
        const review = reviewOf(s, now);
        if (review && c.status === "open") {
          await setReview(tx, id, review);
          if (review.review === "changes_requested" && review.reviewer) {
            const reviewerId = await slackIdOf(tx, workspaceId, review.reviewer);
            notices.push({
              workspaceId,
              userId: c.ownerId,
              ...changesRequestedNotice(c, ref, { login: review.reviewer, slackId: reviewerId }),
            });
          }
          continue;
        }
        const text = await effect(tx, s, ref, c, now);
        if (text) notices.push({ workspaceId, userId: c.ownerId, text });
      }
      // The owners' App Home redraws (half a second on, after this commits).
      for (const n of notices)
        if (n.userId) deps.changes.publish({ workspaceId: n.workspaceId, userIds: [n.userId] });
      return enqueue(tx, notices);
    };
  };
}

/** What a review delivery says of the pull request's review, or undefined for anything else. */
function reviewOf(
  s: Signal,
  now: Date,
): { review: ReviewState | null; reviewer: string | null; reviewSince: Date | null } | undefined {
  if (s.event === "pull_request" && s.action === "review_requested" && s.requested)
    return { review: "requested", reviewer: s.requested, reviewSince: now };
  if (s.event !== "pull_request_review" || !s.review) return undefined;
  const at = s.review.at ? new Date(s.review.at) : now;
  if (s.action === "dismissed") return { review: null, reviewer: null, reviewSince: null };
  if (s.action !== "submitted") return undefined;
  if (s.review.state === "changes_requested")
    return { review: "changes_requested", reviewer: s.review.login, reviewSince: at };
  if (s.review.state === "approved") return { review: "approved", reviewer: s.review.login, reviewSince: at };
  return undefined;
}

function stateOf(s: Signal): string | undefined {
  if (s.action === "closed") return s.merged ? "merged" : "closed";
  if (s.action === "reopened" || s.action === "opened") return "open";
  return undefined;
}

/** What one delivery does to one linked commitment, and what its owner hears (nothing: undefined). */
async function effect(
  tx: Prisma.TransactionClient,
  s: Signal,
  ref: LinkRef,
  c: { id: number; number: number; title: string; status: string },
  now: Date,
): Promise<string | undefined> {
  if (s.event === "pull_request_review") return undefined;
  if (s.action === "reopened" && s.event === "issues") return reopenedNotice(c, ref, c.status);
  if (s.action !== "closed" || c.status !== "open") return undefined;
  if (s.event === "pull_request" && !s.merged) return closedUnmergedNotice(c, ref);
  const reason = `${ref.url} was ${s.event === "pull_request" ? "merged" : "closed"}`;
  if (!(await completeFromGitHub(tx, { commitmentId: c.id, reason, at: now }))) return undefined;
  return s.event === "pull_request" ? mergedNotice(c, ref) : issueClosedNotice(c, ref);
}

const loginName = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;

/**
 * `/coo github me <login>`: the actor is this GitHub login here, so reviews
 * name them as a Slack person. One login a person, one person a login: a
 * login someone else holds is refused.
 */
export async function claimGitHubLogin(
  deps: Pick<Deps, "db">,
  actor: Actor,
  input: { workspaceId: string; login: string },
): Promise<{ login: string; holder: string | undefined }> {
  const login = input.login.trim().replace(/^@/, "").toLowerCase();
  if (!loginName.test(login))
    throw badInput(
      `${echo(input.login)} is not a GitHub login. Give yours, e.g. \`/coo github me octocat\`.`,
    );
  const holder = await claimLogin(deps, {
    workspaceId: input.workspaceId,
    login,
    slackUserId: actor.slackUserId,
  });
  return { login, holder: holder === actor.slackUserId ? undefined : holder };
}

/**
 * The review state of each open commitment's pull requests: changes
 * requested, or a review asked for and waiting longer than the team's
 * threshold (`reviewWaitDays` working days). Keyed by commitment id.
 */
export async function reviewSignals(
  deps: Pick<Deps, "db" | "config">,
  input: { workspaceId?: string; commitmentIds?: number[]; now: Date },
): Promise<Map<number, ReviewSignal[]>> {
  if (input.commitmentIds?.length === 0) return new Map();
  const since = workingDaysBefore(input.now, deps.config.reviewWaitDays);
  const links = await reviewLinksOf(deps, { ...input, waitingSince: since });
  const workspaces = [...new Set(links.map((l) => l.workspaceId))];
  const logins = new Map<string, string>();
  for (const w of workspaces)
    for (const l of await loginsOf(deps, w)) logins.set(`${w}:${l.login}`, l.slackUserId);
  const out = new Map<number, ReviewSignal[]>();
  for (const l of links) {
    const list = out.get(l.commitmentId) ?? [];
    list.push({
      commitment: l.commitment,
      review: l.review === "changes_requested" ? "changes_requested" : "waiting",
      ref: { repo: l.repo, number: l.number, url: l.url },
      reviewer: l.reviewer
        ? { login: l.reviewer, slackId: logins.get(`${l.workspaceId}:${l.reviewer}`) }
        : undefined,
      since: l.reviewSince ?? input.now,
    });
    out.set(l.commitmentId, list);
  }
  return out;
}

export type ReviewSignal = {
  commitment: { number: number; title: string; ownerId: string };
  review: "changes_requested" | "waiting";
  ref: { repo: string; number: number; url: string };
  reviewer: { login: string; slackId: string | undefined } | undefined;
  since: Date;
};

/** `days` working days (Monday to Friday) before `now`. */
function workingDaysBefore(now: Date, days: number): Date {
  const at = new Date(now);
  let left = days;
  while (left > 0) {
    at.setUTCDate(at.getUTCDate() - 1);
    const day = at.getUTCDay();
    if (day !== 0 && day !== 6) left--;
  }
  return at;
}

/**
 * The owner's answer to a changes-requested DM: a blocker on the commitment,
 * waiting on the reviewer (as a Slack person when their login is known, else
 * by login), raised through the blockers use case.
 */
export async function blockOnReview(
  deps: Parameters<typeof raiseBlocker>[0] & Pick<Deps, "config">,
  actor: Actor,
  input: { workspaceId: string; number: number },
): Promise<Blocker> {
  const commitment = await findCommitment(deps, input.workspaceId, input.number);
  await authorize(actor, { kind: "change_commitment", commitment });
  const [signal] =
    (await reviewSignals(deps, { commitmentIds: [commitment.id], now: deps.clock.now() })).get(
      commitment.id,
    ) ?? [];
  if (!signal?.reviewer)
    throw notFound("No review is holding this up any more, so there is nothing to record.");
  const what = signal.review === "changes_requested" ? "changes requested" : "review waiting";
  return raiseBlocker(deps, actor, {
    workspaceId: input.workspaceId,
    text: `${formatId("commitment", commitment.number)} ${commitment.title}: ${what} on ${signal.ref.repo}#${signal.ref.number}`,
    waitingOn: signal.reviewer.slackId
      ? { userId: signal.reviewer.slackId }
      : { text: `${signal.reviewer.login} on GitHub` },
  });
}

/**
 * Commit authors of a push to GitHub logins, by email: for each workspace
 * that connected the repository, a login nobody claimed whose email Slack
 * finds on exactly one member who has no login yet is that member. Anything
 * less certain (no match, several, a login or person already mapped, Slack
 * refusing) leaves it to `/coo github me`.
 */
async function matchLogins(
  deps: Pick<Deps, "db" | "log" | "slackFor">,
  push: z.infer<typeof pushSignal>,
): ReturnType<JobHandler> {
  const workspaceIds = await workspacesWatching(deps, push.repo);
  const found: Array<{ workspaceId: string; login: string; slackUserId: string }> = [];
  for (const workspaceId of workspaceIds) {
    const known = await loginsOf(deps, workspaceId);
    const byLogin = new Map<string, Set<string>>();
    for (const a of push.authors) {
      if (known.some((k) => k.login === a.login)) continue;
      const id = await lookupByEmail(deps, workspaceId, a.email);
      if (!id) continue;
      byLogin.set(a.login, (byLogin.get(a.login) ?? new Set()).add(id));
    }
    const claimed = new Map<string, number>();
    for (const ids of byLogin.values()) for (const id of ids) claimed.set(id, (claimed.get(id) ?? 0) + 1);
    for (const [login, ids] of byLogin) {
      const [id] = [...ids];
      if (ids.size !== 1 || !id || claimed.get(id) !== 1 || known.some((k) => k.slackUserId === id)) continue;
      found.push({ workspaceId, login, slackUserId: id });
    }
  }
  if (found.length === 0) return undefined;
  return async (tx) => {
    await tx.gitHubLogin.createMany({ data: found, skipDuplicates: true });
    return [];
  };
}

async function lookupByEmail(
  deps: Pick<Deps, "log" | "slackFor">,
  workspaceId: string,
  email: string,
): Promise<string | undefined> {
  try {
    const res = await (await deps.slackFor(workspaceId)).users.lookupByEmail({ email });
    return res.user?.id;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code !== "users_not_found") deps.log.warn("github login by email: Slack refused", { error: code });
    return undefined;
  }
}
