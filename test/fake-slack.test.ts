import { LogLevel, WebClient } from "@slack/web-api";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FakeSlack } from "./kit/fake-slack.js";

// The fake stands in for Slack in every test: these check it refuses what
// Slack refuses, with Slack's own error codes, so a test that passes against
// it would pass against Slack.

let fake: FakeSlack;
let slack: WebClient;

beforeAll(async () => {
  fake = await FakeSlack.start();
  fake.users.set("U1", { id: "U1" });
  fake.channel("CIN", { name: "team", members: ["U1"] });
  fake.channel("COUT", { name: "elsewhere", members: ["U1"], coo: false });
  fake.channel("GSECRET", { name: "secret", private: true, members: ["U1"], coo: false });
  const quiet = () => {};
  slack = new WebClient("xoxb-test", {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    // The refusals are the point here: keep the client's own warnings out of the output.
    logger: {
      debug: quiet,
      info: quiet,
      warn: quiet,
      error: quiet,
      setLevel: quiet,
      getLevel: () => LogLevel.ERROR,
      setName: quiet,
    },
  });
});

afterAll(async () => {
  await fake?.stop();
});

/** Slack's error code for a call, or "ok". */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return (error as { data?: { error?: string } }).data?.error ?? String(error);
  }
}

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const button = (fields: Record<string, unknown> = {}) => ({
  type: "button",
  text: { type: "plain_text", text: "Go" },
  action_id: "go",
  value: "v",
  ...fields,
});
const post = (blocks: unknown[], text = "fallback") =>
  outcome(slack.chat.postMessage({ channel: "CIN", text, blocks: blocks as never }));

test("a message over any Block Kit limit is refused with invalid_blocks, and one just within is taken", async () => {
  const cases: Array<[string, unknown[], unknown[]]> = [
    ["50 blocks", Array(51).fill(section("x")), Array(50).fill(section("x"))],
    ["section text 3,000", [section("x".repeat(3001))], [section("x".repeat(3000))]],
    [
      "10 fields of 2,000",
      [{ type: "section", fields: Array(11).fill({ type: "mrkdwn", text: "x" }) }],
      [{ type: "section", fields: Array(10).fill({ type: "mrkdwn", text: "x".repeat(2000) }) }],
    ],
    [
      "a field of 2,000",
      [{ type: "section", fields: [{ type: "mrkdwn", text: "x".repeat(2001) }] }],
      [{ type: "section", fields: [{ type: "mrkdwn", text: "x".repeat(2000) }] }],
    ],
    [
      "context 10 elements",
      [{ type: "context", elements: Array(11).fill({ type: "mrkdwn", text: "x" }) }],
      [{ type: "context", elements: Array(10).fill({ type: "mrkdwn", text: "x" }) }],
    ],
    [
      "header 150",
      [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }],
      [{ type: "header", text: { type: "plain_text", text: "x".repeat(150) } }],
    ],
    [
      "actions 25 elements",
      [{ type: "actions", elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) }],
      [{ type: "actions", elements: Array.from({ length: 25 }, (_, i) => button({ action_id: `a${i}` })) }],
    ],
    [
      "button text 75",
      [{ type: "actions", elements: [button({ text: { type: "plain_text", text: "x".repeat(76) } })] }],
      [{ type: "actions", elements: [button({ text: { type: "plain_text", text: "x".repeat(75) } })] }],
    ],
    [
      "button value 2,000",
      [{ type: "actions", elements: [button({ value: "x".repeat(2001) })] }],
      [{ type: "actions", elements: [button({ value: "x".repeat(2000) })] }],
    ],
    [
      "action_id 255",
      [{ type: "actions", elements: [button({ action_id: "x".repeat(256) })] }],
      [{ type: "actions", elements: [button({ action_id: "x".repeat(255) })] }],
    ],
    [
      "block_id 255",
      [{ ...section("x"), block_id: "x".repeat(256) }],
      [{ ...section("x"), block_id: "x".repeat(255) }],
    ],
    [
      "100 options of 75 and 150",
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              options: Array.from({ length: 101 }, (_, i) => ({
                text: { type: "plain_text", text: `o${i}` },
                value: `${i}`,
              })),
            },
          ],
        },
      ],
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              options: Array.from({ length: 100 }, (_, i) => ({
                text: { type: "plain_text", text: "x".repeat(75) },
                value: `${i}`.padEnd(150, "x"),
              })),
            },
          ],
        },
      ],
    ],
    [
      "option text 75",
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              options: [{ text: { type: "plain_text", text: "x".repeat(76) }, value: "1" }],
            },
          ],
        },
      ],
      [],
    ],
    [
      "option value 150",
      [
        {
          type: "actions",
          elements: [
            {
              type: "static_select",
              action_id: "pick",
              options: [{ text: { type: "plain_text", text: "x" }, value: "x".repeat(151) }],
            },
          ],
        },
      ],
      [],
    ],
    ["an empty section", [section("")], []],
  ];
  for (const [limit, over, within] of cases) {
    expect(await post(over), limit).toBe("invalid_blocks");
    if (within.length) expect(await post(within), limit).toBe("ok");
  }
  expect(fake.malformed.length).toBe(cases.length);
  fake.malformed.length = 0;
});

test("a message text over 40,000 characters is msg_too_long; none at all is no_text", async () => {
  expect(await outcome(slack.chat.postMessage({ channel: "CIN", text: "x".repeat(40_001) }))).toBe(
    "msg_too_long",
  );
  expect(await outcome(slack.chat.postMessage({ channel: "CIN", text: "x".repeat(40_000) }))).toBe("ok");
  expect(await outcome(slack.chat.postMessage({ channel: "CIN", text: "" }))).toBe("no_text");
  fake.malformed.length = 0;
});

