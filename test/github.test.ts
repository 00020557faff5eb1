import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scheduleCadence } from "./kit/cadence.js";
import { days, startTestCoo, type TestCoo } from "./kit/coo.js";
import { pgliteDatabase, postgresAvailable, postgresDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { example, GitHubClient, githubSecret } from "./kit/github.js";
import { replyTo, useBot, wednesday } from "./kit/harness.js";
import { addCommitments } from "./kit/ledger.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

const h = useBot({ env: { GITHUB_WEBHOOK_SECRET: githubSecret } });
const db = () => h.bot.coo.deps.db;
const github = () => new GitHubClient(h.bot.baseUrl);
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));
/** A reply with its blocks' text, whether it came back at once or by its response URL. */
async function read(user: string, text: string): Promise<string> {
  const res = await h.bot.slack.command(text, { user });
  if (res.json) return textOf(res.json);
  return textOf((await h.fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId)).args);
}

let repos = 0;
/** A repository of this test alone, so one test's deliveries never reach another's commitments. */
const freshRepo = () => `acme/web-${Date.now().toString(36)}-${repos++}`;

/** A commitment of U1's, by its number. */
async function commit(title: string): Promise<number> {
  const text = await say("U1", `commit ${title} by Friday`);
  return Number(/\*C(\d+)\*/.exec(text)?.[1]);
}
const row = (number: number, workspaceId = "T1") =>
  db().commitment.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId, number } },
    include: { history: { orderBy: { id: "asc" } }, links: true },
  });

/**
 * `@octokit/webhooks-examples` (api.github.com): a pull_request delivery with
 * the given action, its repository, title and body (and, for a merge, the
 * merged flag: the package has no merged example) pointed at this test's data.
 */
function pullRequest(
  action: string,
  repo: string,
  patch: { title?: string; body?: string; merged?: boolean } = {},
) {
  const payload = example("pull_request", action) as {
    repository: { full_name: string; name: string };
    pull_request: { number: number; html_url: string; title: string; body: string | null; merged: boolean };
  };
  payload.repository.full_name = repo;
  payload.repository.name = repo.split("/")[1] ?? "";
  const pr = payload.pull_request;
  pr.html_url = `https://github.com/${repo}/pull/${pr.number}`;
  if (patch.title !== undefined) pr.title = patch.title;
  if (patch.body !== undefined) pr.body = patch.body;
  if (patch.merged !== undefined) pr.merged = patch.merged;
  return { payload, number: pr.number };
}

/** `@octokit/webhooks-examples` issues "reopened"; the package has no "closed" one, so that is the same issue with its action and state set. */
function issue(action: "reopened" | "closed", repo: string) {
  const payload = example("issues", "reopened") as {
    action: string;
    repository: { full_name: string; name: string };
    issue: { number: number; html_url: string; state: string };
  };
  payload.action = action;
  payload.issue.state = action === "closed" ? "closed" : "open";
  payload.repository.full_name = repo;
  payload.repository.name = repo.split("/")[1] ?? "";
  payload.issue.html_url = `https://github.com/${repo}/issues/${payload.issue.number}`;
  return { payload, number: payload.issue.number };
}

const jobsOf = (delivery: string) => db().outboxMessage.findMany({ where: { key: `github:${delivery}` } });
const jobDone = async (delivery: string) => (await jobsOf(delivery)).every((j) => j.status === "sent");
const dmsTo = (user: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === `D${user}`);

test("/coo github connect is for admins and seats, reads owner/repo or its URL, and /coo github lists the repositories", async () => {
  const repo = freshRepo();
  expect(await say("U1", `github connect ${repo}`)).toContain("Only");
  expect(await say("U9", "github connect not a repo")).toContain("`/coo github connect acme/website`");
  expect(await say("U9", `github connect https://github.com/${repo.toUpperCase()}`)).toContain(
    `Connected \`${repo}\``,
  );
  expect(await say("U9", `github connect ${repo}`)).toContain("already connected");
  expect(await say("U1", "github")).toContain(`\`${repo}\``);
  expect(await db().gitHubRepo.count({ where: { fullName: repo } })).toBe(1);
});

test("/coo link ties a commitment to an issue or pull request of a connected repository, and refuses others with an example", async () => {
  const repo = freshRepo();
  const n = await commit("ship the pricing page");
  expect(await say("U1", `link C${n} ${repo}#7`)).toContain(`\`/coo github connect ${repo}\``);
  await say("U9", `github connect ${repo}`);
  expect(await say("U1", `link C${n} not-a-link`)).toContain("`/coo link C12 acme/website#123`");
  expect(await say("U2", `link C${n} ${repo}#7`)).toMatch(/only|belongs/i);
  expect(await say("U1", `link C${n} https://github.com/${repo}/pull/7`)).toContain(`Linked *C${n}*`);
  expect((await row(n)).links).toMatchObject([{ repo, number: 7, kind: "pull_request" }]);
});

