import { expect, test } from "vitest";
import { days, hours } from "./kit/coo.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const as = (user: string, text: string, team = "T1") => h.bot.slack.command(text, { user, team });
const say = async (user: string, text: string, team = "T1") => replyTo(h, await as(user, text, team));
const blocker = (number: number, workspaceId = "T1") =>
  db().blocker.findUnique({ where: { workspaceId_number: { workspaceId, number } } });
const idIn = (text: string) => Number(/B(\d+)/.exec(text)?.[1]);

type Reply = {
  text: string;
  blocks: Array<{ type: string; text?: { text: string }; accessory?: { action_id: string; value: string } }>;
};

test("/coo blocker records what is blocked and who or what it waits on", async () => {
  const a = idIn(await say("U1", `blocker can't deploy payments waiting on ${mentionOf("U2", "bob")}`));
  expect(await blocker(a)).toMatchObject({
    text: "can't deploy payments",
    reporterId: "U1",
    waitingOnId: "U2",
    status: "open",
  });
  const b = idIn(await say("U1", "blocker no design for checkout waiting on the design team"));
  expect(await blocker(b)).toMatchObject({ waitingOnId: null, waitingOnText: "the design team" });
  const c = idIn(await say("U3", "blocker laptop died"));
  expect(await blocker(c)).toMatchObject({ waitingOnId: null, waitingOnText: null });
});

test("bad blocker input is refused and writes nothing", async () => {
  const before = await db().blocker.count();
  for (const [typed, expected] of [
    ["blocker", /What is blocked\?/],
    [`blocker waiting on ${mentionOf("U2")}`, /Say what is blocked, then who it waits on/],
    [`blocker ${"z".repeat(501)}`, /under 500 characters/],
    ["unblock", /Which blocker\?/],
    ["unblock C4", /"C4" is not a blocker id/],
    ["unblock B99999", /There is no blocker B99999 here/],
    ["blockers please", /nothing, or `all`/],
  ] as const) {
    h.fakeSlack.reset();
    expect(await say("U1", typed)).toMatch(expected);
  }
  expect(await db().blocker.count()).toBe(before);
});

test("/coo blockers is the live queue, oldest first, with id, reporter, age, who it waits on and a Resolve button", async () => {
  await db().blocker.updateMany({
    where: { workspaceId: "T1", status: "open" },
    data: { status: "resolved", resolvedAt: h.clock.now() },
  });
  const old = idIn(await say("U1", `blocker waiting on legal review waiting on ${mentionOf("U2")}`));
  h.clock.advance(hours(5));
  const fresh = idIn(await say("U3", "blocker flaky CI"));
  h.clock.advance(days(2));
  const res = await as("U1", "blockers");
  const reply = res.json as Reply;
  expect(reply.text).toBe("2 open blockers");
  const items = reply.blocks.filter((b) => b.accessory?.action_id === "blocker_resolve");
  expect(items.map((b) => b.text?.text.split("*")[1])).toEqual([`B${old}`, `B${fresh}`]);
  expect(items[0]?.text?.text).toBe(
    `*B${old}* waiting on legal review\nraised by <@U1> · open for 2 days · waiting on <@U2>`,
  );
  expect(items[1]?.text?.text).toBe(`*B${fresh}* flaky CI\nraised by <@U3> · open for 2 days`);
  expect(JSON.parse(items[0]?.accessory?.value ?? "{}")).toEqual({ all: false, p: 0, n: old });
});

test("/coo unblock: the reporter or the person it waits on may resolve it, others may not, and only once", async () => {
  const b = idIn(await say("U1", `blocker need prod access waiting on ${mentionOf("U2")}`));
  expect(await say("U3", `unblock B${b}`)).toMatch(
    /Only <@U1> \(who raised it\), <@U2>, a workspace admin or the CEO, CFO or CTO can resolve/,
  );
  expect((await blocker(b))?.status).toBe("open");
  h.clock.advance(hours(3));
  expect(await say("U2", `unblock b${b}`)).toMatch(
    new RegExp(`Resolved \\*B${b}\\* need prod access after 3 hours`),
  );
  expect(await blocker(b)).toMatchObject({ status: "resolved", resolvedById: "U2" });
  h.fakeSlack.reset();
  expect(await say("U1", `unblock B${b}`)).toMatch(/already resolved/);
});