test("views over their limits are refused with invalid_arguments", async () => {
  const modal = (fields: Record<string, unknown> = {}) => ({
    type: "modal",
    title: { type: "plain_text", text: "Slip C12" },
    submit: { type: "plain_text", text: "Re-date" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [section("x")],
    ...fields,
  });
  const open = (view: unknown) => outcome(slack.views.open({ trigger_id: "t", view: view as never }));
  const publish = (view: unknown) => outcome(slack.views.publish({ user_id: "U1", view: view as never }));
  const label = (text: string) => ({ type: "plain_text", text });
  expect(await open(modal())).toBe("ok");
  expect(await open(modal({ title: label("x".repeat(25)) }))).toBe("invalid_arguments");
  expect(await open(modal({ submit: label("x".repeat(25)) }))).toBe("invalid_arguments");
  expect(await open(modal({ close: label("x".repeat(25)) }))).toBe("invalid_arguments");
  expect(await open(modal({ private_metadata: "x".repeat(3001) }))).toBe("invalid_arguments");
  expect(await open(modal({ private_metadata: "x".repeat(3000) }))).toBe("ok");
  expect(await open(modal({ blocks: Array(101).fill(section("x")) }))).toBe("invalid_arguments");
  expect(await publish({ type: "home", blocks: Array(100).fill(section("x")) })).toBe("ok");
  expect(await publish({ type: "home", blocks: Array(101).fill(section("x")) })).toBe("invalid_arguments");
  expect(
    await outcome(
      slack.views.update({ view_id: "V1", view: { type: "home", blocks: [section("x".repeat(3001))] } }),
    ),
  ).toBe("invalid_arguments");
  fake.malformed.length = 0;
});

test("a response_url refuses an oversized message with HTTP 400, as Slack's webhooks do", async () => {
  const send = (body: unknown) =>
    fetch(fake.responseUrl("r9"), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.status);
  expect(await send({ text: "fine", blocks: [section("x")] })).toBe(200);
  expect(await send({ text: "too many", blocks: Array(51).fill(section("x")) })).toBe(400);
  expect(fake.malformed.map((m) => m.method)).toEqual(["response_url"]);
  fake.malformed.length = 0;
});

test("posting where coo is not a member: not_in_channel; a private channel it is not in does not exist for it", async () => {
  expect(await outcome(slack.chat.postMessage({ channel: "CIN", text: "hi" }))).toBe("ok");
  expect(await outcome(slack.chat.postMessage({ channel: "COUT", text: "hi" }))).toBe("not_in_channel");
  expect(await outcome(slack.chat.postMessage({ channel: "GSECRET", text: "hi" }))).toBe("channel_not_found");
  expect(await outcome(slack.chat.postMessage({ channel: "CNEVER", text: "hi" }))).toBe("channel_not_found");
  expect(await outcome(slack.conversations.history({ channel: "COUT" }))).toBe("not_in_channel");
  const info = await slack.conversations.info({ channel: "COUT" });
  expect(info.channel).toMatchObject({ is_member: false, is_private: false });
  expect(await outcome(slack.conversations.info({ channel: "GSECRET" }))).toBe("channel_not_found");
  expect(await outcome(slack.conversations.join({ channel: "GSECRET" }))).toBe(
    "method_not_supported_for_channel_type",
  );
  await slack.conversations.join({ channel: "COUT" });
  expect(await outcome(slack.chat.postMessage({ channel: "COUT", text: "hi" }))).toBe("ok");
  expect((await slack.conversations.join({ channel: "COUT" })).warning).toBe("already_in_channel");
  fake.undeclared.clear();
});

test("conversations.history holds parent messages only; a thread's replies come from conversations.replies", async () => {
  fake.channel("CTHREAD", { members: ["U1"] });
  const root = await slack.chat.postMessage({ channel: "CTHREAD", text: "root" });
  await slack.chat.postMessage({ channel: "CTHREAD", text: "reply 1", thread_ts: root.ts });
  await slack.chat.postMessage({ channel: "CTHREAD", text: "reply 2", thread_ts: root.ts });
  const history = await slack.conversations.history({ channel: "CTHREAD" });
  expect(history.messages?.map((m) => m.text)).toEqual(["root"]);
  expect(history.messages?.[0]?.reply_count).toBe(2);
  const replies = await slack.conversations.replies({ channel: "CTHREAD", ts: root.ts as string });
  expect(replies.messages?.map((m) => m.text)).toEqual(["root", "reply 1", "reply 2"]);
  expect(await outcome(slack.conversations.replies({ channel: "CTHREAD", ts: "1.000001" }))).toBe(
    "thread_not_found",
  );
});

test("conversations.members pages with cursor and limit: a 1,000-person channel takes several pages", async () => {
  const people = fake.crowd(1000, "UM");
  fake.channel("CBIG", { members: people });
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await slack.conversations.members({
      channel: "CBIG",
      limit: 300,
      ...(cursor ? { cursor } : {}),
    });
    pages.push(page.members ?? []);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  expect(pages.map((p) => p.length)).toEqual([300, 300, 300, 101]);
  expect(new Set(pages.flat()).size).toBe(1001);
  // Without a limit Slack hands out 100 at a time.
  expect((await slack.conversations.members({ channel: "CBIG" })).members).toHaveLength(100);
});