test("a merged pull request that names C12 marks it done once, tells the owner in one line, and keeps the link in its history", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = await commit("ship the pricing page");
  const opened = pullRequest("opened", repo, { title: `Pricing page (c${n})` });
  const first = await github().deliver("pull_request", opened.payload);
  expect(first.status).toBe(200);
  await until(() => jobDone(first.delivery));
  expect((await row(n)).links).toHaveLength(1);

  const merged = pullRequest("closed", repo, { merged: true, body: "no ids here" });
  const delivery = await github().deliver("pull_request", merged.payload);
  expect(delivery.status).toBe(200);
  await until(async () => (await row(n)).status === "done");
  const again = await github().deliver("pull_request", merged.payload, { delivery: delivery.delivery });
  expect(again.status).toBe(200);
  await until(() => jobDone(delivery.delivery));
  await until(() => dmsTo("U1").length > 0);
  const done = await row(n);
  expect(done.history.filter((c) => c.kind === "done")).toMatchObject([
    { actorId: "github", reason: `https://github.com/${repo}/pull/${merged.number} was merged` },
  ]);
  expect(await jobsOf(delivery.delivery)).toHaveLength(1);
  expect(dmsTo("U1").map((c) => c.args.text)).toEqual([
    `*C${n}* ship the pricing page is done: <https://github.com/${repo}/pull/${merged.number}|${repo}#${merged.number}> was merged.`,
  ]);
  expect(await say("U1", `history C${n}`)).toContain("GitHub marked it done");
});

test("a commitment GitHub marks done leaves its owner's App Home", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = Number(/\*C(\d+)\*/.exec(await say("U2", "commit write the release notes by Friday"))?.[1]);
  const shows = (c: { args: Record<string, unknown> }) =>
    new RegExp(`C${n}\\b`).test(JSON.stringify(c.args.view));
  // Recording it redraws U2's Home with it on.
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U2" && shows(c));
  const opened = pullRequest("opened", repo, { title: `Release notes (C${n})` });
  const linked = await github().deliver("pull_request", opened.payload);
  await until(() => jobDone(linked.delivery));
  const merged = pullRequest("closed", repo, { merged: true, body: "no ids here" });
  await github().deliver("pull_request", merged.payload);
  await until(async () => (await row(n)).status === "done");
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U2" && !shows(c));
});

test("a pull request closed without merging is reported to the owner and the commitment stays open", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = await commit("try the new checkout");
  const closed = pullRequest("closed", repo, { body: `Closes C${n}.` });
  expect(closed.payload.pull_request.merged).toBe(false);
  const sent = await github().deliver("pull_request", closed.payload);
  await until(() => jobDone(sent.delivery));
  await until(() => dmsTo("U1").length > 0);
  expect((await row(n)).status).toBe("open");
  expect(String(dmsTo("U1")[0]?.args.text)).toContain(
    `was closed without merging, so *C${n}* try the new checkout stays open`,
  );
});

test("a closed issue marks its linked commitment done; reopened, the owner is told and it is not reopened", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = await commit("fix the spelling");
  const closed = issue("closed", repo);
  await say("U1", `link C${n} ${repo}#${closed.number}`);
  const sent = await github().deliver("issues", closed.payload);
  await until(async () => (await row(n)).status === "done");
  await until(() => jobDone(sent.delivery));
  const reopened = await github().deliver("issues", issue("reopened", repo).payload);
  await until(() => jobDone(reopened.delivery));
  await until(() => dmsTo("U1").length === 2);
  expect((await row(n)).status).toBe("done");
  expect(String(dmsTo("U1")[1]?.args.text)).toContain(
    `was reopened; *C${n}* fix the spelling is still marked done`,
  );
});

test("an event for a repository no workspace connected is acknowledged and ignored", async () => {
  const repo = freshRepo();
  const n = await commit("quiet work");
  const sent = await github().deliver(
    "pull_request",
    pullRequest("closed", repo, { title: `C${n}`, merged: true }).payload,
  );
  expect(sent.status).toBe(200);
  await until(() => jobDone(sent.delivery));
  expect(await row(n)).toMatchObject({ status: "open", links: [] });
  expect(h.bot.logs.some((l) => l.msg === "github event for a repository no workspace connected")).toBe(true);
});

