import { beforeAll, expect, test } from "vitest";
import { scheduleCadence } from "./kit/cadence.js";
import { days } from "./kit/coo.js";
import { useBot } from "./kit/harness.js";

// When Slack refuses a cadence's message for good, whoever set the cadence
// up is told what went wrong, in words that fit what went wrong.

const h = useBot();
const db = () => h.bot.coo.deps.db;
// Thursday 3 December 2026, 09:30 UTC, and the days after.
const slot = (n: number) => new Date(Date.parse("2026-12-03T09:30:00Z") + days(n));

beforeAll(() => {
  for (const id of ["CKICKED", "CARCHIVED", "CGONE", "CBIG"]) h.fakeSlack.channel(id, { members: ["U3"] });
});

/** Schedules a standup as U3, lets `change` happen, runs the slot: the DM U3 gets about it. */
async function failureTold(channel: string, n: number, change: () => void): Promise<string> {
  const cadence = await scheduleCadence(h, "standup 09:30 daily tz UTC", channel, "U3");
  h.fakeSlack.reset();
  change();
  h.clock.set(slot(n));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU3");
  return String(dm.args.text);
}

test("coo removed from the channel: told to invite it back, or remove the cadence", async () => {
  const text = await failureTold("CKICKED", 0, () => {
    h.fakeSlack.channel("CKICKED", { members: ["U3"], coo: false });
  });
  expect(text).toMatch(
    /^I could not post today's standup \(\*K\d+\*\) in <#CKICKED>: Slack said `not_in_channel`/,
  );
  expect(text).toContain("I'm no longer a member of <#CKICKED>");
  expect(text).toContain("`/invite @coo`");
  expect(text).toMatch(/`\/coo cadence remove K\d+`/);
});

test("an archived channel: told it is archived, not asked to invite coo", async () => {
  const text = await failureTold("CARCHIVED", 1, () => {
    h.fakeSlack.channel("CARCHIVED", { members: ["U3"], archived: true });
  });
  expect(text).toContain("Slack said `is_archived`");
  expect(text).toContain("<#CARCHIVED> is archived");
  expect(text).not.toContain("/invite");
});

test("a channel deleted (or made private without coo): told coo can no longer find it", async () => {
  const text = await failureTold("CGONE", 2, () => {
    h.fakeSlack.channel("CGONE", { members: ["U3"], private: true, coo: false });
  });
  expect(text).toContain("Slack said `channel_not_found`");
  expect(text).toContain("I can't find <#CGONE>");
});

test("a message Slack refuses for its size: told it is coo's fault, not the channel's", async () => {
  const text = await failureTold("CBIG", 3, () => {
    h.fakeSlack.failNext("chat.postMessage", { ok: false, error: "invalid_blocks" });
  });
  expect(text).toContain("Slack said `invalid_blocks`");
  expect(text).toContain("a fault in coo, not in the channel");
  expect(text).not.toContain("/invite");
  expect(await db().outboxMessage.count({ where: { channel: "CBIG", status: "failed" } })).toBe(1);
});
