import { readFile } from "node:fs/promises";
import { beforeAll, expect, test } from "vitest";
import { botScopes } from "../src/slack/installations.js";
import { replyTo, useBot } from "./kit/harness.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string, channel: string) =>
  replyTo(h, await h.bot.slack.command(text, { user, channel }));

beforeAll(() => {
  h.fakeSlack.channel("CPUBLIC", { name: "launch", members: ["U1", "U2"], coo: false });
  h.fakeSlack.channel("CPUBLIC2", { name: "ops", members: ["U1", "U2"], coo: false });
  h.fakeSlack.channel("GPRIVATE", { name: "leads", private: true, members: ["U1", "U2"], coo: false });
  h.fakeSlack.channel("CMEMBER", { name: "team", members: ["U1", "U2"] });
  h.fakeSlack.channel("COLD", { name: "old", members: ["U1"], archived: true });
});

test("/coo standup in a public channel coo is not in: coo joins it, says so, and the first standup posts", async () => {
  const reply = await say("U1", "standup 09:30 weekdays tz America/New_York", "CPUBLIC");
  expect(reply).toMatch(/^Scheduled \*K\d+\* standup in <#CPUBLIC>/);
  expect(reply).toContain("I joined <#CPUBLIC> to post it");
  expect(h.fakeSlack.callsTo("conversations.join").map((c) => c.args.channel)).toEqual(["CPUBLIC"]);
  expect(h.fakeSlack.channels.get("CPUBLIC")?.members.has("UCOO")).toBe(true);

  const cadence = await db().cadence.findFirstOrThrow({ where: { channelId: "CPUBLIC" } });
  h.clock.set(new Date("2026-12-03T14:30:00Z"));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const run = await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } });
  expect(run.rootTs).not.toBeNull();
  const out = await db().outboxMessage.findMany({ where: { channel: "CPUBLIC" } });
  expect(out.map((m) => m.status)).toEqual(["sent"]);
});

test("/coo standup in a private channel coo is not in: refused with how to invite it, and nothing is written", async () => {
  const before = await db().cadence.count();
  const reply = await say("U1", "standup 09:30 weekdays", "GPRIVATE");
  expect(reply).toContain("I'm not in this channel, and it is private, so I can't join it myself.");
  expect(reply).toContain("`/invite @coo`");
  expect(reply).toContain("`/coo standup 09:30 weekdays`");
  expect(reply).not.toContain("Scheduled");
  expect(await db().cadence.count()).toBe(before);
  for (const kind of ["review fri 16:00", "planning mon 09:00"]) {
    const refused = await say("U1", kind, "GPRIVATE");
    expect(refused).toContain("`/invite @coo`");
  }
  expect(await db().cadence.count()).toBe(before);
});

test("/coo review and /coo planning join a public channel too; in a channel coo is in, nothing is joined", async () => {
  expect(await say("U2", "review fri 16:00", "CPUBLIC2")).toContain("I joined <#CPUBLIC2> to post it");
  expect(await say("U2", "planning mon 09:00", "CPUBLIC2")).not.toContain("I joined");
  expect(await say("U2", "standup 10:00", "CMEMBER")).toMatch(/^Scheduled/);
  expect(h.fakeSlack.callsTo("conversations.join").map((c) => c.args.channel)).toEqual(["CPUBLIC2"]);
});

test("an archived channel is refused, and nothing is written", async () => {
  const before = await db().cadence.count();
  expect(await say("U1", "standup 09:30", "COLD")).toContain("archived");
  expect(await db().cadence.count()).toBe(before);
});

test("joining public channels is a permission coo asks for at install", async () => {
  const manifest = JSON.parse(await readFile(new URL("../manifest.json", import.meta.url), "utf8")) as {
    oauth_config: { scopes: { bot: string[] } };
  };
  expect(manifest.oauth_config.scopes.bot).toContain("channels:join");
  expect(botScopes).toContain("channels:join");
});
