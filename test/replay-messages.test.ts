import { beforeAll, expect, test } from "vitest";
import { handled, loadFixture, postUnsigned, replayEvent } from "./kit/fixtures.js";
import { useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { uniqueId } from "./kit/slack-client.js";

// Real payloads (test/fixtures/slack/) replayed signed against the running bot.
const h = useBot();
beforeAll(() => {
  for (const id of ["C111"]) h.fakeSlack.channel(id, { members: ["U1", "U2", "U3", "U4", "U9"] });
});
const db = () => h.bot.coo.deps.db;

async function replay(name: string, options: Parameters<typeof replayEvent>[2] = {}) {
  const eventId = options.eventId ?? uniqueId("Ev");
  const res = await replayEvent(h.bot.slack, name, { ...options, eventId });
  expect(res.status).toBe(200);
  await handled(db(), eventId);
  return res;
}

const posts = () => h.fakeSlack.callsTo("chat.postMessage");

test("a DM with a screenshot and text (file_share) is answered like a DM with that text", async () => {
  await replay("message-file-share-dm", { event: { text: "who owns the launch?" } });
  const reply = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
  expect(textOf(reply.args)).not.toBe("");
  expect(posts()).toHaveLength(1);
});

test("a DM with only a screenshot says what coo can and cannot read", async () => {
  await replay("message-file-share-dm", { event: { text: "", blocks: [] } });
  const reply = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
  expect(textOf(reply.args)).toMatch(/can't see (images|files)/i);
  expect(textOf(reply.args)).toContain("in words");
});

test("a reply in a DM thread is answered in that thread", async () => {
  await replay("message-dm-thread", { event: { text: "what is due this week?" } });
  const reply = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
  // The fixture's thread: the reply goes under it, not at the bottom of the DM.
  expect(reply.args.thread_ts).toBe("1726133698.626339");
});

test("a classic bot_message, another app's message and a channel_join get no reply and record nothing", async () => {
  const before = { answers: await db().standupAnswer.count(), routed: await db().routedQuestion.count() };
  await replay("message-bot-message");
  await replay("message-from-another-app");
  await replay("message-channel-join");
  expect(posts()).toEqual([]);
  expect(await db().standupAnswer.count()).toBe(before.answers);
  expect(await db().routedQuestion.count()).toBe(before.routed);
});

test("url_verification is answered with its challenge", async () => {
  const { payload } = loadFixture("url-verification");
  const res = await h.bot.slack.post(JSON.stringify(payload), "application/json");
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ challenge: payload?.challenge });
});

test("an unsigned ssl_check is answered 200, as Bolt's own receiver does, and does nothing else", async () => {
  const { form } = loadFixture("ssl-check");
  const res = await postUnsigned(h.bot.baseUrl, form ?? "", "application/x-www-form-urlencoded");
  expect(res.status).toBe(200);
  expect(h.fakeSlack.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
});

test("nothing else gets through unsigned by calling itself an ssl_check", async () => {
  const smuggled = [
    [
      "ssl_check=1&command=%2Fcoo&text=commit+x+by+Friday&team_id=T1&user_id=U1&channel_id=C1",
      "application/x-www-form-urlencoded",
    ],
    [
      `ssl_check=1&payload=${encodeURIComponent(JSON.stringify({ type: "block_actions" }))}`,
      "application/x-www-form-urlencoded",
    ],
    [
      JSON.stringify({
        ssl_check: "1",
        type: "event_callback",
        team_id: "T1",
        event: { type: "app_mention" },
      }),
      "application/json",
    ],
    ["ssl_check=0", "application/x-www-form-urlencoded"],
  ];
  for (const [body, type] of smuggled) {
    const res = await postUnsigned(h.bot.baseUrl, body ?? "", type ?? "");
    expect(res.status, body).toBe(401);
  }
  expect(h.fakeSlack.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  expect(await db().commitment.count()).toBe(0);
});

test("an @mention by a guest of another organisation (Slack Connect) gets only a short note, no ledger data", async () => {
  await replay("app-mention-slack-connect");
  const reply = await h.fakeSlack.waitFor("chat.postMessage");
  expect(textOf(reply.args)).toContain("members only");
  expect(reply.args.thread_ts).toBe("1678451405.023359");
  expect(await db().routedQuestion.count()).toBe(0);
});
