import { beforeAll, expect, test } from "vitest";
import { days } from "./kit/coo.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { uniqueId } from "./kit/slack-client.js";

// Issue 11, as a hostile member would try it: each test names the finding it closes.
const h = useBot();
beforeAll(() => {
  for (const channel of ["C31", "C32", "C33"]) h.fakeSlack.channel(channel, { members: ["U1", "U2", "U3"] });
});
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const numberIn = (reply: string) => Number(/\*C(\d+)\*/.exec(reply)?.[1]);
const settle = () => new Promise((r) => setTimeout(r, 300));
let ts = 1797100000;
const nextTs = () => `${ts++}.000100`;

test("finding 1: a plain member cannot take an empty seat, so cannot act as an executive", async () => {
  const theirs = numberIn(await say("U2", "commit close the books by Friday"));
  await say("U2", "standup 09:30", "C31");
  // U1 is a plain member; no seat is held yet.
  expect(await say("U1", `seat cto ${mentionOf("U1")}`)).toMatch(/Only a workspace admin can seat the CTO/);
  expect(await say("U1", `seat ceo ${mentionOf("U1")}`)).toMatch(/Only a workspace admin can seat the CEO/);
  expect(await db().person.count({ where: { workspaceId: "T1", seat: { not: null } } })).toBe(0);
  // So none of an executive's powers are theirs.
  expect(await say("U1", `done C${theirs}`)).toMatch(/Only <@U2> \(the owner\)/);
  expect(await say("U1", "escalation grace 1")).toMatch(/Only a workspace admin or the CEO, CFO or CTO/);
  const standup = await db().cadence.findFirstOrThrow({ where: { channelId: "C31" } });
  expect(await say("U1", `cadence remove K${standup.number}`)).toMatch(/Only <@U2> \(who set it up\)/);
  expect((await db().workspace.findUniqueOrThrow({ where: { id: "T1" } })).escalationGraceHours).toBe(24);
  expect(await db().cadence.count({ where: { id: standup.id } })).toBe(1);
  expect(
    (
      await db().commitment.findUniqueOrThrow({
        where: { workspaceId_number: { workspaceId: "T1", number: theirs } },
      })
    ).status,
  ).toBe("open");
});

test("finding 1: an admin cannot move a seated person into another seat and leave theirs empty", async () => {
  expect(await say("U9", `seat cfo ${mentionOf("U4")}`)).toMatch(/<@U4> now holds the CFO seat/);
  expect(await say("U9", `seat ceo ${mentionOf("U4")}`)).toMatch(/already holds the CFO seat/);
  expect(
    await db().person.findMany({
      where: { workspaceId: "T1", seat: { not: null } },
      select: { slackUserId: true, seat: true },
    }),
  ).toEqual([{ slackUserId: "U4", seat: "cfo" }]);
  expect(await say("U9", "seat cfo none")).toMatch(/The CFO seat is free/);
});

