import { afterAll, afterEach, beforeAll, expect, test } from "vitest";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { pgliteDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";
import { assertSlackWouldAccept } from "./kit/harness.js";

let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  fakeSlack.users.set("U1", { id: "U1" });
  fakeSlack.channel("C1", { members: ["U1"] });
  await fakeSlack.startSocketMode();
  db = await pgliteDatabase();
  bot = await startTestCoo({
    database: db.config,
    fakeSlack,
    env: { SLACK_APP_TOKEN: "xapp-1-test", SLACK_SIGNING_SECRET: "" },
  });
});

afterEach(() => assertSlackWouldAccept(fakeSlack));

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

test("with SLACK_APP_TOKEN the bot connects over Socket Mode and answers /coo help on the socket", async () => {
  const ack = (await fakeSlack.sendEnvelope("slash_commands", {
    token: "legacy",
    team_id: "T1",
    channel_id: "C1",
    user_id: "U1",
    command: "/coo",
    text: "help",
    api_app_id: "A1",
    response_url: fakeSlack.responseUrl(),
    trigger_id: "TR1",
  })) as { text: string; response_type: string };
  expect(fakeSlack.callsTo("apps.connections.open")[0]?.token).toBe("xapp-1-test");
  expect(ack.response_type).toBe("ephemeral");
  expect(ack.text).toContain("What I do");
});

test("Socket Mode events are deduplicated like HTTP ones, and /healthz is still served on PORT", async () => {
  const envelope = {
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: "EvSOCKET1",
    event_time: 1,
    event: { type: "app_mention", user: "U1", text: "<@UCOO> hi", ts: "1764100000.000500", channel: "C1" },
  };
  await fakeSlack.sendEnvelope("events_api", envelope);
  await fakeSlack.waitFor("chat.postMessage", (c) => c.args.thread_ts === "1764100000.000500");
  await fakeSlack.sendEnvelope("events_api", envelope);
  await new Promise((r) => setTimeout(r, 200));
  expect(fakeSlack.callsTo("chat.postMessage")).toHaveLength(1);
  const health = await fetch(`${bot.baseUrl}/healthz`);
  expect(health.status).toBe(200);
});

test("at debug level, no Socket Mode line carries a command's text or the answer to it", async () => {
  const ack = (await fakeSlack.sendEnvelope("slash_commands", {
    token: "legacy",
    team_id: "T1",
    channel_id: "C1",
    user_id: "U1",
    command: "/coo",
    text: "commit ship the nebula-ferret-2290 thing by Friday",
    api_app_id: "A1",
    response_url: fakeSlack.responseUrl(),
    trigger_id: "TR2",
  })) as { text: string };
  expect(ack.text).toContain("nebula-ferret-2290");
  const lines = bot.logs.map((l) => JSON.stringify(l));
  expect(lines.some((l) => l.includes("Received a message on the WebSocket"))).toBe(true);
  expect(lines.filter((l) => l.includes("nebula-ferret-2290"))).toEqual([]);
});

test("over Socket Mode too, control characters are stripped before anything is written", async () => {
  const ack = (await fakeSlack.sendEnvelope("slash_commands", {
    token: "legacy",
    team_id: "T1",
    channel_id: "C1",
    user_id: "U1",
    command: "/coo",
    text: "commit ship\u0000 the\u0007 docs by Friday",
    api_app_id: "A1",
    response_url: fakeSlack.responseUrl(),
    trigger_id: "TR3",
  })) as { text: string };
  expect(ack.text).toMatch(/^Recorded \*C\d+\* ship the docs for you/);
  const row = await bot.coo.deps.db.commitment.findFirst({ orderBy: { id: "desc" } });
  expect(row?.title).toBe("ship the docs");
});

test("over Socket Mode, a payload that is no Slack shape is acked and dropped, not a crash", async () => {
  const before = fakeSlack.calls.length;
  await fakeSlack.sendEnvelope("interactive", { type: "view_submission", view: null, user: { id: "U1" } });
  await new Promise((r) => setTimeout(r, 100));
  expect(fakeSlack.calls.slice(before).filter((c) => c.method !== "auth.test")).toEqual([]);
  expect(bot.logs.some((l) => l.msg === "slack payload dropped: not a Slack shape")).toBe(true);
  expect(bot.logs.filter((l) => l.level === "error")).toEqual([]);
});
