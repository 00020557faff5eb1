import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { anyDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { textOf } from "./kit/messages.js";
import { installThroughOAuth, oauthEnv } from "./kit/oauth.js";
import { uniqueId } from "./kit/slack-client.js";

// Issue 11, finding 4: a handler takes its workspace from the installation
// Bolt authorized, never from a payload field that Slack Connect and
// Enterprise Grid shapes vary. Shapes follow Slack's documentation of
// view_submission (`view.app_installed_team_id`) and of org-wide apps
// (`team: null`, `enterprise`, `is_enterprise_install`).
let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  // UA1 is an admin of TA; UB1 a member of TB; UE1 belongs to T7 in the org E1.
  fakeSlack.users.set("UA1", { id: "UA1", team_id: "TA", is_admin: true, tz: "UTC" });
  fakeSlack.users.set("UB1", { id: "UB1", team_id: "TB", tz: "UTC" });
  fakeSlack.users.set("UE1", { id: "UE1", team_id: "T7", enterprise_id: "E1", tz: "UTC" });
  db = await anyDatabase();
  bot = await startTestCoo({
    database: db.config,
    fakeSlack,
    env: oauthEnv("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="),
  });
  for (const team of ["TA", "TB", "E1"]) await installThroughOAuth(bot.baseUrl, team);
});

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

const commitment = (workspaceId: string, number: number) =>
  bot.coo.deps.db.commitment.findUniqueOrThrow({ where: { workspaceId_number: { workspaceId, number } } });

/** A Slip modal submitted from a Slack Connect channel: the user's team differs from the installation's. */
function slipSubmission(user: { id: string; team_id: string }, team: string, date: string) {
  const payload = {
    type: "view_submission",
    team: { id: team, domain: "other" },
    user: { ...user, name: user.id.toLowerCase() },
    api_app_id: "A1",
    token: "legacy",
    trigger_id: uniqueId("TR"),
    view: {
      id: "VSLIP",
      team_id: team,
      app_installed_team_id: "TA",
      type: "modal",
      callback_id: "commitment_slip_modal",
      private_metadata: JSON.stringify({ n: 1, t: "mine", p: 0 }),
      state: {
        values: {
          date: { value: { type: "datepicker", selected_date: date } },
          time: { value: { type: "timepicker", selected_time: "17:00" } },
          reason: { value: { type: "plain_text_input", value: "vendor late" } },
        },
      },
      hash: "h",
    },
  };
  return bot.slack.post(
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
  );
}

test("a Slack Connect view_submission is applied in the workspace that installed the modal, never the payload's team", async () => {
  expect(
    textOf(
      (await bot.slack.command("commit ship the TA launch by Friday", { team: "TA", user: "UA1" })).json,
    ),
  ).toMatch(/Recorded \*C1\*/);
  expect(
    textOf((await bot.slack.command("commit ship the TB thing by Friday", { team: "TB", user: "UB1" })).json),
  ).toMatch(/Recorded \*C1\*/);
  const tbBefore = await commitment("TB", 1);

  const res = await slipSubmission({ id: "UA1", team_id: "TA" }, "TB", "2026-12-18");
  expect(res.status).toBe(200);
  expect((await commitment("TA", 1)).dueAt.toISOString()).toBe("2026-12-18T17:00:00.000Z");
  expect(await commitment("TB", 1)).toEqual(tbBefore);
  // TA's admin was never written into TB's people.
  expect(await bot.coo.deps.db.person.count({ where: { workspaceId: "TB", slackUserId: "UA1" } })).toBe(0);
});

test("someone of the other organisation submitting that modal changes nothing in either workspace", async () => {
  const before = await bot.coo.deps.db.commitment.findMany({ orderBy: { id: "asc" } });
  const res = await slipSubmission({ id: "UB1", team_id: "TB" }, "TB", "2026-12-21");
  expect(res.status).toBe(200);
  expect(await bot.coo.deps.db.commitment.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  expect(await bot.coo.deps.db.person.count({ where: { workspaceId: "TA", slackUserId: "UB1" } })).toBe(0);
});

test("an org-wide install is one workspace: a command from any of its teams and a button with team null reach the same ledger", async () => {
  const command = new URLSearchParams({
    token: "legacy",
    team_id: "T7",
    team_domain: "org-team",
    enterprise_id: "E1",
    enterprise_name: "Org",
    is_enterprise_install: "true",
    channel_id: "C7",
    channel_name: "general",
    user_id: "UE1",
    user_name: "ue1",
    command: "/coo",
    text: "commit close the org books by Friday",
    api_app_id: "A1",
    response_url: fakeSlack.responseUrl(uniqueId("R")),
    trigger_id: uniqueId("TR"),
  }).toString();
  const made = await bot.slack.post(command, "application/x-www-form-urlencoded");
  expect(textOf(made.json)).toMatch(/Recorded \*C1\* close the org books/);
  expect((await commitment("E1", 1)).title).toBe("close the org books");

  // The Done button, as an org-wide app receives it: no team, the enterprise instead.
  const press = {
    type: "block_actions",
    team: null,
    enterprise: { id: "E1", name: "Org" },
    is_enterprise_install: true,
    user: { id: "UE1", team_id: "T7", name: "ue1" },
    api_app_id: "A1",
    token: "legacy",
    trigger_id: uniqueId("TR"),
    response_url: fakeSlack.responseUrl(uniqueId("R")),
    container: { type: "message", message_ts: "1.1", channel_id: "C7", is_ephemeral: true },
    channel: { id: "C7", name: "general" },
    actions: [
      {
        type: "button",
        action_id: "commitment_done",
        block_id: "b1",
        value: JSON.stringify({ t: "mine", p: 0, n: 1 }),
        action_ts: "1",
      },
    ],
  };
  const res = await bot.slack.post(
    new URLSearchParams({ payload: JSON.stringify(press) }).toString(),
    "application/x-www-form-urlencoded",
  );
  expect(res.status).toBe(200);
  await fakeSlack.waitFor(
    "response_url",
    (c) => String(c.args.text ?? "").length > 0 || Array.isArray(c.args.blocks),
  );
  expect((await commitment("E1", 1)).status).toBe("done");
  expect(bot.logs.filter((l) => l.level === "error")).toEqual([]);
});
