import { beforeAll, expect, test } from "vitest";
import { scheduleCadence } from "./kit/cadence.js";
import { days, hours } from "./kit/coo.js";
import { replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string) =>
  replyTo(h, await h.bot.slack.command(text, { user, channel: "C40" }));
const id = (text: string) => Number(/[CB](\d+)/.exec(text)?.[1]);

beforeAll(async () => {
  h.fakeSlack.channel("C40", { members: ["U1", "U2"] });
  h.fakeSlack.channel("C41", { members: ["U1", "U2"] });
});

test("the weekly review posts planned vs done vs slipped per owner and workstream, blockers by age, and the top three risks", async () => {
  // Monday 30 Nov: the week's plan.
  h.clock.set(new Date("2026-11-30T14:00:00Z"));
  await say("U1", "workstream web");
  const onTime = id(await say("U1", "commit landing page by Tuesday #web"));
  const slipped = id(await say("U1", "commit pricing table by Wednesday #web"));
  const overdue = id(await say("U2", "commit export to csv by Thursday"));
  await say("U2", "blocker no test data waiting on the data team");
  h.clock.advance(days(1));
  await say("U1", `done C${onTime}`);
  await say("U1", `slip C${slipped} to 2026-12-10 because design changed`);
  const cadence = await scheduleCadence(h, "review fri 16:00 tz UTC", "C40");
  h.fakeSlack.reset();
  h.clock.set(new Date("2026-12-04T16:00:00Z"));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const post = h.fakeSlack.callsTo("chat.postMessage").find((c) => c.args.channel === "C40");
  const text = textOf(post?.args);
  expect(text).toContain("*Weekly review*");
  expect(text).toContain("*Overall*: planned 3 · done 1 · slipped 1 · on time 33%");
  expect(text).toContain("• <@U1>: planned 2 · done 1 · slipped 1 · on time 50%");
  expect(text).toContain("• <@U2>: planned 1 · done 0 · slipped 0 · on time 0%");
  expect(text).toContain("• #web: planned 2 · done 1 · slipped 1 · on time 50%");
  expect(text).toMatch(
    /\*Open blockers by age\*: under 1 day: 0 · 1–3 days: 0 · 3–7 days: 1 · over 7 days: 0/,
  );
  expect(text).toContain("*Handoffs open*: 0");
  expect(text).toMatch(
    new RegExp(
      `\\*Top risks\\*\\n1\\. \\*B\\d+\\* no test data has blocked <@U2> for 4 days\\n2\\. \\*C${overdue}\\* export to csv \\(<@U2>\\) is overdue`,
    ),
  );
  expect((await db().cadenceRun.findFirstOrThrow({ where: { cadenceId: cadence.id } })).status).toBe(
    "closed",
  );
});

test("planning asks each owner by DM to confirm or re-date next week's commitments; Confirm is recorded", async () => {
  h.clock.set(new Date("2026-12-06T12:00:00Z"));
  const next = id(await say("U2", "commit quarterly report by 2026-12-09"));
  const far = id(await say("U2", "commit annual plan by 2026-12-30"));
  const cadence = await scheduleCadence(h, "planning mon 09:00 tz UTC", "C41");
  h.fakeSlack.reset();
  h.clock.set(new Date("2026-12-07T09:00:00Z"));
  await h.bot.coo.cadence.taskFor(cadence.id)?.execute();
  const dm = await h.fakeSlack.waitFor("chat.postMessage", (c) => c.args.channel === "DU2");
  const blocks = dm.args.blocks as Array<{
    type: string;
    elements?: Array<{ action_id: string; value: string }>;
  }>;
  expect(textOf(dm.args)).toContain(`*C${next}* quarterly report`);
  expect(textOf(dm.args)).not.toContain(`*C${far}*`);
  const buttons = blocks.flatMap((b) => b.elements ?? []);
  expect(buttons.map((b) => b.action_id)).toEqual(
    expect.arrayContaining(["commitment_confirm", "commitment_slip"]),
  );
  expect(h.fakeSlack.callsTo("chat.postMessage").find((c) => c.args.channel === "C41")?.args.text).toMatch(
    /asked \d+ owners by DM to confirm or re-date \d+ commitments due in the next 7 days\.$/,
  );
  expect(dm.args.text).toBe("Planning: 1 commitment due next week");

  const confirm = buttons.find((b) => b.action_id === "commitment_confirm" && JSON.parse(b.value).n === next);
  await h.bot.slack.press("commitment_confirm", JSON.parse(confirm?.value ?? "{}"), { user: "U2" });
  await h.fakeSlack.waitFor("response_url", (c) => String(c.args.text).startsWith(`Confirmed *C${next}*`));
  const history = await db().commitmentChange.findMany({
    where: { commitment: { workspaceId: "T1", number: next } },
  });
  expect(history.map((c) => c.kind)).toEqual(["created", "confirmed"]);
  h.clock.advance(hours(1));
});