test("/coo blockers all adds those resolved in the last 7 days, not older ones", async () => {
  const recent = idIn(await say("U1", "blocker recent thing"));
  const stale = idIn(await say("U1", "blocker stale thing"));
  await say("U1", `unblock B${stale}`);
  h.clock.advance(days(8));
  await say("U1", `unblock B${recent}`);
  const text = (await as("U1", "blockers all")).json as Reply;
  const all = textOf(text);
  expect(all).toContain(`*B${recent}* recent thing\nraised by <@U1> · resolved by <@U1> after 8 days`);
  expect(all).not.toContain(`*B${stale}*`);
  const open = textOf((await as("U1", "blockers")).json);
  expect(open).not.toContain(`*B${recent}*`);
});

test("with one bot token, a blocker raised from another workspace's payload is refused", async () => {
  const res = await as("U7", "blocker their secret thing", "T2");
  expect(res.json).toBeUndefined();
  expect(await db().blocker.count({ where: { workspaceId: "T2" } })).toBe(0);
  expect(textOf((await as("U1", "blockers all")).json)).not.toContain("their secret thing");
});

test("ages and counts read as words: open just now, for 5 minutes, 1 open blocker, resolved after less than a minute", async () => {
  await db().blocker.updateMany({
    where: { workspaceId: "T1", status: "open" },
    data: { status: "resolved", resolvedAt: h.clock.now() },
  });
  const b = idIn(await say("U1", "blocker the staging database is down"));
  const line = async () => {
    const reply = (await as("U1", "blockers")).json as Reply;
    return { text: reply.text, item: reply.blocks.find((x) => x.accessory)?.text?.text ?? "" };
  };
  expect(await line()).toEqual({
    text: "1 open blocker",
    item: `*B${b}* the staging database is down\nraised by <@U1> · open just now`,
  });
  h.clock.advance(5 * 60_000);
  expect((await line()).item).toContain("· open for 5 minutes");
  h.clock.advance(56 * 60_000);
  expect((await line()).item).toContain("· open for 1 hour");
  const quick = idIn(await say("U1", "blocker a quick one"));
  expect(await say("U1", `unblock B${quick}`)).toMatch(/after less than a minute\.$/);
});

test("a blocker resolved by someone else is told to whoever raised it, once, by DM", async () => {
  const b = idIn(await say("U1", `blocker need the signed contract waiting on ${mentionOf("U2")}`));
  h.clock.advance(hours(3));
  h.fakeSlack.reset();
  await say("U2", `unblock B${b}`);
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU1");
  expect(dm.args.text).toBe(
    `<@U2> resolved your blocker *B${b}* need the signed contract after 3 hours. If it is not cleared for you, raise it again with \`/coo blocker\`.`,
  );
  // A second try changes nothing and tells no one again.
  expect(await say("U2", `unblock B${b}`)).toMatch(/already resolved/);
  await h.bot.coo.deps.outbox.deliver();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "DU1")).toHaveLength(1);

  // Resolving one's own blocker tells nobody; the Resolve button tells the reporter too.
  const own = idIn(await say("U1", "blocker my own thing"));
  const theirs = idIn(await say("U3", "blocker the build is red"));
  h.fakeSlack.reset();
  await say("U1", `unblock B${own}`);
  await h.bot.slack.press("blocker_resolve", { all: false, p: 0, n: theirs }, { user: "U9" });
  const told = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU3");
  expect(String(told.args.text)).toMatch(
    new RegExp(`^<@U9> resolved your blocker \\*B${theirs}\\* the build is red`),
  );
  await h.bot.coo.deps.outbox.deliver();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "DU1")).toEqual([]);
});