test("finding 1: seats and work go only to real, active people of this workspace; nothing is written otherwise", async () => {
  h.fakeSlack.users.set("UBOT", { id: "UBOT", is_bot: true });
  h.fakeSlack.users.set("UGONE", { id: "UGONE", deleted: true });
  h.fakeSlack.users.set("UGUEST", { id: "UGUEST", is_restricted: true });
  h.fakeSlack.users.set("UPARTNER", { id: "UPARTNER", team_id: "TPARTNER", connected: true });
  const cases: Array<[string, RegExp]> = [
    [`seat cto ${mentionOf("UNOBODY")}`, /I can't find that person \(`UNOBODY`\) in this workspace/],
    [`seat cto ${mentionOf("UBOT")}`, /<@UBOT> is a bot/],
    [`seat cto ${mentionOf("UGONE")}`, /<@UGONE> is deactivated/],
    [`seat cto ${mentionOf("UGUEST")}`, /<@UGUEST> is a guest here/],
    [`seat cto ${mentionOf("UPARTNER")}`, /<@UPARTNER> belongs to another organisation/],
  ];
  for (const [typed, refusal] of cases) expect(await say("U9", typed)).toMatch(refusal);
  expect(await db().person.count({ where: { workspaceId: "T1", seat: "cto" } })).toBe(0);
  expect(await db().person.count({ where: { slackUserId: "UNOBODY" } })).toBe(0);

  const before = await db().commitment.count();
  h.fakeSlack.reset();
  expect(await say("U1", `commit send the deck by Friday for ${mentionOf("UNOBODY")}`)).toMatch(
    /I can't find that person/,
  );
  expect(await say("U1", `commit send the deck by Friday for ${mentionOf("UBOT")}`)).toMatch(/is a bot/);
  const mine = numberIn(await say("U1", "commit write the memo by Friday"));
  expect(await say("U1", `reassign C${mine} to ${mentionOf("UGONE")}`)).toMatch(/is deactivated/);
  expect(await say("U1", `blocker waiting on legal waiting on ${mentionOf("UNOBODY")}`)).toMatch(
    /I can't find that person/,
  );
  expect(await db().commitment.count()).toBe(before + 1);
  expect(await db().blocker.count({ where: { waitingOnId: "UNOBODY" } })).toBe(0);
  // Nobody was DMed about work they cannot do.
  expect(h.fakeSlack.callsTo("conversations.open")).toEqual([]);
  // A guest can own work (a contractor), but not a seat.
  expect(await say("U1", `commit review the copy by Friday for ${mentionOf("UGUEST")}`)).toMatch(/^Recorded/);
});

test("finding 1: admin rights are Slack's current answer: granted and revoked within a minute", async () => {
  expect(await say("U9", "escalation grace 12")).toMatch(/After 12h/);
  // U9 loses admin in Slack; U3 gains it.
  h.fakeSlack.users.set("U9", { id: "U9", name: "root", tz: "UTC", is_admin: false });
  h.fakeSlack.users.set("U3", { id: "U3", name: "cara", tz: "America/New_York", is_admin: true });
  h.clock.advance(61_000);
  expect(await say("U9", "escalation grace 48")).toMatch(/Only a workspace admin or the CEO, CFO or CTO/);
  expect(await say("U3", "escalation grace 36")).toMatch(/After 36h/);
  expect((await db().workspace.findUniqueOrThrow({ where: { id: "T1" } })).escalationGraceHours).toBe(36);
  h.fakeSlack.users.set("U9", { id: "U9", name: "root", tz: "UTC", is_admin: true });
  h.fakeSlack.users.set("U3", { id: "U3", name: "cara", tz: "America/New_York" });
  h.clock.advance(61_000);
  expect(await say("U9", "escalation grace 24")).toMatch(/After 24h/);
});

test("finding 2: only who may change a channel's cadences can skip its day, and a skip can be undone", async () => {
  await say("U1", "standup 09:00 tz Europe/Berlin", "C32");
  expect(await say("U2", "skip 2026-12-24", "C32")).toMatch(
    /Only whoever set up this channel's cadences \(<@U1>\), an admin or the CEO, CFO or CTO/,
  );
  expect(await db().skipDay.count({ where: { channelId: "C32" } })).toBe(0);
  expect(await say("U9", "skip 2026-12-24", "C32")).toMatch(
    /No cadence will run in this channel on 2026-12-24/,
  );
  expect(await say("U2", "skip off 2026-12-24", "C32")).toMatch(/Only whoever set up/);
  expect(await db().skipDay.count({ where: { channelId: "C32" } })).toBe(1);
  expect(await say("U1", "skip off 2026-12-24", "C32")).toBe(
    "2026-12-24 is a working day here again: cadences run as usual.",
  );
  expect(await db().skipDay.count({ where: { channelId: "C32" } })).toBe(0);
  expect(await say("U1", "skip 2026-12-24", "C33")).toMatch(/No cadence runs in this channel/);
});

async function dm(user: string, text: string) {
  const at = nextTs();
  await h.bot.slack.event({ type: "message", channel: `D${user}`, channel_type: "im", user, text, ts: at });
  return h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === `D${user}` && String(c.args.text).startsWith("Sounds like a stuck handoff"),
  );
}

