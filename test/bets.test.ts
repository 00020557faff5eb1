import { beforeAll, expect, test } from "vitest";
import { scheduleCadence } from "./kit/cadence.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string) =>
  replyTo(h, await h.bot.slack.command(text, { user, channel: "C1" }));
const number = (prefix: "C" | "G", text: string) => Number(new RegExp(`${prefix}(\\d+)`).exec(text)?.[1]);
const bets = () => db().bet.count({ where: { workspaceId: "T1" } });
const stream = (name: string) =>
  db().workstream.findUnique({ where: { workspaceId_name: { workspaceId: "T1", name } } });
const betRow = (n: number) =>
  db().bet.findUniqueOrThrow({ where: { workspaceId_number: { workspaceId: "T1", number: n } } });

/** U3 in the CEO seat (U9 is the workspace's admin). */
async function seatCeo() {
  if ((await db().person.findFirst({ where: { workspaceId: "T1", seat: "ceo" } }))?.slackUserId === "U3")
    return;
  expect(await say("U9", `seat ceo ${mentionOf("U3")}`)).toMatch(/<@U3> now holds the CEO seat/);
}

beforeAll(() => {
  h.fakeSlack.channel("C60", { members: ["U1", "U2"] });
});

test("only the seated CEO records a bet; a member is pointed at the CEO; an admin may while no CEO is seated", async () => {
  expect(await say("U1", "bet launch in Europe by 2027-03-31")).toMatch(
    /Picking the bets is the CEO's call, and coo carries them out, but no CEO is seated yet\. A workspace admin can seat one \(`\/coo seat ceo @name`\)/,
  );
  expect(await bets()).toBe(0);

  const byAdmin = await say("U9", "bet launch in Europe by 2027-03-31");
  expect(byAdmin).toMatch(/^Recorded \*G1\* launch in Europe, target Wed 31 Mar 2027\./);
  expect(byAdmin).toContain("`/coo workstream <name> owner @user for G1`");
  expect(await betRow(1)).toMatchObject({ title: "launch in Europe", status: "open", createdById: "U9" });
  // U9's zone is UTC: a date without a time is 17:00 there.
  expect((await betRow(1)).targetDate?.toISOString()).toBe("2027-03-31T17:00:00.000Z");

  await seatCeo();
  expect(await say("U1", "bet double the team by 2027-06-30")).toMatch(
    /Picking the bets is the CEO's call, and coo carries them out: ask <@U3> to record it/,
  );
  // With a CEO seated, an admin no longer picks bets either.
  expect(await say("U9", "bet double the team by 2027-06-30")).toMatch(/ask <@U3> to record it/);
  expect(await bets()).toBe(1);

  // The CEO's date is read in the CEO's zone (New York); "by" inside a title stays in it.
  const g = number("G", await say("U3", "bet win the market by Friday"));
  expect((await betRow(g)).targetDate?.toISOString()).toBe("2026-12-04T22:00:00.000Z");
  const plain = await say("U3", "bet be the tool used by agencies");
  expect(plain).toMatch(/^Recorded \*G\d+\* be the tool used by agencies, no target date\./);
  expect((await betRow(number("G", plain))).targetDate).toBeNull();
});

