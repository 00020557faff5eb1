import { expect, test } from "vitest";
import { startTestCoo } from "./kit/coo.js";
import { pgliteDatabase, postgresAvailable, postgresDatabase } from "./kit/database.js";
import { githubSecret } from "./kit/github.js";
import { replyTo, useBot } from "./kit/harness.js";
import { addCommitments } from "./kit/ledger.js";
import { LinearClient, linearIssue, linearSecret, pointAt } from "./kit/linear.js";
import { until } from "./kit/wait.js";

const h = useBot({ env: { LINEAR_WEBHOOK_SECRET: linearSecret, GITHUB_WEBHOOK_SECRET: githubSecret } });
const db = () => h.bot.coo.deps.db;
const linear = () => new LinearClient(h.bot.baseUrl);
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));

let teams = 0;
/** A team key of this test alone, so one test's deliveries never reach another's commitments. */
const freshTeam = () => `T${Date.now().toString(36).slice(-4).toUpperCase()}${teams++}`;

async function commit(user: string, title: string): Promise<number> {
  const text = await say(user, `commit ${title} by Friday`);
  return Number(/\*C(\d+)\*/.exec(text)?.[1]);
}
const row = (number: number, workspaceId = "T1") =>
  db().commitment.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId, number } },
    include: { history: { orderBy: { id: "asc" } }, links: true },
  });
const jobDone = async (delivery: string) =>
  (await db().outboxMessage.findMany({ where: { key: `linear:${delivery}` } })).every(
    (j) => j.status === "sent",
  );
const dmsTo = (user: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === `D${user}`);

test("/coo linear connect is for admins and seats, reads a team key, and /coo linear lists the teams", async () => {
  const team = freshTeam();
  expect(await say("U1", `linear connect ${team}`)).toContain("Only");
  expect(await say("U9", "linear connect not a key")).toContain("`/coo linear connect ENG`");
  expect(await say("U9", `linear connect ${team.toLowerCase()}`)).toContain(
    `Following Linear team \`${team}\``,
  );
  expect(await say("U9", `linear connect ${team}`)).toContain("already followed");
  expect(await say("U1", "linear")).toContain(`\`${team}\``);
});

test("/coo link C12 ENG-123 links a Linear issue of a followed team, and refuses one of a team not followed", async () => {
  const team = freshTeam();
  const n = await commit("U1", "ship the plan table");
  expect(await say("U1", `link C${n} ${team}-7`)).toContain(`\`/coo linear connect ${team}\``);
  await say("U9", `linear connect ${team}`);
  expect(await say("U2", `link C${n} ${team}-7`)).toMatch(/only|belongs/i);
  expect(await say("U1", `link C${n} ${team}-7`)).toContain(`Linked *C${n}*`);
  expect((await row(n)).links).toMatchObject([{ kind: "linear_issue", repo: team, number: 7 }]);
});

test("an issue in a commitment's own text links it, when its team or repository is connected", async () => {
  const team = freshTeam();
  const repo = `acme/site-${team.toLowerCase()}`;
  await say("U9", `linear connect ${team}`);
  await say("U9", `github connect ${repo}`);
  const text = await say("U1", `commit finish ${team}-12 and ${repo}#4, not OTHER-9 by Friday`);
  expect(text).toContain(
    `Linked to <https://github.com/${repo}/issues/4|${repo}#4>, <https://linear.app/issue/${team}-12|${team}-12>`,
  );
  const n = Number(/\*C(\d+)\*/.exec(text)?.[1]);
  expect((await row(n)).links.map((l) => `${l.kind} ${l.repo} ${l.number}`).sort()).toEqual([
    `issue ${repo} 4`,
    `linear_issue ${team} 12`,
  ]);
});

test("Linear Issue create naming C12 links it; update to Done closes it once and tells the owner; remove is reported", async () => {
  const team = freshTeam();
  await say("U9", `linear connect ${team}`);
  const n = await commit("U1", "ship the plan table");
  const created = pointAt(linearIssue("issue-create"), team, 41);
  created.data.description = `For C${n}.`;
  const first = await linear().deliver(created);
  expect(first.status).toBe(200);
  await until(() => jobDone(first.delivery));
  expect((await row(n)).links).toMatchObject([
    { kind: "linear_issue", repo: team, number: 41, state: "unstarted" },
  ]);

  const done = pointAt(linearIssue("issue-update-done"), team, 41);
  const sent = await linear().deliver(done);
  await until(async () => (await row(n)).status === "done");
  await linear().deliver(done, { delivery: sent.delivery });
  await until(() => jobDone(sent.delivery));
  // A later update in the same state (a new delivery) changes nothing and tells no one.
  const later = await linear().deliver(done);
  await until(() => jobDone(later.delivery));
  const removed = await linear().deliver(pointAt(linearIssue("issue-remove"), team, 41));
  await until(() => jobDone(removed.delivery));
  await until(() => dmsTo("U1").length >= 2);
  expect((await row(n)).history.filter((c) => c.kind === "done")).toMatchObject([
    { actorId: "linear", reason: `https://linear.app/acme/issue/${team}-41/work moved to "Done" in Linear` },
  ]);
  expect(dmsTo("U1").map((c) => c.args.text)).toEqual([
    `*C${n}* ship the plan table is done: <https://linear.app/acme/issue/${team}-41/work|${team}-41> moved to Done in Linear.`,
    `<https://linear.app/acme/issue/${team}-41/work|${team}-41> was deleted in Linear; *C${n}* ship the plan table stays as it is.`,
  ]);
  expect(await say("U1", `history C${n}`)).toContain("Linear marked it done");
});

