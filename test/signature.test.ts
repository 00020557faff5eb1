import { expect, test } from "vitest";
import { signingSecret } from "./kit/coo.js";
import { useBot } from "./kit/harness.js";
import { sign } from "./kit/slack-client.js";

const h = useBot();

const now = () => Math.floor(Date.now() / 1000);

async function expectNoSideEffect() {
  // Give a wrongly accepted request time to reach Slack before checking it did not.
  await new Promise((r) => setTimeout(r, 150));
  expect(h.fakeSlack.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  expect(await h.bot.coo.deps.db.processedEvent.count()).toBe(0);
}

test("a request signed with the wrong secret gets 401 and does nothing", async () => {
  const res = await h.bot.slack.post(
    h.bot.slack.eventBody({ type: "app_mention", user: "U1", text: "hi", ts: "1.1", channel: "C1" }),
    "application/json",
    {
      secret: "not-the-secret",
    },
  );
  expect(res.status).toBe(401);
  await expectNoSideEffect();
});

test("a tampered body gets 401", async () => {
  const body = h.bot.slack.commandBody("help");
  const ts = now();
  const res = await h.bot.slack.post(body.replace("help", "seat"), "application/x-www-form-urlencoded", {
    timestamp: ts,
    signature: sign(signingSecret, ts, body),
  });
  expect(res.status).toBe(401);
  await expectNoSideEffect();
});

test("a request without signature headers gets 401", async () => {
  const res = await fetch(`${h.bot.baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: h.bot.slack.commandBody("help"),
  });
  expect(res.status).toBe(401);
  await expectNoSideEffect();
});

test("a timestamp more than five minutes old gets 401 even with a valid signature", async () => {
  const res = await h.bot.slack.mentionBodyPost(now() - 301);
  expect(res.status).toBe(401);
  await expectNoSideEffect();
});

test("a timestamp more than five minutes in the future gets 401 (Bolt alone would accept it)", async () => {
  const res = await h.bot.slack.mentionBodyPost(now() + 301);
  expect(res.status).toBe(401);
  await expectNoSideEffect();
});

test("a timestamp four minutes off either way is accepted", async () => {
  expect((await h.bot.slack.command("help", {}, { timestamp: now() - 240 })).status).toBe(200);
  expect((await h.bot.slack.command("help", {}, { timestamp: now() + 240 })).status).toBe(200);
});

test("Slack's URL verification challenge is answered", async () => {
  const res = await h.bot.slack.post(
    JSON.stringify({ type: "url_verification", challenge: "abc123", token: "x" }),
    "application/json",
  );
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ challenge: "abc123" });
});

test("unknown paths get 404", async () => {
  const res = await fetch(`${h.bot.baseUrl}/nope`);
  expect(res.status).toBe(404);
});
