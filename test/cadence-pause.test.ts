import { beforeAll, expect, test } from "vitest";
import { startTestCoo } from "./kit/coo.js";
import { replyTo, useBot } from "./kit/harness.js";

// Issue 12: a paused cadence says why, and how it comes back.
const h = useBot();
beforeAll(() => {
  for (const id of ["C20", "C21", "C22", "C23"])
    h.fakeSlack.channel(id, { members: ["U1", "U2", "U3", "U4", "U9"] });
});
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel = "C1") =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));
const idOf = async (channelId: string) =>
  `K${(await db().cadence.findFirstOrThrow({ where: { channelId } })).number}`;

test("a cadence someone paused says who paused it, when, and the command that resumes it", async () => {
  await say("U1", "standup 09:30", "C20");
  const id = await idOf("C20");
  await say("U1", `cadence pause ${id}`, "C20");
  const list = await say("U2", "cadences");
  expect(list).toContain(`*${id}* standup in <#C20>`);
  expect(list).toMatch(/paused by <@U1> on Wed 2 Dec/);
  expect(list).toContain(`\`/coo cadence resume ${id}\``);
  expect(await say("U1", `cadence resume ${id}`)).toMatch(/^Resumed .* · next Thu 3 Dec 09:30/);
  expect(await say("U1", "cadences")).not.toMatch(/paused/);
});

test("single-token mode: an uninstall pauses every cadence with that reason; a restart with a working token resumes them, not the ones people paused", async () => {
  await say("U1", "standup 10:00", "C21");
  await say("U1", "review fri 16:00", "C22");
  const standup = await idOf("C21");
  const review = await idOf("C22");
  await say("U1", `cadence pause ${review}`);
  await h.bot.slack.event({ type: "app_uninstalled" });
  await new Promise((r) => setTimeout(r, 300));

  const list = await say("U1", "cadences");
  const line = list.split("\n").find((l) => l.includes(`*${standup}*`)) ?? "";
  expect(line).toMatch(/paused because coo was uninstalled from this workspace on Wed 2 Dec/);
  expect(line).toMatch(/restarts by itself once coo is installed again/);
  expect(line).toContain(`\`/coo cadence resume ${standup}\``);
  expect(list.split("\n").find((l) => l.includes(`*${review}*`))).toMatch(/paused by <@U1>/);

  // The app is installed again and coo restarts with a token that works (no event says so).
  await h.bot.stop();
  h.clock.set("2026-12-02T16:00:00Z");
  h.bot = await startTestCoo({ database: h.db.config, fakeSlack: h.fakeSlack, coo: { clock: h.clock } });
  const after = await say("U1", "cadences");
  expect(after.split("\n").find((l) => l.includes(`*${standup}*`))).toMatch(/· next Thu 3 Dec 10:00/);
  expect(after.split("\n").find((l) => l.includes(`*${review}*`))).toMatch(/paused by <@U1>/);
  const row = await db().cadence.findFirstOrThrow({ where: { channelId: "C21" } });
  expect(h.bot.coo.cadence.taskFor(row.id)).toBeDefined();
  // Slots missed while it was uninstalled are not run now.
  expect(row.activeFrom.toISOString()).toBe("2026-12-02T16:00:00.000Z");
});

test("single-token mode: a restart with a token of another workspace resumes nothing here", async () => {
  await say("U1", "standup 11:00", "C23");
  const id = await idOf("C23");
  await h.bot.slack.event({ type: "tokens_revoked", tokens: { bot: ["UCOO"] } });
  await new Promise((r) => setTimeout(r, 300));
  await h.bot.stop();
  h.fakeSlack.teamId = "T2";
  try {
    h.bot = await startTestCoo({ database: h.db.config, fakeSlack: h.fakeSlack, coo: { clock: h.clock } });
  } finally {
    h.fakeSlack.teamId = "T1";
  }
  const row = await db().cadence.findFirstOrThrow({ where: { channelId: "C23" } });
  expect(row.paused).toBe(true);
  const line = (await say("U1", "cadences")).split("\n").find((l) => l.includes(`*${id}*`)) ?? "";
  expect(line).toMatch(/paused because coo's Slack token was revoked on Wed 2 Dec/);
});
