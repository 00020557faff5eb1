import { expect, test } from "vitest";
import { replyTo, useBot } from "./kit/harness.js";
import { uniqueId } from "./kit/slack-client.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (text: string, user = "U1") => replyTo(h, await h.bot.slack.command(text, { user }));
const numberIn = (reply: string, prefix: "C" | "B") =>
  Number(new RegExp(`\\*${prefix}(\\d+)\\*`).exec(reply)?.[1]);

/** What the database holds that a request could have written. */
const footprint = async () => ({
  commitments: await db().commitment.count(),
  blockers: await db().blocker.count(),
  events: await db().processedEvent.count(),
  counters: (await db().counter.findMany({ orderBy: [{ kind: "asc" }] })).map((c) => `${c.kind}:${c.value}`),
});

// --- Control characters ---------------------------------------------------------------------

test("a NUL and other control characters in a title are stripped: the commitment records cleanly and no id is skipped", async () => {
  const first = await say("commit ship\u0000 the\u0007 pricing\u009b page by Friday");
  expect(first).toMatch(/^Recorded \*C\d+\* ship the pricing page for you/);
  const number = numberIn(first, "C");
  const row = await db().commitment.findUnique({
    where: { workspaceId_number: { workspaceId: "T1", number } },
  });
  expect(row?.title).toBe("ship the pricing page");
  const next = await say("commit write the notes by Friday");
  expect(numberIn(next, "C")).toBe(number + 1);
});

test("a NUL in a blocker and CRLF line ends are cleaned too; blocker ids stay consecutive", async () => {
  const first = await say("blocker can't\u0000 deploy payments\r\nwaiting on the vendor");
  expect(first).toMatch(/^Raised \*B\d+\*/);
  const number = numberIn(first, "B");
  const row = await db().blocker.findUnique({ where: { workspaceId_number: { workspaceId: "T1", number } } });
  expect(row?.text).toBe("can't deploy payments");
  expect(row?.waitingOnText).toBe("the vendor");
  expect(numberIn(await say("blocker the build is red"), "B")).toBe(number + 1);
});

test("a NUL and lone surrogates in a DM are stripped before anything reads it: the handoff it proposes records cleanly", async () => {
  const ts = `${Math.floor(Date.now() / 1000)}.000301`;
  await h.bot.slack.event({
    type: "message",
    channel_type: "im",
    channel: "DU1",
    user: "U1",
    text: "design still hasn't sent\u0000 the \ud800specs\udc00",
    ts,
  });
  const proposal = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
  const blocks = proposal.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>;
  const record = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === "handoff_choice");
  expect(record).toBeDefined();
  const res = await h.bot.slack.press("handoff_choice", undefined, { rawValue: record?.value ?? "" });
  expect(res.status).toBe(200);
  const replaced = await h.fakeSlack.waitFor("response_url");
  expect(String(replaced.args.text)).toMatch(/^Tracking \*H\d+\* the specs/);
  const handoff = await db().handoff.findFirst({ orderBy: { id: "desc" } });
  expect(handoff?.what).toBe("the specs");
});

// --- Malformed payloads ---------------------------------------------------------------------

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const payload = (value: unknown) => form({ payload: JSON.stringify(value) });
const interaction = (extra: Record<string, unknown>) => ({
  team: { id: "T1", domain: "acme" },
  user: { id: "U1", team_id: "T1" },
  api_app_id: "A1",
  token: "legacy",
  trigger_id: uniqueId("TR"),
  ...extra,
});
const event = (extra: Record<string, unknown>) =>
  JSON.stringify({
    token: "legacy",
    team_id: "T1",
    api_app_id: "A1",
    type: "event_callback",
    event_id: uniqueId("Ev"),
    event_time: 1,
    authorizations: [{ team_id: "T1", user_id: "UCOO", is_bot: true }],
    ...extra,
  });