test("a pull request naming a commitment of a workspace that did not connect the repository changes nothing there", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  // Another workspace on the same coo, with GitHub of its own (one bot token serves only T1, so it is seeded).
  await db().workspace.upsert({ where: { id: "T2" }, create: { id: "T2" }, update: {} });
  await db().gitHubRepo.create({ data: { workspaceId: "T2", fullName: freshRepo(), connectedById: "U5" } });
  const [theirs = 0] = await addCommitments(db(), "T2", [
    { ownerId: "U5", title: "their secret work", dueAt: new Date("2026-12-04T17:00:00Z") },
  ]);
  const sent = await github().deliver(
    "pull_request",
    pullRequest("closed", repo, { title: `C${theirs}`, merged: true }).payload,
  );
  await until(() => jobDone(sent.delivery));
  expect(await row(theirs, "T2")).toMatchObject({ status: "open", links: [] });
  expect(await db().commitmentLink.count({ where: { workspaceId: "T2" } })).toBe(0);
});

/**
 * `@octokit/webhooks-examples` pull_request_review "submitted" for this
 * test's repository and pull request. The package's submitted reviews are
 * all "commented"; GitHub's documented states include "changes_requested",
 * so that field is set (as `merged` is for a merge above).
 */
function review(repo: string, number: number, state: "changes_requested" | "approved", login: string) {
  const payload = example("pull_request_review", "submitted") as {
    repository: { full_name: string; name: string };
    pull_request: { number: number; html_url: string; title: string; body: string | null };
    review: { state: string; user: { login: string } };
  };
  payload.repository.full_name = repo;
  payload.repository.name = repo.split("/")[1] ?? "";
  payload.pull_request.number = number;
  payload.pull_request.html_url = `https://github.com/${repo}/pull/${number}`;
  payload.pull_request.title = "no ids here";
  payload.pull_request.body = null;
  payload.review.state = state;
  payload.review.user.login = login;
  return payload;
}

test("/coo github me says which GitHub login is you; a login someone else holds is refused", async () => {
  expect(await say("U2", "github me @Octo-Reviewer")).toContain("You are `octo-reviewer` on GitHub");
  expect(await say("U3", "github me octo-reviewer")).toContain("already <@U2>'s GitHub login");
  expect(await say("U3", "github me not/a")).toContain("`/coo github me octocat`");
  expect(await db().gitHubLogin.findMany({ where: { login: "octo-reviewer" } })).toMatchObject([
    { slackUserId: "U2" },
  ]);
});

/** `@octokit/webhooks-examples` push, its commit authors set to the given ones. */
function push(repo: string, authors: Array<{ username: string; email: string }>) {
  const payload = example("push") as {
    repository: { full_name: string; name: string };
    commits: Array<{ author: { name: string; email: string; username?: string } }>;
    head_commit: { author: { name: string; email: string; username?: string } } | null;
  };
  payload.repository.full_name = repo;
  payload.repository.name = repo.split("/")[1] ?? "";
  const template = payload.head_commit ?? { author: { name: "", email: "" } };
  payload.commits = authors.map((a) => ({
    ...structuredClone(template),
    author: { name: a.username, ...a },
  }));
  payload.head_commit = payload.commits.at(-1) ?? null;
  return payload;
}

test("a push's commit author becomes a GitHub login by email, only when Slack finds exactly one person and neither side is taken", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  h.fakeSlack.users.set("U3", { ...h.fakeSlack.users.get("U3"), id: "U3", email: "Cara@Example.com" });
  const sent = await github().deliver(
    "push",
    push(repo, [
      { username: "Cara-Codes", email: "cara@example.com" },
      { username: "nobody-here", email: "ghost@example.com" },
      { username: "private-one", email: "1234+private-one@users.noreply.github.com" },
    ]),
  );
  expect(sent.status).toBe(200);
  await until(
    async () =>
      (await db().outboxMessage.findMany({ where: { key: `github:${sent.delivery}` } })).length === 1,
  );
  await until(() => jobDone(sent.delivery));
  expect(await db().gitHubLogin.findMany({ where: { workspaceId: "T1", slackUserId: "U3" } })).toMatchObject([
    { login: "cara-codes" },
  ]);
  expect(await db().gitHubLogin.count({ where: { login: { in: ["nobody-here", "private-one"] } } })).toBe(0);
  // Another login with the same email: U3 already has one, so nothing changes.
  const again = await github().deliver(
    "push",
    push(repo, [{ username: "cara-alt", email: "cara@example.com" }]),
  );
  await until(() => jobDone(again.delivery));
  expect(await db().gitHubLogin.count({ where: { login: "cara-alt" } })).toBe(0);
});