test("a canceled Linear issue is reported to the owner and the commitment stays open", async () => {
  const team = freshTeam();
  await say("U9", `linear connect ${team}`);
  const n = await commit("U1", "try the new checkout");
  await say("U1", `link C${n} ${team}-5`);
  const canceled = pointAt(linearIssue("issue-update-done"), team, 5);
  canceled.data.state = { ...canceled.data.state, name: "Canceled", type: "canceled" };
  const sent = await linear().deliver(canceled);
  await until(() => jobDone(sent.delivery));
  await until(() => dmsTo("U1").length > 0);
  expect((await row(n)).status).toBe("open");
  expect(String(dmsTo("U1").at(-1)?.args.text)).toContain(
    `was canceled in Linear, so *C${n}* try the new checkout stays open`,
  );
});

test("a Linear due date is offered to the owner with a button, not applied; pressing it moves the commitment", async () => {
  const team = freshTeam();
  await say("U9", `linear connect ${team}`);
  const n = await commit("U2", "write the release notes");
  await say("U2", `link C${n} ${team}-8`);
  const dated = pointAt(linearIssue("issue-create"), team, 8);
  dated.action = "update";
  dated.data.dueDate = "2026-12-09";
  const sent = await linear().deliver(dated);
  await until(() => jobDone(sent.delivery));
  const offer = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU2" && String(c.args.text).includes("Use Linear's date?"),
  );
  expect(String(offer.args.text)).toContain("is due Wed 9 Dec in Linear");
  const before = await row(n);
  expect(before.dueAt.toISOString()).not.toContain("2026-12-09");
  // The same date again is not offered twice.
  const again = await linear().deliver(dated);
  await until(() => jobDone(again.delivery));
  expect(dmsTo("U2").filter((c) => String(c.args.text).includes("Use Linear's date?"))).toHaveLength(1);

  await h.bot.slack.press("linear_due", { n, d: "2026-12-09" }, { user: "U2" });
  await h.fakeSlack.waitFor("response_url", (c) =>
    String(c.args.text).includes(`*C${n}* write the release notes is now due Wed 9 Dec`),
  );
  const after = await row(n);
  expect(after.history.at(-1)).toMatchObject({ kind: "redated", actorId: "U2" });
  expect(after.dueAt.toISOString().slice(0, 10)).toBe("2026-12-09");
});

test("an event for a team no workspace follows is acknowledged and ignored; another workspace's C12 is not touched", async () => {
  const team = freshTeam();
  const n = await commit("U1", "quiet work");
  const lonely = pointAt(linearIssue("issue-update-done"), team, 3);
  lonely.data.title = `C${n}`;
  const sent = await linear().deliver(lonely);
  expect(sent.status).toBe(200);
  await until(() => jobDone(sent.delivery));
  expect(await row(n)).toMatchObject({ status: "open", links: [] });
  expect(h.bot.logs.some((l) => l.msg === "linear event for a team no workspace follows")).toBe(true);

  await say("U9", `linear connect ${team}`);
  await db().workspace.upsert({ where: { id: "T2" }, create: { id: "T2" }, update: {} });
  const [theirs = 0] = await addCommitments(db(), "T2", [
    { ownerId: "U5", title: "their secret work", dueAt: new Date("2026-12-04T17:00:00Z") },
  ]);
  const named = pointAt(linearIssue("issue-update-done"), team, 4);
  named.data.title = `C${theirs}`;
  const other = await linear().deliver(named);
  await until(() => jobDone(other.delivery));
  expect(await row(theirs, "T2")).toMatchObject({ status: "open", links: [] });
});

test("unsigned, wrongly signed, replayed and malformed deliveries are refused and write nothing", async () => {
  const before = await db().outboxMessage.count();
  const payload = pointAt(linearIssue("issue-create"), freshTeam(), 1);
  expect((await linear().deliver(payload, { signature: null })).status).toBe(401);
  expect((await linear().deliver(payload, { secret: "not-the-secret" })).status).toBe(401);
  expect((await linear().deliver(payload, { signature: "zz" })).status).toBe(401);
  // Signed correctly, but sent two minutes after Linear stamped it: a replay.
  expect((await linear().deliver(payload, { timestamp: Date.now() - 120_000 })).status).toBe(401);
  const noStamp = JSON.stringify({ ...payload, webhookTimestamp: undefined });
  expect((await linear().deliver(undefined, { body: noStamp })).status).toBe(401);
  expect((await linear().deliver(undefined, { body: "{not json" })).status).toBe(400);
  expect((await linear().deliver(payload, { headers: { "linear-delivery": "" } })).status).toBe(400);
  expect(await db().outboxMessage.count()).toBe(before);
});

// A second bot on a database of its own (Postgres when there is one: an embedded one starts slowly on a busy machine).
test("without LINEAR_WEBHOOK_SECRET there is no Linear endpoint: even a signed delivery gets 404", async () => {
  const database = postgresAvailable() ? await postgresDatabase() : await pgliteDatabase();
  const bot = await startTestCoo({ database: database.config, fakeSlack: h.fakeSlack });
  try {
    const sent = await new LinearClient(bot.baseUrl).deliver(linearIssue("issue-create"));
    expect(sent.status).toBe(404);
    expect(await bot.coo.deps.db.outboxMessage.count({ where: { queue: "linear_event" } })).toBe(0);
  } finally {
    await bot.stop();
    await database.drop();
  }
}, 120_000);
