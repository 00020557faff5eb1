import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { anyDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { textOf } from "./kit/messages.js";
import { installThroughOAuth, oauthEnv } from "./kit/oauth.js";

let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  // People of two workspaces: each bot sees only its own.
  for (const [id, team] of [
    ["UA1", "TA"],
    ["UB1", "TB"],
    ["UB2", "TB"],
  ] as const)
    fakeSlack.users.set(id, { id, team_id: team });
  fakeSlack.channel("CTB", { members: ["UB1", "UB2"] });
  db = await anyDatabase();
  bot = await startTestCoo({
    database: db.config,
    fakeSlack,
    env: oauthEnv("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="),
  });
});

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

const install = (team: string) => installThroughOAuth(bot.baseUrl, team);

test("a workspace installs coo through Slack's OAuth flow; its installation is kept in the database", async () => {
  await install("TA");
  await install("TB");
  const rows = await bot.coo.deps.db.installation.findMany({ orderBy: { id: "asc" } });
  expect(rows.map((r) => [r.id, r.botUserId, r.installerUserId])).toEqual([
    ["TA", "UCOO", "UADMINTA"],
    ["TB", "UCOO", "UADMINTB"],
  ]);
});

test("the install callback refuses a forged or missing state", async () => {
  const res = await fetch(`${bot.baseUrl}/slack/oauth_redirect?code=TX&state=forged`, { redirect: "manual" });
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(await bot.coo.deps.db.installation.findUnique({ where: { id: "TX" } })).toBeNull();
});

test("each workspace is answered with its own token, and sees only its own ledger", async () => {
  const a = await bot.slack.command("commit ship the TA launch by Friday", { team: "TA", user: "UA1" });
  expect(textOf(a.json)).toMatch(/Recorded \*C1\*/);
  const b = await bot.slack.command("commit ship the TB thing by Friday", { team: "TB", user: "UB1" });
  expect(textOf(b.json)).toMatch(/Recorded \*C1\*/);
  const info = fakeSlack.callsTo("users.info").find((c) => c.args.user === "UA1");
  expect(info?.token).toBe("xoxb-TA-token");
  // TB's C1 is not TA's: done in TA closes TA's, and TB's stays open.
  await bot.slack.command("done C1", { team: "TA", user: "UA1" });
  const rows = await bot.coo.deps.db.commitment.findMany({
    orderBy: { workspaceId: "asc" },
    select: { workspaceId: true, title: true, status: true },
  });
  expect(rows).toEqual([
    { workspaceId: "TA", title: "ship the TA launch", status: "done" },
    { workspaceId: "TB", title: "ship the TB thing", status: "open" },
  ]);
  const list = await bot.slack.command("commitments all", { team: "TA", user: "UA1" });
  expect(textOf(list.json)).not.toContain("TB thing");
});

test("a payload naming a team with no installation does nothing", async () => {
  const before = await bot.coo.deps.db.commitment.count();
  const res = await bot.slack.command("commit sneak in by Friday", { team: "TFORGED", user: "UX" });
  expect(res.status).toBe(200);
  expect(res.json).toBeUndefined();
  expect(await bot.coo.deps.db.commitment.count()).toBe(before);
});

test("messages queued for a workspace go out with that workspace's token", async () => {
  fakeSlack.reset();
  await bot.slack.command("commit review TB budget by Friday for <@UB2>", { team: "TB", user: "UB1" });
  const dm = await fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DUB2");
  expect(dm.token).toBe("xoxb-TB-token");
});

test("uninstalling stops the workspace's schedules and its pending messages", async () => {
  await bot.slack.command("standup 09:00", { team: "TB", user: "UB1", channel: "CTB" });
  const cadence = await bot.coo.deps.db.cadence.findFirstOrThrow({ where: { workspaceId: "TB" } });
  expect(bot.coo.cadence.taskFor(cadence.id)).toBeDefined();
  await bot.slack.event({ type: "app_uninstalled" }, { team: "TB" });
  await new Promise((r) => setTimeout(r, 300));
  expect(await bot.coo.deps.db.installation.findUnique({ where: { id: "TB" } })).toBeNull();
  expect((await bot.coo.deps.db.cadence.findUniqueOrThrow({ where: { id: cadence.id } })).paused).toBe(true);
  expect(bot.coo.cadence.taskFor(cadence.id)).toBeUndefined();
  expect(await bot.coo.deps.db.installation.findUnique({ where: { id: "TA" } })).not.toBeNull();
});

test("installing again resumes the schedules the uninstall paused, and says how a paused one comes back", async () => {
  const cadence = await bot.coo.deps.db.cadence.findFirstOrThrow({ where: { workspaceId: "TB" } });
  expect(cadence.paused).toBe(true);
  await install("TB");
  const resumed = await bot.coo.deps.db.cadence.findUniqueOrThrow({ where: { id: cadence.id } });
  expect(resumed.paused).toBe(false);
  await bot.coo.cadence.tick();
  expect(bot.coo.cadence.taskFor(cadence.id)).toBeDefined();
  const list = await bot.slack.command("cadences", { team: "TB", user: "UB1" });
  expect(textOf(list.json)).toMatch(/· next /);
});