test("changes requested on a linked pull request: the owner is told, naming the reviewer, it shows on /coo status and /coo risks, and the button records a blocker waiting on the reviewer", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  await say("U4", "github me dana-reviews");
  const n = Number(/\*C(\d+)\*/.exec(await say("U3", "commit ship the pricing page by Friday"))?.[1]);
  await say("U3", `link C${n} ${repo}#9`);
  const sent = await github().deliver(
    "pull_request_review",
    review(repo, 9, "changes_requested", "Dana-Reviews"),
  );
  expect(sent.status).toBe(200);
  await until(() => jobDone(sent.delivery));
  const told = await h.fakeSlack.waitFor("chat.postMessage", (c) =>
    String(c.args.text).includes("asked for changes"),
  );
  expect(told.args.channel).toBe("DU3");
  expect(String(told.args.text)).toBe(
    `<@U4> asked for changes on <https://github.com/${repo}/pull/9|${repo}#9>, so *C${n}* ship the pricing page waits on them. Record it as a blocker waiting on them?`,
  );
  expect((await row(n)).links).toMatchObject([{ review: "changes_requested", reviewer: "dana-reviews" }]);
  expect(await read("U3", "status")).toContain(
    `changes requested on <https://github.com/${repo}/pull/9|${repo}#9> by <@U4>`,
  );
  expect(await read("U3", "risks")).toMatch(new RegExp(`Held up in review[^]*C${n}\\*`));

  // The owner's App Home redraws with the review under the commitment.
  await h.fakeSlack.waitFor(
    "views.publish",
    (c) => c.args.user_id === "U3" && JSON.stringify(c.args.view).includes(":memo: changes requested on"),
  );
  // The sweep counts it as a sign of slip: not overdue, not due by tomorrow, yet the owner hears.
  await h.bot.coo.sweeper.sweep();
  const nudge = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU3" && textOf(c.args).includes("held up in review"),
  );
  expect(textOf(nudge.args)).toContain(`C${n}`);

  await h.bot.slack.press("github_review_blocker", { n }, { user: "U3" });
  await h.fakeSlack.waitFor("response_url", (c) => String(c.args.text).includes("waiting on <@U4>"));
  expect(await db().blocker.findMany({ where: { reporterId: "U3", waitingOnId: "U4" } })).toMatchObject([
    { text: `C${n} ship the pricing page: changes requested on ${repo}#9`, status: "open" },
  ]);

  // An approval clears it.
  const approved = await github().deliver("pull_request_review", review(repo, 9, "approved", "dana-reviews"));
  await until(() => jobDone(approved.delivery));
  expect(await read("U3", "status")).not.toContain(":memo: changes requested");
});

test("the weekly review lists work held up in review, naming the reviewer", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = Number(
    /\*C(\d+)\*/.exec(await say("U4", `commit the export screen ${repo}#12 by 2026-12-18`))?.[1],
  );
  const sent = await github().deliver(
    "pull_request_review",
    review(repo, 12, "changes_requested", "someone-else"),
  );
  await until(() => jobDone(sent.delivery));
  const cadence = await scheduleCadence(h, "review fri 16:00 tz UTC", "C1");
  try {
    h.clock.set(new Date("2026-12-04T16:00:00Z"));
    await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
    const post = await h.fakeSlack.waitFor(
      "chat.postMessage",
      (c) => c.args.channel === "C1" && textOf(c.args).includes("*Weekly review*"),
    );
    expect(textOf(post.args)).toContain(
      `*Held up in review* (1)\n• *C${n}* the export screen ${repo}#12 (<@U4>): :memo: changes requested on <https://github.com/${repo}/pull/12|${repo}#12> by \`someone-else\` on GitHub`,
    );
  } finally {
    h.clock.set(wednesday);
  }
});

test("a review asked for and waiting longer than the threshold (2 working days) shows on the commitment; before that it does not", async () => {
  const repo = freshRepo();
  await say("U9", `github connect ${repo}`);
  const n = Number(/\*C(\d+)\*/.exec(await say("U1", "commit the onboarding emails by 2026-12-31"))?.[1]);
  const asked = pullRequest("review_requested", repo, { title: `Onboarding (C${n})` });
  const sent = await github().deliver("pull_request", asked.payload);
  await until(() => jobDone(sent.delivery));
  expect((await row(n)).links).toMatchObject([{ review: "requested", reviewer: "octocat" }]);
  expect(await read("U1", "status")).not.toContain("waiting on review");
  try {
    h.clock.advance(days(4)); // Wednesday to Sunday: two working days and more
    const status = await read("U1", "status");
    expect(status).toContain(`waiting on review by \`octocat\` on GitHub`);
    expect(await read("U1", "risks")).toMatch(new RegExp(`Held up in review[^]*C${n}\\*`));
  } finally {
    h.clock.set(wednesday);
  }
});

