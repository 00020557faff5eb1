import { expect, test } from "vitest";
import { days, hours, startTestCoo, TestClock } from "./kit/coo.js";
import { postgresAvailable, postgresDatabase } from "./kit/database.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const commit = async (user: string, text: string, channel = "C1") =>
  Number(/C(\d+)/.exec(await say(user, `commit ${text}`, channel))?.[1]);
const sweep = () => h.bot.coo.sweeper.sweep();
const dmsTo = (user: string) =>
  h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === `D${user}`);
const at = (iso: string) => h.clock.set(new Date(iso));

async function seat(user: string, seat: "ceo" | null) {
  await say(user, "help"); // the workspace row exists once the bot has heard from it
  await db().person.upsert({
    where: { workspaceId_slackUserId: { workspaceId: "T1", slackUserId: user } },
    create: { workspaceId: "T1", slackUserId: user, seat },
    update: { seat },
  });
}

test("a commitment's life: made, at risk, reminded, overdue, told to the channel, then the CEO; slipped; done", async () => {
  await seat("U4", "ceo");
  at("2026-12-02T15:00:00Z"); // Wed 10:00 in New York
  const n = await commit("U1", "ship search by tomorrow 5pm");
  const dependant = await commit("U2", `search docs by 2026-12-11 after C${n}`);
  h.fakeSlack.reset();

  // At risk: due by the end of the next working day, no update since made.
  at("2026-12-02T15:05:00Z");
  expect(await sweep()).toMatchObject({ sent: 1, messages: 1 });
  const first = dmsTo("U1");
  expect(first).toHaveLength(1);
  expect(textOf(first[0]?.args)).toContain("due soon, no update yet");
  // One item is one item: not "a few", not "commitment(s)".
  expect(first[0]?.args.text).toBe("1 commitment of yours needs a look");
  expect(textOf(first[0]?.args)).toContain("*One of your commitments needs a look:*");
  expect(textOf(first[0]?.args)).toContain(`*C${n}* ship search`);
  const buttons = (
    (first[0]?.args.blocks ?? []) as Array<{ elements?: Array<{ action_id: string }> }>
  ).flatMap((b) => b.elements ?? []);
  expect(buttons.map((b) => b.action_id)).toEqual([
    "commitment_done",
    "commitment_slip",
    "nudge_help",
    "nudge_snooze",
  ]);

  // Already pinged: a second sweep, and a sweep inside the grace period, send nothing.
  expect(await sweep()).toMatchObject({ sent: 0 });
  at("2026-12-03T14:00:00Z");
  expect(await sweep()).toMatchObject({ sent: 0 });
  expect(dmsTo("U1")).toHaveLength(1);

  // After the grace period: a reminder that offers to record a blocker.
  at("2026-12-03T16:00:00Z");
  await sweep();
  expect(dmsTo("U1")).toHaveLength(2);
  expect(textOf(dmsTo("U1")[1]?.args)).toContain("can I help unblock it?");
  expect(JSON.stringify(dmsTo("U1")[1]?.args.blocks)).toContain("Record a blocker");

  // Overdue, and a grace period after the reminder: the channel hears.
  at("2026-12-04T16:30:00Z");
  await sweep();
  const channel = h.fakeSlack.callsTo("chat.postMessage").filter((c) => c.args.channel === "C1");
  expect(channel).toHaveLength(1);
  expect(textOf(channel[0]?.args)).toContain("overdue and still open");
  expect(textOf(channel[0]?.args)).toContain(`*C${n}*`);

  // Overdue beyond three days, a grace period after the channel: the seated CEO hears.
  // The clocks stop over the owner's weekend: on Monday it is not three working days yet.
  at("2026-12-07T15:00:00Z");
  await sweep();
  expect(dmsTo("U4")).toEqual([]);
  at("2026-12-09T15:00:00Z");
  await sweep();
  const ceo = dmsTo("U4");
  expect(ceo).toHaveLength(1);
  expect(textOf(ceo[0]?.args)).toContain("flagging to you as CEO");
  // A step past the owner says what was already tried, and when.
  expect(textOf(ceo[0]?.args)).toContain(
    "Already tried: a DM to the owner (Wed 2 Dec), a reminder with an offer to record a blocker (Thu 3 Dec), the lead or channel told (Fri 4 Dec).",
  );
  expect(await sweep()).toMatchObject({ sent: 0 });

  // Re-sequenced: a new date and a reason; the history keeps both; the dependant's owner is told.
  expect(await say("U1", `slip C${n} to 2026-12-09 because the index rebuild failed`)).toContain(
    "because the index rebuild failed",
  );
  const heads = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU2" && String(c.args.text).startsWith("Heads up"),
  );
  expect(String(heads.args.text)).toContain(`*C${n}* ship search (<@U1>) moved from`);
  expect(String(heads.args.text)).toContain(`your *C${dependant}* search docs`);
  const history = await db().commitmentChange.findMany({
    where: { commitment: { workspaceId: "T1", number: n } },
    orderBy: { id: "asc" },
  });
  expect(history.at(-1)).toMatchObject({ kind: "redated", reason: "the index rebuild failed" });
  expect(history.at(-1)?.fromDueAt?.toISOString()).toBe("2026-12-03T22:00:00.000Z");

  // Done: nothing more is ever sent about it.
  await say("U1", `done C${n}`);
  h.fakeSlack.reset();
  at("2026-12-10T15:00:00Z");
  await sweep();
  expect(h.fakeSlack.callsTo("chat.postMessage").filter((c) => textOf(c.args).includes(`*C${n}*`))).toEqual(
    [],
  );
  await say("U2", `done C${dependant}`);
  await seat("U4", null);
});