test("bad bet input is refused with an example that works, and nothing is written", async () => {
  await seatCeo();
  const before = await bets();
  const cases: Array<[string, RegExp]> = [
    [
      "bet",
      /Say what the bet is, and by when if it has a target date: `\/coo bet launch in Europe by 2027-03-31`/,
    ],
    ["bet launch by yesterday", /"yesterday" is in the past\. Give a date ahead/],
    ["bet launch by 2026-01-05", /"2026-01-05" is in the past/],
    [
      "bet launch by someday",
      /I can't read "someday" as a target date\. Try `Friday`.*`\/coo bet launch in Europe by 2027-03-31`/,
    ],
    ["bet launch by Q3", /I can't read "Q3" as a target date/],
    ["bet by Friday", /Say what the bet is, before its date/],
    [`bet ${"x".repeat(301)}`, /Keep the bet under 300 characters/],
  ];
  for (const [typed, expected] of cases) expect(await say("U3", typed)).toMatch(expected);
  expect(await bets()).toBe(before);
});

test("/coo workstream ... for G3 ties a workstream to a bet; twice, to another bet, to an unknown or another workspace's bet writes nothing", async () => {
  await seatCeo();
  const a = number("G", await say("U3", "bet open the Paris office by 2027-02-01"));
  const b = number("G", await say("U3", "bet hire a sales lead by 2027-02-01"));
  const created = await say("U1", `workstream paris owner ${mentionOf("U1")} for G${a}`);
  expect(created).toMatch(
    new RegExp(`^Created #paris, owned by <@U1>, under \\*G${a}\\* open the Paris office\\.`),
  );
  expect((await stream("paris"))?.betId).toBe((await betRow(a)).id);

  expect(await say("U1", `workstream paris for G${a}`)).toBe(
    `#paris is already under *G${a}* open the Paris office. Nothing changed.`,
  );
  expect(await say("U1", `workstream paris for G${b}`)).toMatch(
    new RegExp(
      `#paris is under \\*G${a}\\* open the Paris office, not G${b}\\. Moving a workstream to another bet is a separate step`,
    ),
  );
  expect((await stream("paris"))?.betId).toBe((await betRow(a)).id);

  // An existing stream: only its owner (or an admin, or a seat) ties it, and its owner stays.
  await say("U2", `workstream leases owner ${mentionOf("U2")}`);
  expect(await say("U1", `workstream leases for G${a}`)).toMatch(/#leases belongs to <@U2>/);
  expect((await stream("leases"))?.betId).toBeNull();
  expect(await say("U2", `workstream leases for G${a}`)).toMatch(
    new RegExp(
      `^#leases \\(owned by <@U2>\\) is now under \\*G${a}\\* open the Paris office\\. \`/coo plan G${a}\``,
    ),
  );
  expect(await stream("leases")).toMatchObject({ ownerId: "U2", betId: (await betRow(a)).id });

  // Unknown here, or another workspace's: not found, and no workstream is made.
  await db().workspace.upsert({ where: { id: "T2" }, create: { id: "T2" }, update: {} });
  await db().bet.create({
    data: { workspaceId: "T2", number: 900, title: "their secret", createdById: "U5" },
  });
  expect(await say("U1", "workstream ops for G99")).toMatch(
    /There is no bet G99 here\. `\/coo bets` lists them\./,
  );
  expect(await say("U1", "workstream ops for G900")).toMatch(/There is no bet G900 here/);
  expect(await stream("ops")).toBeNull();
  expect(await say("U1", "plan G900")).toMatch(/There is no bet G900 here/);
});

test("the rollup matches the ledger: done, on track, at risk, slipped, and the likely date against the target", async () => {
  await seatCeo();
  h.clock.set("2026-11-30T14:00:00Z"); // Monday, 09:00 in New York, 15:00 in Berlin
  const g = number("G", await say("U3", "bet ship v2 by 2026-12-11"));
  await say("U1", `workstream core owner ${mentionOf("U1")} for G${g}`);
  await say("U2", `workstream guides owner ${mentionOf("U2")} for G${g}`);
  const commit = async (user: string, text: string) => number("C", await say(user, `commit ${text}`));
  const alpha = await commit("U1", "alpha by Tuesday #core"); // done
  const beta = await commit("U1", "beta by Tuesday #core"); // overdue by Wednesday: slipped
  const gamma = await commit("U2", "gamma by Thursday #guides"); // due soon, quiet since Monday: at risk
  const delta = await commit("U1", "delta by 2026-12-09 #core"); // re-dated later: slipped
  const epsilon = await commit("U2", "epsilon by 2026-12-10 #guides"); // on track
  const dropped = await commit("U1", "eta by Friday #core"); // dropped: not counted
  await commit("U1", "outside the bet by Thursday"); // in no workstream of the bet

  h.clock.set("2026-12-01T15:00:00Z"); // Tuesday
  await say("U1", `done C${alpha}`);
  await say("U1", `slip C${delta} to 2026-12-16 because the vendor is late`);
  await say("U1", `drop C${dropped}`);
  const zeta = await commit("U1", "zeta by Thursday #core"); // due soon, but made a day ago: on track

  h.clock.set("2026-12-02T15:00:00Z"); // Wednesday
  const plan = await say("U3", `plan G${g}`);
  expect(plan).toContain(`*G${g}* ship v2 · open · target Fri 11 Dec · recorded by <@U3>`);
  expect(plan).toContain("*Rollup*: 1 done · 2 on track · 1 at risk · 2 slipped");
  expect(plan).toContain("*Likely date*: Wed 16 Dec, 5 days after the target (Fri 11 Dec)");
  expect(plan).toContain("• #core, owned by <@U1>: 3 open, 1 done");
  expect(plan).toContain("• #guides, owned by <@U2>: 2 open, 0 done");
  // Open work, soonest first, each with its state; nothing dropped, nothing outside the bet.
  const order = [beta, gamma, zeta, epsilon, delta].map((n) => plan.indexOf(`*C${n}*`));
  expect(order.every((at) => at > 0)).toBe(true);
  expect([...order].sort((x, y) => x - y)).toEqual(order);
  expect(plan).toMatch(new RegExp(`\\*C${beta}\\* beta [^\\n]*· :warning: slipped`));
  expect(plan).toMatch(new RegExp(`\\*C${gamma}\\* gamma [^\\n]*· :warning: at risk`));
  expect(plan).toMatch(new RegExp(`\\*C${zeta}\\* zeta [^\\n]*· on track`));
  expect(plan).toMatch(new RegExp(`\\*C${delta}\\* delta [^\\n]*· :warning: slipped`));
  expect(plan).not.toContain(`*C${dropped}*`);
  expect(plan).not.toContain("outside the bet");

  // The same numbers, from the ledger itself.
  const rows = await db().commitment.findMany({
    where: { workspaceId: "T1", workstream: { bet: { number: g } } },
  });
  const now = h.clock.now();
  const open = rows.filter((c) => c.status === "open");
  expect(rows.filter((c) => c.status === "done")).toHaveLength(1);
  expect(open.filter((c) => c.dueAt < now || c.dueAt > c.originalDueAt)).toHaveLength(2);
  expect(Math.max(...open.map((c) => c.dueAt.getTime()))).toBe(Date.parse("2026-12-16T22:00:00Z"));

  const list = await say("U3", "bets");
  expect(list).toContain(
    `• *G${g}* ship v2 · target Fri 11 Dec · 2 workstreams · 1 done · 2 on track · 1 at risk · 2 slipped · likely Wed 16 Dec, 5 days after the target (Fri 11 Dec)`,
  );
});

test("/coo plan of a bet with no workstreams says how to add one", async () => {
  await seatCeo();
  const g = number("G", await say("U3", "bet enter Japan"));
  const plan = await say("U1", `plan G${g}`);
  expect(plan).toContain(`*G${g}* enter Japan · open · no target date`);
  expect(plan).toContain("*Rollup*: 0 done · 0 on track · 0 at risk · 0 slipped");
  expect(plan).toContain("*Likely date*: none yet: no open work under it");
  expect(plan).toContain(
    `No workstreams under it yet. \`/coo workstream <name> owner @user for G${g}\` ties one to it.`,
  );
  expect(await say("U1", "plan")).toMatch(/Which bet\?.*`\/coo plan G3`/);
  expect(await say("U1", "plan C12")).toMatch(/"C12" is not a bet id\. Ids look like `G3`/);
});

test("the weekly review opens with the open bets' rollup", async () => {
  await seatCeo();
  const g = number("G", await say("U3", "bet launch the app by 2026-12-18"));
  await say("U1", `workstream app owner ${mentionOf("U1")} for G${g}`);
  await say("U1", "commit app store listing by 2026-12-15 #app");
  const cadence = await scheduleCadence(h, "review fri 16:00 tz UTC", "C60");
  h.fakeSlack.reset();
  h.clock.set("2026-12-04T16:00:00Z");
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const post = h.fakeSlack.callsTo("chat.postMessage").find((c) => c.args.channel === "C60");
  const text = textOf(post?.args);
  const open = await db().bet.count({ where: { workspaceId: "T1", status: "open" } });
  expect(text).toMatch(
    new RegExp(
      `^Weekly review: [^\\n]*\\n\\*Weekly review\\* for the week to [^\\n]*\\n\\*Bets\\* \\(${open} open\\)`,
    ),
  );
  expect(text).toContain(
    `• *G${g}* launch the app: 0 done · 1 on track · 0 at risk · 0 slipped · likely Tue 15 Dec, 3 days before the target (Fri 18 Dec)`,
  );
  expect(text.indexOf("*Bets*")).toBeLessThan(text.indexOf("*Overall*"));
});

test("the App Home shows the bets a person works on, and not to anyone else", async () => {
  await seatCeo();
  const g = number("G", await say("U3", "bet publish the handbook by 2027-01-15"));
  await say("U2", `workstream handbook owner ${mentionOf("U2")} for G${g}`);
  await say("U4", "commit write the onboarding chapter by 2026-12-18 #handbook");
  const home = async (user: string) => {
    h.fakeSlack.reset();
    await h.bot.slack.event({
      type: "app_home_opened",
      user,
      channel: `D${user}`,
      tab: "home",
      event_ts: "1.2",
    });
    const call = await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === user);
    return textOf(call.args.view);
  };
  const line = `• *G${g}* publish the handbook: 0 done · 1 on track · 0 at risk · 0 slipped · likely`;
  // U4 owns open work in a workstream under it; U2 owns the workstream.
  expect(await home("U4")).toContain(line);
  expect(await home("U2")).toMatch(
    new RegExp(`\\*Bets you work on\\* \\(\\d+\\)\\n[^]*\\*G${g}\\* publish the handbook`),
  );
  expect(await home("U9")).not.toContain(`*G${g}*`);
});

test("when work under a bet slips, the workstream's owner is told once what it moves; not when they moved it", async () => {
  await seatCeo();
  const g = number("G", await say("U3", "bet launch mobile by 2026-12-11"));
  await say("U2", `workstream mobile owner ${mentionOf("U2")} for G${g}`);
  const ios = number("C", await say("U1", "commit ios build by Friday #mobile"));
  const android = number("C", await say("U2", "commit android build by Friday #mobile"));
  h.fakeSlack.reset();

  await say("U1", `slip C${ios} to 2026-12-16 because the review queue is long`);
  const dm = await h.fakeSlack.waitFor(
    "chat.postMessage",
    (c) => c.args.channel === "DU2" && String(c.args.text).includes(`*C${ios}*`),
  );
  expect(String(dm.args.text)).toMatch(
    new RegExp(
      `^<@U1> moved \\*C${ios}\\* ios build in #mobile from <!date\\^\\d+\\^[^|]*\\|Fri 4 Dec 23:00 \\(Europe/Berlin\\)> to <!date\\^\\d+\\^[^|]*\\|Wed 16 Dec 23:00 \\(Europe/Berlin\\)> because the review queue is long\\. It is under \\*G${g}\\* launch mobile: 0 done · 1 on track · 0 at risk · 1 slipped; the bet is now likely Wed 16 Dec, 5 days after the target \\(Fri 11 Dec\\)\\.$`,
    ),
  );

  // The owner moving their own work is told nothing; each slip's job runs once.
  await say("U2", `slip C${android} to 2026-12-17`);
  const slipJobs = () =>
    db().outboxMessage.count({
      where: { queue: "commitments.slipped", status: { in: ["pending", "sending"] } },
    });
  await until(async () => (await slipJobs()) === 0);
  await h.bot.coo.deps.outbox.deliver();
  const toOwner = h.fakeSlack
    .callsTo("chat.postMessage")
    .filter((c) => c.args.channel === "DU2" && String(c.args.text).includes("It is under"));
  expect(toOwner).toHaveLength(1);
});

test("the CEO marks a bet achieved or dropped; its work stays on the ledger; anyone else is refused and nothing changes", async () => {
  await seatCeo();
  const g = number("G", await say("U3", "bet open a Lisbon office by 2027-02-26"));
  await say("U3", `workstream lisbon owner ${mentionOf("U1")} for G${g}`);
  const c = number("C", await say("U1", "commit sign the lease by 2027-01-15 #lisbon"));

  expect(await say("U1", `bet achieved G${g}`)).toMatch(/ask <@U3> to record it/);
  expect((await betRow(g)).status).toBe("open");

  expect(await say("U3", `bet drop G${g}`)).toBe(
    `*G${g}* open a Lisbon office is now dropped. 1 open commitment under it stays on the ledger: \`/coo plan G${g}\` lists them, \`/coo done\` or \`/coo drop\` closes each.`,
  );
  expect((await betRow(g)).status).toBe("dropped");
  expect((await db().commitment.findFirstOrThrow({ where: { workspaceId: "T1", number: c } })).status).toBe(
    "open",
  );
  expect(await say("U3", `bet achieved G${g}`)).toBe(
    `*G${g}* open a Lisbon office is dropped already; nothing changed.`,
  );
  expect((await betRow(g)).status).toBe("dropped");
  expect(await say("U3", "bet achieved G999")).toMatch(/There is no bet G999 here/);
});