test("unsigned, wrongly signed and malformed deliveries are refused and write nothing; ping writes nothing", async () => {
  const before = await db().outboxMessage.count();
  const { payload } = pullRequest("opened", freshRepo());
  expect((await github().deliver("pull_request", payload, { signature: null })).status).toBe(401);
  expect((await github().deliver("pull_request", payload, { secret: "not-the-secret" })).status).toBe(401);
  expect((await github().deliver("pull_request", payload, { signature: "sha256=zz" })).status).toBe(401);
  expect((await github().deliver("pull_request", undefined, { body: "{not json" })).status).toBe(400);
  expect(
    (await github().deliver("pull_request", payload, { headers: { "x-github-delivery": "" } })).status,
  ).toBe(400);
  expect((await github().deliver("ping", example("ping"))).status).toBe(200);
  expect(await db().outboxMessage.count()).toBe(before);
});

/** The same delivery twice marks done once and tells once, on either database. */
function redeliverySuite(name: string, makeDatabase: () => Promise<TestDatabase>, enabled: boolean) {
  describe.runIf(enabled)(name, () => {
    let fakeSlack: FakeSlack;
    let database: TestDatabase;
    let bot: TestCoo;
    beforeAll(async () => {
      fakeSlack = await FakeSlack.start();
      fakeSlack.users.set("U1", { id: "U1", tz: "UTC" });
      fakeSlack.users.set("U9", { id: "U9", tz: "UTC", is_admin: true });
      fakeSlack.channel("C1", { members: ["U1", "U9"] });
      database = await makeDatabase();
      bot = await startTestCoo({
        database: database.config,
        fakeSlack,
        env: { GITHUB_WEBHOOK_SECRET: githubSecret },
      });
    });
    afterAll(async () => {
      await bot?.stop();
      await database?.drop();
      await fakeSlack?.stop();
    });

    test("a merged pull request delivered three times closes its commitment once", async () => {
      const ask = async (user: string, text: string) => {
        const res = await bot.slack.command(text, { user });
        return res.json
          ? JSON.stringify(res.json)
          : String((await fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId)).args.text);
      };
      await ask("U9", "github connect acme/website");
      const n = Number(/C(\d+)/.exec(await ask("U1", "commit ship it by Friday"))?.[1]);
      const merged = pullRequest("closed", "acme/website", { title: `Ship it, C${n}`, merged: true });
      const client = new GitHubClient(bot.baseUrl);
      const first = await client.deliver("pull_request", merged.payload);
      await client.deliver("pull_request", merged.payload, { delivery: first.delivery });
      await client.deliver("pull_request", merged.payload, { delivery: first.delivery });
      const prisma = bot.coo.deps.db;
      const commitment = () =>
        prisma.commitment.findUniqueOrThrow({
          where: { workspaceId_number: { workspaceId: "T1", number: n } },
          include: { history: true },
        });
      await until(async () => (await commitment()).status === "done");
      await until(async () =>
        (await prisma.outboxMessage.findMany({ where: { key: `github:${first.delivery}` } })).every(
          (j) => j.status === "sent",
        ),
      );
      await until(() => fakeSlack.callsTo("chat.postMessage").some((c) => c.args.channel === "DU1"));
      expect((await commitment()).history.filter((c) => c.kind === "done")).toHaveLength(1);
      expect(await prisma.outboxMessage.count({ where: { key: `github:${first.delivery}` } })).toBe(1);
      expect(
        fakeSlack.callsTo("chat.postMessage").filter((c) => String(c.args.text).includes("was merged")),
      ).toHaveLength(1);
    });
  });
}

redeliverySuite("on PGlite", pgliteDatabase, true);
redeliverySuite("on Postgres", postgresDatabase, postgresAvailable());

test("without GITHUB_WEBHOOK_SECRET there is no GitHub endpoint: even a signed delivery gets 404", async () => {
  const database = await pgliteDatabase();
  const bot = await startTestCoo({ database: database.config, fakeSlack: h.fakeSlack });
  try {
    const sent = await new GitHubClient(bot.baseUrl).deliver("ping", example("ping"));
    expect(sent.status).toBe(404);
    expect(await bot.coo.deps.db.outboxMessage.count({ where: { queue: "github_event" } })).toBe(0);
  } finally {
    await bot.stop();
    await database.drop();
  }
});
