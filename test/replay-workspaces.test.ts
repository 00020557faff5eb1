import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { anyDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { handled, replayEvent, replayInteraction } from "./kit/fixtures.js";
import { installThroughOAuth, oauthEnv } from "./kit/oauth.js";
import { uniqueId } from "./kit/slack-client.js";

// Real Enterprise Grid and Slack Connect payloads (test/fixtures/slack/),
// replayed against a bot installed in two workspaces (TA, TB) and org-wide
// in the organisation E1 (its member UE1 belongs to its team T7).
let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  fakeSlack.users.set("UA1", { id: "UA1", team_id: "TA", tz: "UTC" });
  fakeSlack.users.set("UE1", { id: "UE1", team_id: "T7", enterprise_id: "E1", tz: "UTC" });
  db = await anyDatabase();
  bot = await startTestCoo({
    database: db.config,
    fakeSlack,
    env: oauthEnv("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="),
  });
  for (const team of ["TA", "TB", "E1"]) await installThroughOAuth(bot.baseUrl, team);
  for (const [team, user, what] of [
    ["TA", "UA1", "commit ship the TA launch by Friday"],
    ["TB", "UB1", "commit ship the TB thing by Friday"],
  ] as const) {
    fakeSlack.users.set(user, { id: user, team_id: team, tz: "UTC" });
    await bot.slack.command(what, { team, user });
  }
});

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

const commitment = (workspaceId: string, number: number) =>
  bot.coo.deps.db.commitment.findUniqueOrThrow({ where: { workspaceId_number: { workspaceId, number } } });

test("a Slack Connect view_submission (Slip) is applied in the workspace that installed the modal", async () => {
  const tb = await commitment("TB", 1);
  const res = await replayInteraction(bot.slack, "view-submission-slack-connect");
  expect(res.status).toBe(200);
  expect((await commitment("TA", 1)).dueAt.toISOString()).toBe("2026-12-18T17:00:00.000Z");
  expect(await commitment("TB", 1)).toEqual(tb);
});

test("a modal closed (view_closed) is acknowledged and changes nothing", async () => {
  const before = await bot.coo.deps.db.commitment.findMany({ orderBy: { id: "asc" } });
  fakeSlack.reset();
  const res = await replayInteraction(bot.slack, "view-closed");
  expect(res.status).toBe(200);
  expect(await bot.coo.deps.db.commitment.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  // Nothing said, no modal opened (the App Home refresh of the test before may still land).
  expect(fakeSlack.calls.filter((c) => c.method.startsWith("chat.") || c.method === "views.open")).toEqual(
    [],
  );
  expect(fakeSlack.callsTo("response_url")).toEqual([]);
  expect(bot.logs.filter((l) => l.level === "error")).toEqual([]);
});

test("opening coo's Messages tab (org-wide install, team null) sends nothing: coo speaks when spoken to", async () => {
  fakeSlack.reset();
  const eventId = uniqueId("Ev");
  const res = await replayEvent(bot.slack, "app-home-opened-messages-org", { eventId });
  expect(res.status).toBe(200);
  await handled(bot.coo.deps.db, eventId);
  const toUe1 = fakeSlack.calls.filter(
    (c) => c.args.channel === "DUE1" || c.args.user_id === "UE1" || c.args.users === "UE1",
  );
  expect(toUe1).toEqual([]);
});

test("a Done button under an org-wide install (team null) reaches the organisation's ledger", async () => {
  await bot.slack.post(
    new URLSearchParams({
      token: "legacy",
      team_id: "T7",
      enterprise_id: "E1",
      is_enterprise_install: "true",
      channel_id: "C7",
      user_id: "UE1",
      command: "/coo",
      text: "commit close the org books by Friday",
      api_app_id: "A1",
      response_url: fakeSlack.responseUrl(uniqueId("R")),
      trigger_id: uniqueId("TR"),
    }).toString(),
    "application/x-www-form-urlencoded",
  );
  expect((await commitment("E1", 1)).title).toBe("close the org books");
  const res = await replayInteraction(bot.slack, "block-actions-org", {
    response_url: fakeSlack.responseUrl(uniqueId("R")),
  });
  expect(res.status).toBe(200);
  // The press is acked first; the message is redrawn once it is done.
  await fakeSlack.waitFor(
    "response_url",
    (c) => String(c.args.text ?? "").length > 0 || Array.isArray(c.args.blocks),
  );
  expect((await commitment("E1", 1)).status).toBe("done");
  expect(bot.logs.filter((l) => l.level === "error")).toEqual([]);
});