const command = (fields: Record<string, string | undefined>) =>
  form(
    Object.fromEntries(
      Object.entries({
        token: "legacy",
        team_id: "T1",
        channel_id: "C1",
        user_id: "U1",
        command: "/coo",
        text: "commit ship it by Friday",
        response_url: "http://127.0.0.1:9/malformed",
        trigger_id: "TR1",
        ...fields,
      }).filter((e): e is [string, string] => e[1] !== undefined),
    ),
  );

const malformed: Array<[string, string, string]> = [
  ["payload=null", "application/x-www-form-urlencoded", form({ payload: "null" })],
  ["payload=[]", "application/x-www-form-urlencoded", form({ payload: "[]" })],
  ['payload="x"', "application/x-www-form-urlencoded", form({ payload: '"x"' })],
  ["payload=42", "application/x-www-form-urlencoded", form({ payload: "42" })],
  ["a payload that is not JSON", "application/x-www-form-urlencoded", form({ payload: "{nope" })],
  [
    "a view_submission with view: null",
    "application/x-www-form-urlencoded",
    payload(interaction({ type: "view_submission", view: null })),
  ],
  [
    "a view_submission without state",
    "application/x-www-form-urlencoded",
    payload(
      interaction({ type: "view_submission", view: { id: "V1", callback_id: "commitment_slip_modal" } }),
    ),
  ],
  [
    "a block_actions without actions",
    "application/x-www-form-urlencoded",
    payload(interaction({ type: "block_actions" })),
  ],
  [
    "a block_actions without user",
    "application/x-www-form-urlencoded",
    payload({
      ...interaction({ type: "block_actions" }),
      user: undefined,
      actions: [{ type: "button", action_id: "commitment_done", value: "{}" }],
    }),
  ],
  [
    "a block_actions whose actions are not objects",
    "application/x-www-form-urlencoded",
    payload(interaction({ type: "block_actions", actions: [null] })),
  ],
  ["an event_callback with event: null", "application/json", event({ event: null })],
  ["an event_callback without an event", "application/json", event({})],
  ["an event without a type", "application/json", event({ event: { user: "U1", channel: "C1" } })],
  [
    "an app_mention whose channel is a number",
    "application/json",
    event({ event: { type: "app_mention", user: "U1", text: "hi", ts: "1.1", channel: 5 } }),
  ],
  ["a JSON body that is an array", "application/json", "[]"],
  ["a JSON body that is null", "application/json", "null"],
  ["a JSON object that is no Slack shape", "application/json", JSON.stringify({ hello: "there" })],
  ["a command without command", "application/x-www-form-urlencoded", command({ command: undefined })],
  ["a command without user_id", "application/x-www-form-urlencoded", command({ user_id: undefined })],
  ["a command without team_id", "application/x-www-form-urlencoded", command({ team_id: undefined })],
  ["a form body that is no Slack shape", "application/x-www-form-urlencoded", form({ hello: "there" })],
];

test.each(malformed)("a signed request with %s gets 400 and writes nothing", async (_name, type, body) => {
  const before = await footprint();
  h.bot.logs.length = 0;
  const res = await h.bot.slack.post(body, type);
  expect(res.status).toBe(400);
  expect(res.json).toEqual({ error: "malformed_body" });
  expect(await footprint()).toEqual(before);
  // The App Home may still be republishing after an earlier test's writes; nothing else may happen.
  const calls = h.fakeSlack.calls.filter((c) => c.method !== "auth.test" && c.method !== "views.publish");
  expect(calls).toEqual([]);
  expect(h.bot.logs.filter((l) => l.level === "error")).toEqual([]);
});

test("Slack shapes coo does not handle (a new envelope type, a shortcut) are still answered 200", async () => {
  const rateLimited = JSON.stringify({
    token: "legacy",
    type: "app_rate_limited",
    team_id: "T1",
    minute_rate_limited: 1,
    api_app_id: "A1",
  });
  expect((await h.bot.slack.post(rateLimited, "application/json")).status).toBe(200);
  const shortcut = payload(interaction({ type: "shortcut", callback_id: "nothing_here" }));
  expect((await h.bot.slack.post(shortcut, "application/x-www-form-urlencoded")).status).toBe(200);
});
