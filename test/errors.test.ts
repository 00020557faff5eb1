import { beforeEach, expect, test } from "vitest";
import { useBot } from "./kit/harness.js";

const h = useBot();

beforeEach(() => {
  h.bot.logs.length = 0;
});

test("an unexpected failure is answered privately with a reference, and logged once with the same reference", async () => {
  h.fakeSlack.failNext("chat.postMessage", { ok: false, error: "not_in_channel" });
  await h.bot.slack.mention("hello", { ts: "1764100000.000900" });
  const ephemeral = await h.fakeSlack.waitFor("chat.postEphemeral");
  expect(ephemeral.args).toMatchObject({ channel: "C1", user: "U1" });
  const ref = /ref `([0-9a-f]{6})`/.exec(String(ephemeral.args.text))?.[1];
  expect(ref).toBeDefined();
  expect(String(ephemeral.args.text)).toMatch(/^Something went wrong on my side and nothing was changed/);
  const logged = h.bot.logs.filter((l) => l.msg === "request failed");
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatchObject({ level: "error", ref, team: "T1", user: "U1" });
  expect(JSON.stringify(logged[0])).toContain("not_in_channel");
});

test("a refused command is answered with the reason and logged at info, not as an error", async () => {
  await h.bot.slack.command(`help ${"y".repeat(2100)}`);
  const reply = await h.fakeSlack.waitFor("response_url");
  expect(String(reply.args.text)).toMatch(/takes at most 2000/);
  expect(h.bot.logs.filter((l) => l.level === "error")).toEqual([]);
  expect(h.bot.logs.find((l) => l.msg === "request refused")).toMatchObject({
    level: "info",
    code: "bad_input",
  });
});

test("no log line carries the bot token or the signing secret", async () => {
  await h.bot.slack.command("help");
  await h.bot.slack.mention("hi");
  await h.fakeSlack.waitFor("chat.postMessage");
  const all = JSON.stringify(h.bot.logs);
  expect(all).not.toContain("xoxb-test-0000-secret-token");
  expect(all).not.toContain("test-signing-secret-0123456789");
});
