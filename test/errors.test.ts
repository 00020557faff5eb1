import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import { startTestCoo, type TestCoo } from "./kit/coo.js";
import { anyDatabase, type TestDatabase } from "./kit/database.js";
import { FakeSlack } from "./kit/fake-slack.js";

let fakeSlack: FakeSlack;
let db: TestDatabase;
let bot: TestCoo;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  db = await anyDatabase();
  bot = await startTestCoo({ database: db.config, fakeSlack });
});

afterAll(async () => {
  await bot?.stop();
  await db?.drop();
  await fakeSlack?.stop();
});

beforeEach(() => {
  fakeSlack.reset();
  bot.logs.length = 0;
});

test("an unexpected failure is answered privately with a reference, and logged once with the same reference", async () => {
  fakeSlack.failNext("chat.postMessage", { ok: false, error: "not_in_channel" });
  await bot.slack.mention("hello", { ts: "1764100000.000900" });
  const ephemeral = await fakeSlack.waitFor("chat.postEphemeral");
  expect(ephemeral.args).toMatchObject({ channel: "C1", user: "U1" });
  const ref = /ref `([0-9a-f]{6})`/.exec(String(ephemeral.args.text))?.[1];
  expect(ref).toBeDefined();
  expect(String(ephemeral.args.text)).toMatch(/^Something went wrong on my side and nothing was changed/);
  const logged = bot.logs.filter((l) => l.msg === "request failed");
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: "error", ref, team: "T1", user: "U1" });
  expect(JSON.stringify(logged[0])).toContain("not_in_channel");
});

test("a refused command is answered with the reason and logged at info, not as an error", async () => {
  await bot.slack.command(`help ${"y".repeat(2100)}`);
  const reply = await fakeSlack.waitFor("response_url");
  expect(String(reply.args.text)).toMatch(/takes at most 2000/);
  expect(bot.logs.filter((l) => l.level === "error")).toEqual([]);
  expect(bot.logs.find((l) => l.msg === "request refused")).toMatchObject({
    level: "info",
    code: "bad_input",
  });
});

test("no log line carries the bot token or the signing secret", async () => {
  await bot.slack.command("help");
  await bot.slack.mention("hi");
  await fakeSlack.waitFor("chat.postMessage");
  const all = JSON.stringify(bot.logs);
  expect(all).not.toContain("xoxb-test-0000-secret-token");
  expect(all).not.toContain("test-signing-secret-0123456789");
});