test("finding 3: a handoff recorded from a DM stays private: no nudge, not listed to others, not answered in a channel", async () => {
  h.fakeSlack.reset();
  const offer = await dm("U1", `waiting on ${mentionOf("U2")} for the salary review docs since Monday`);
  const record = (offer.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .find((b) => b.action_id === "handoff_choice");
  await h.bot.slack.press("handoff_choice", JSON.parse(record?.value ?? "{}"), { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toContain(
    "Only you and the people on it can see it",
  );
  const handoff = await db().handoff.findFirstOrThrow({ where: { what: { contains: "salary" } } });
  expect(handoff).toMatchObject({ shared: false, chase: false });
  const id = `H${handoff.number}`;

  // Days later, in working hours: the sweep chases nothing private.
  h.clock.advance(days(2));
  h.fakeSlack.reset();
  await h.bot.coo.sweeper.sweep();
  await settle();
  const salary = (c: { args: Record<string, unknown> }) => JSON.stringify(c.args).includes("salary");
  expect(h.fakeSlack.calls.filter(salary)).toEqual([]);

  // Others do not see it; in a channel, nobody does; the people on it do.
  expect(await say("U3", "handoffs")).not.toContain("salary");
  expect(await say("U3", `handoff done ${id}`)).toMatch(new RegExp(`There is no handoff ${id} here`));
  const at = nextTs();
  await h.bot.slack.mention("what handoffs are open?", { ts: at, user: "U3" });
  const answer = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.thread_ts === at);
  expect(String(answer.args.text)).not.toContain("salary");
  expect(await say("U1", "handoffs")).toMatch(/salary review docs.*· private/);
  expect(await say("U2", "handoffs")).toContain("salary review docs");

  // Only the reporter may share it; then the team sees it.
  expect(await say("U2", `handoff share ${id}`)).toMatch(/Only <@U1>, who told me about/);
  expect(await say("U1", `handoff share ${id}`)).toMatch(/now visible to the workspace/);
  expect(await say("U3", "handoffs")).toContain("salary review docs");
});

test("finding 5: one signed /coo commit posted five times records one commitment", async () => {
  const before = await db().commitment.count();
  const body = h.bot.slack.commandBody("commit ship the replay test by Friday", { user: "U1" });
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push(await h.bot.slack.post(body, "application/x-www-form-urlencoded"));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
  expect(textOf(answers[0]?.json)).toMatch(/^Recorded/);
  for (const replay of answers.slice(1)) expect(replay.text).toBe("");
  expect(await db().commitment.count()).toBe(before + 1);
  expect(h.bot.logs.filter((l) => l.msg === "replayed request ignored")).toHaveLength(4);
});

test("finding 5: a replayed button press records nothing twice", async () => {
  h.fakeSlack.reset();
  const offer = await dm("U1", `waiting on ${mentionOf("U2")} for the replay tokens since Monday`);
  const record = (offer.args.blocks as Array<{ elements?: Array<{ action_id: string; value: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .find((b) => b.action_id === "handoff_choice");
  const payload = {
    type: "block_actions",
    team: { id: "T1", domain: "acme" },
    user: { id: "U1", team_id: "T1" },
    api_app_id: "A1",
    token: "legacy",
    trigger_id: uniqueId("TR"),
    response_url: h.fakeSlack.responseUrl(uniqueId("R")),
    container: { type: "message", message_ts: "1.1", channel_id: "DU1", is_ephemeral: false },
    channel: { id: "DU1", name: "directmessage" },
    actions: [
      { type: "button", action_id: "handoff_choice", block_id: "b1", value: record?.value, action_ts: "1" },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  for (let i = 0; i < 3; i++) await h.bot.slack.post(body, "application/x-www-form-urlencoded");
  await settle();
  expect(await db().handoff.count({ where: { what: { contains: "replay tokens" } } })).toBe(1);
});

test("someone of another organisation (Slack Connect) is told coo answers members only, and sees no ledger data", async () => {
  await say("U1", "commit finish the launch checklist by Friday");
  h.fakeSlack.users.set("UGUESTORG", { id: "UGUESTORG", team_id: "TOTHER", connected: true });
  h.fakeSlack.reset();
  const at = nextTs();
  await h.bot.slack.event({
    type: "app_mention",
    user: "UGUESTORG",
    user_team: "TOTHER",
    source_team: "TOTHER",
    text: "<@UCOO> who owns the launch?",
    ts: at,
    channel: "C1",
  });
  const reply = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.thread_ts === at);
  expect(String(reply.args.text)).toMatch(/I answer its own members only/);
  expect(String(reply.args.text)).not.toContain("launch checklist");
  const command = await say("UGUESTORG", "commitments all");
  expect(command).toMatch(/I answer its own members only/);
  expect(command).not.toContain("launch checklist");
  expect(await say("UGUESTORG", "help")).toContain("What I do");
});