test("no pings outside the owner's working hours, nor while they are out of office", async () => {
  at("2026-12-14T15:00:00Z"); // Mon 10:00 New York
  const n = await commit("U3", "send the invoices by 2026-12-15");
  h.fakeSlack.reset();
  at("2026-12-15T08:00:00Z"); // 03:00 in New York
  await sweep();
  expect(dmsTo("U3")).toEqual([]);
  await say("U3", "ooo until 2026-12-16");
  at("2026-12-15T15:00:00Z"); // 10:00, but out of office
  await sweep();
  expect(dmsTo("U3")).toEqual([]);
  await say("U3", "ooo off");
  await sweep();
  expect(dmsTo("U3")).toHaveLength(1);
  expect(textOf(dmsTo("U3")[0]?.args)).toContain(`*C${n}*`);
  await say("U3", `done C${n}`);
});

test("all of a person's items arrive in one DM per sweep", async () => {
  at("2026-12-21T15:00:00Z"); // Mon
  const ids = [
    await commit("U2", "item one by tomorrow"),
    await commit("U2", "item two by tomorrow"),
    await commit("U2", "item three by tomorrow"),
  ];
  h.fakeSlack.reset();
  at("2026-12-21T15:30:00Z"); // 16:30 Berlin
  await sweep();
  expect(dmsTo("U2")).toHaveLength(1);
  for (const n of ids) expect(textOf(dmsTo("U2")[0]?.args)).toContain(`*C${n}*`);
  for (const n of ids) await say("U2", `done C${n}`);
});

test("Snooze stops the chasing for a day; only the owner may press it; a snooze over 30 days is refused", async () => {
  at("2026-12-28T15:00:00Z");
  const n = await commit("U1", "renew the certificate by tomorrow");
  h.fakeSlack.reset();
  await h.bot.slack.press("nudge_snooze", { n, d: 1 }, { user: "U3" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(/Only <@U1> can do that/);
  expect(
    (await db().commitment.findFirstOrThrow({ where: { workspaceId: "T1", number: n } })).snoozedUntil,
  ).toBeNull();
  h.fakeSlack.reset();
  await h.bot.slack.press("nudge_snooze", { n, d: 1 }, { user: "U1" });
  expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(
    /Snoozed \*C\d+\* until Tue 29 Dec 10:00/,
  );
  await sweep();
  expect(dmsTo("U1")).toEqual([]);
  at("2026-12-29T15:30:00Z");
  await sweep();
  expect(dmsTo("U1")).toHaveLength(1);
  h.fakeSlack.reset();
  expect(await say("U1", `snooze C${n} for 31 days`)).toMatch(/at most 30 days/);
  expect(await say("U1", `snooze C${n} for 2 days`)).toMatch(/No chasing on \*C\d+\* until/);
  h.fakeSlack.reset();
  expect(await say("U3", `snooze C${n} for 2 days`)).toMatch(/Only <@U1> can do that/);
  await say("U1", `done C${n}`);
});

test("Need help opens a form; submitting it records a blocker and tells the person who can unblock it", async () => {
  at("2027-01-04T15:00:00Z");
  const n = await commit("U1", "migrate the queue by 2027-01-08");
  h.fakeSlack.reset();
  await h.bot.slack.press("nudge_help", { n }, { user: "U1" });
  const view = (await h.fakeSlack.waitFor("views.open")).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  expect(view.callback_id).toBe("nudge_help_modal");
  const empty = await h.bot.slack.submitView(
    view.callback_id,
    view.private_metadata,
    { what: { type: "plain_text_input", value: " " }, who: { type: "users_select", selected_user: null } },
    "U1",
  );
  expect(empty.json).toEqual({ response_action: "errors", errors: { what: "Say what is in the way." } });
  await h.bot.slack.submitView(
    view.callback_id,
    view.private_metadata,
    {
      what: { type: "plain_text_input", value: "need queue credentials" },
      who: { type: "users_select", selected_user: "U2" },
    },
    "U1",
  );
  const told = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  expect(String(told.args.text)).toContain("need queue credentials");
  const blocker = await db().blocker.findFirstOrThrow({
    where: { workspaceId: "T1", reporterId: "U1", waitingOnId: "U2" },
    orderBy: { id: "desc" },
  });
  expect(blocker.text).toBe(`C${n} migrate the queue: need queue credentials`);
  await say("U1", `done C${n}`);
});

test("a heads-up about moved work and a help request wait for the reader's working hours; a heads-up counts in the day's budget", async () => {
  at("2027-02-22T15:00:00Z"); // Mon 10:00 in New York
  const n = await commit("U1", "ship export by 2027-02-26");
  const dependant = await commit("U2", `export docs by 2027-03-05 after C${n}`);
  h.fakeSlack.reset();
  const held = () => db().heldNotice.findMany({ where: { workspaceId: "T1", userId: "U2", sentAt: null } });

  // Mon 21:00 in New York: the owner moves the work; U2, whose work comes after it, is off for the night.
  at("2027-02-23T02:00:00Z");
  expect(await say("U1", `slip C${n} to 2027-03-01 because the API changed`)).toContain("moved from");
  await until(async () => (await held()).length === 1);
  // And asks U2 for help: the form says when the request will reach them.
  await h.bot.slack.press("nudge_help", { n }, { user: "U1" });
  const view = (await h.fakeSlack.waitFor("views.open")).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  const submitted = await h.bot.slack.submitView(
    view.callback_id,
    view.private_metadata,
    {
      what: { type: "plain_text_input", value: "need the new API keys" },
      who: { type: "users_select", selected_user: "U2" },
    },
    "U1",
  );
  expect(JSON.stringify(submitted.json)).toContain("<@U2> is not at work now: your request reaches them");
  expect(await held()).toHaveLength(2);
  at("2027-02-23T03:00:00Z");
  await sweep();
  expect(dmsTo("U2")).toEqual([]);

  // Tue 09:05 in New York: both arrive, in one DM.
  at("2027-02-23T14:05:00Z");
  await sweep();
  expect(dmsTo("U2")).toHaveLength(1);
  const morning = String(dmsTo("U2")[0]?.args.text);
  expect(morning).toContain(`Heads up: *C${n}* ship export (<@U1>) moved from`);
  expect(morning).toContain(`your *C${dependant}* export docs`);
  expect(morning).toContain("is blocked on");
  expect(await held()).toEqual([]);

  // Another move the same day: U2 has had their one unasked DM today, so it waits for tomorrow.
  at("2027-02-23T15:00:00Z");
  expect(await say("U1", `slip C${n} to 2027-03-02 because review found a bug`)).toContain("moved from");
  await until(async () => (await held()).length === 1);
  at("2027-02-23T16:00:00Z");
  await sweep();
  expect(dmsTo("U2")).toHaveLength(1);
  at("2027-02-24T14:05:00Z");
  await sweep();
  expect(dmsTo("U2")).toHaveLength(2);
  expect(String(dmsTo("U2")[1]?.args.text)).toContain("review found a bug");
  await say("U1", `done C${n}`);
  await say("U2", `done C${dependant}`);
});

test("drifting: named as today's work in three standups running", async () => {
  at("2027-01-11T13:00:00Z"); // Mon 08:00 New York
  h.fakeSlack.channel("C90", { members: ["U1"] });
  const n = await commit("U1", "refactor the billing module by 2027-01-29", "C90");
  await replyTo(
    h,
    await h.bot.slack.command("standup 09:30 weekdays tz America/New_York", { user: "U1", channel: "C90" }),
  );
  const cadence = await db().cadence.findFirstOrThrow({ where: { channelId: "C90" } });
  for (const [i, slot] of [
    "2027-01-11T14:30:00Z",
    "2027-01-12T14:30:00Z",
    "2027-01-13T14:30:00Z",
  ].entries()) {
    at(slot);
    await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
    const run = await db().cadenceRun.findFirstOrThrow({
      where: { cadenceId: cadence.id, slot: new Date(slot) },
    });
    await h.bot.slack.event({
      type: "message",
      channel: "C90",
      channel_type: "channel",
      user: "U1",
      text: `Today: still on C${n}`,
      ts: `17900000${i}0.000100`,
      thread_ts: run.rootTs,
    });
    await new Promise((r) => setTimeout(r, 300));
  }
  h.fakeSlack.reset();
  at("2027-01-13T15:00:00Z");
  await sweep();
  expect(textOf(dmsTo("U1")[0]?.args)).toContain("on today's list three standups running");
  const risks = await say("U1", "risks", "C90");
  expect(risks).toMatch(
    new RegExp(`\\*Drifting: on today's list three standups running\\* \\(1\\)\\n• \\*C${n}\\*`),
  );
  await say("U1", `done C${n}`);
});

test("/coo risks lists overdue and at-risk work for the channel's people", async () => {
  at("2027-02-01T15:00:00Z");
  h.fakeSlack.on("conversations.members", () => ({
    ok: true,
    members: ["U2"],
    response_metadata: { next_cursor: "" },
  }));
  const soon = await commit("U2", "file the taxes by tomorrow");
  const late = await commit("U2", "close the books by Wednesday");
  at("2027-02-04T10:00:00Z");
  const next = await commit("U2", "prepare the audit by tomorrow");
  const text = await say("U1", "risks");
  expect(text).toMatch(new RegExp(`\\*Overdue\\* \\(2\\)\\n• \\*C${soon}\\*[\\s\\S]*\\*C${late}\\*`));
  expect(text).toMatch(new RegExp(`\\*At risk[^*]*\\* \\(1\\)\\n• \\*C${next}\\*`));
  for (const n of [soon, late, next]) await say("U2", `done C${n}`);
});

test("the ladder is configurable by admins and seats only", async () => {
  expect(await say("U3", "escalation grace 12")).toMatch(/Only a workspace admin or the CEO, CFO or CTO/);
  expect(await say("U9", "escalation grace 12")).toContain("2. After 12h with no change");
  expect(await say("U9", "escalation to lead")).toContain("the workstream lead hears of it");
  h.fakeSlack.reset();
  expect(await say("U9", "escalation grace 0")).toMatch(/Say what to change/);
  expect(await say("U1", "escalation")).toContain("*How slipping work is chased here*");
  await say("U9", "escalation grace 24");
  await say("U9", "escalation to channel");
});

test.runIf(postgresAvailable())(
  "two sweeps racing on one Postgres database send each ping once",
  async () => {
    const database = await postgresDatabase();
    const clock = new TestClock(new Date("2026-12-02T15:00:00Z"));
    const a = await startTestCoo({ database: database.config, fakeSlack: h.fakeSlack, coo: { clock } });
    const b = await startTestCoo({ database: database.config, fakeSlack: h.fakeSlack, coo: { clock } });
    try {
      for (const title of ["alpha", "beta"])
        await a.slack.command(`commit ${title} by tomorrow`, { user: "U1" });
      await a.slack.command(`commit gamma by tomorrow for ${mentionOf("U2")}`, { user: "U1" });
      // U2's "you own gamma" DM may be in b's hands (its poll loop shares the database): let it land first.
      await until(async () => (await a.coo.deps.outbox.depth()) === 0, 5000);
      h.fakeSlack.reset();
      clock.advance(hours(0.2));
      const reports = await Promise.all([
        a.coo.sweeper.sweep(),
        b.coo.sweeper.sweep(),
        a.coo.sweeper.sweep(),
        b.coo.sweeper.sweep(),
      ]);
      expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(3);
      await Promise.all([a.coo.sweeper.sweep(), b.coo.sweeper.sweep()]);
      expect(dmsTo("U1")).toHaveLength(1);
      expect(dmsTo("U2")).toHaveLength(1);
      expect(await a.coo.deps.db.escalation.count()).toBe(3);
      clock.advance(days(0));
    } finally {
      await a.stop();
      await b.stop();
      await database.drop();
    }
  },
);

test("someone with twenty commitments at risk gets one DM within Slack's 50 blocks: the fifteen most urgent, the rest counted", async () => {
  // A later Wednesday than the tests above: the sweep lease follows the test clock.
  at("2027-03-03T15:00:00Z"); // Wed 10:00 in New York
  h.fakeSlack.users.set("U7", { id: "U7", tz: "UTC" });
  for (let i = 0; i < 20; i++) await commit("U7", `task number ${i} by tomorrow ${i < 10 ? "3pm" : "4pm"}`);
  h.fakeSlack.reset();
  at("2027-03-03T15:05:00Z");
  expect(await sweep()).toMatchObject({ sent: 20, messages: 1 });
  const [dm] = dmsTo("U7");
  const blocks = (dm?.args.blocks ?? []) as unknown[];
  expect(blocks.length).toBeLessThanOrEqual(50);
  const text = textOf(dm?.args);
  expect(text).toContain("…and 5 more. `/coo risks`");
  // The ten due at 3pm come before any due at 4pm.
  for (let i = 0; i < 10; i++) expect(text).toContain(`task number ${i}`);
  expect(text.match(/task number \d+/g)).toHaveLength(15);
});

test("a DM about several commitments counts them: 2 of your commitments need a look", async () => {
  // Later than the tests above: the sweep lease follows the test clock.
  at("2027-03-10T15:00:00Z"); // Wed 10:00 in New York
  await commit("U3", "write the changelog by tomorrow 5pm");
  await commit("U3", "tag the release by tomorrow 5pm");
  h.fakeSlack.reset();
  at("2027-03-10T15:05:00Z");
  await sweep();
  const dm = dmsTo("U3")[0];
  expect(dm?.args.text).toBe("2 commitments of yours need a look");
  expect(textOf(dm?.args)).toContain("*2 of your commitments need a look:*");
});

// Issue 12: choosing a new date from a nudge DM replaced the DM with a generic list and never confirmed it.
test("Slip to… from a nudge DM keeps the DM, marks that item re-dated with its new date, and confirms it", async () => {
  at("2027-03-17T15:00:00Z"); // Wed 10:00 in New York
  const first = await commit("U1", "draft the press release by tomorrow 5pm");
  const second = await commit("U1", "book the venue by tomorrow 5pm");
  h.fakeSlack.reset();
  at("2027-03-17T15:05:00Z");
  await sweep();
  const [dm] = dmsTo("U1");
  const sent = await db().outboxMessage.findFirstOrThrow({
    where: { userId: "U1", status: "sent" },
    orderBy: { id: "desc" },
  });
  const message = {
    ts: sent.sentTs ?? "",
    channel: sent.sentChannel ?? "",
    blocks: dm?.args.blocks as unknown[],
  };
  await h.bot.slack.press("commitment_slip", { t: "mine", p: 0, n: first }, { user: "U1", message });
  const view = (await h.fakeSlack.waitFor("views.open")).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  await h.bot.slack.submitView(
    view.callback_id,
    view.private_metadata,
    {
      date: { type: "datepicker", selected_date: "2027-03-22" },
      time: { type: "timepicker", selected_time: "17:00" },
      reason: { type: "plain_text_input", value: "" },
    },
    "U1",
  );
  const redrawn = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
  const shown = textOf(redrawn.args);
  // The same DM: its heading and the other item, with its buttons, untouched.
  expect(shown).toContain("*2 of your commitments need a look:*");
  expect(shown).not.toContain("open commitments");
  expect(shown).toContain(`*C${second}* book the venue`);
  expect(shown).toContain(
    `*C${first}* draft the press release\nre-dated: now due Mon 22 Mar 17:00 (America/New_York)`,
  );
  const buttons = (redrawn.args.blocks as Array<{ elements?: Array<{ value?: string }> }>)
    .flatMap((b) => b.elements ?? [])
    .map((e) => JSON.parse(e.value ?? "{}").n);
  expect(buttons).not.toContain(first);
  expect(buttons).toContain(second);
  const confirmed = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === false);
  expect(confirmed.args.text).toBe(`*C${first}* now due Mon 22 Mar 17:00 (America/New_York).`);

  // Done on the other item marks it in the same DM, keeping the first mark.
  h.fakeSlack.reset();
  await h.bot.slack.press("commitment_done", { t: "mine", p: 0, n: second }, { user: "U1", message });
  const done = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
  expect(textOf(done.args)).toContain(`*C${second}* book the venue\ndone :white_check_mark:`);
  expect(textOf(done.args)).toContain(`*C${first}* draft the press release\nre-dated: now due`);
  expect((done.args.blocks as Array<{ type: string }>).filter((b) => b.type === "actions")).toEqual([]);
});

// Issue 13: a snooze wrote the commitment directly, with no history row and no change event.
test("a snooze is on the record: /coo history says who snoozed it and until when", async () => {
  at("2027-03-24T15:00:00Z"); // Wed 11:00 in New York
  const n = await commit("U1", "renew the domain by 2027-03-26");
  expect(await say("U1", `snooze C${n} for 1 day`)).toMatch(/No chasing on \*C\d+\* until/);
  const history = await say("U1", `history C${n}`);
  expect(history).toMatch(/<@U1> snoozed the chasing until Thu 25 Mar 11:00/);
  const changes = await db().commitmentChange.findMany({
    where: { commitment: { workspaceId: "T1", number: n } },
    orderBy: { id: "asc" },
  });
  expect(changes.map((c) => c.kind)).toEqual(["created", "snoozed"]);
  expect(changes[1]?.snoozedUntil?.toISOString()).toBe("2027-03-25T15:00:00.000Z");
  await say("U1", `done C${n}`);
});
