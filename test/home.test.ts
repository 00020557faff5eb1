import { expect, test } from "vitest";
import { days } from "./kit/coo.js";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));

type View = {
  type: string;
  blocks: Array<{ text?: { text: string }; elements?: Array<{ action_id?: string }> }>;
};

test("opening the Home tab publishes the person's commitments (overdue first), their blockers and their cadence", async () => {
  const later = Number(/C(\d+)/.exec(await say("U2", "commit plan Q1 by 2026-12-18"))?.[1]);
  const overdue = Number(/C(\d+)/.exec(await say("U2", "commit send the report by Thursday"))?.[1]);
  await say("U2", "blocker cannot reach the vendor");
  await say("U1", `blocker need a code review waiting on ${mentionOf("U2")}`);
  // Let the refreshes those changes set off land before looking at a fresh one.
  await h.fakeSlack.waitFor(
    "views.publish",
    (c) => c.args.user_id === "U2" && textOf(c.args.view).includes("need a code review"),
  );
  await new Promise((r) => setTimeout(r, 200));
  h.clock.advance(days(2));
  h.fakeSlack.reset();
  await h.bot.slack.event({
    type: "app_home_opened",
    user: "U2",
    channel: "DU2",
    tab: "home",
    event_ts: "1.2",
  });
  const call = await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U2");
  const view = call.args.view as View;
  expect(view.type).toBe("home");
  const text = textOf(view);
  expect(text.indexOf(`*C${overdue}*`)).toBeLessThan(text.indexOf(`*C${later}*`));
  expect(text).toMatch(new RegExp(`\\*C${overdue}\\*[^\\n]*\\n[^\\n]*overdue`));
  expect(text).toContain("*Blockers you raised* (1)");
  expect(text).toContain("cannot reach the vendor");
  expect(text).toContain("*Waiting on you* (1)");
  expect(text).toContain("need a code review");
  expect(text).toContain("*Your next cadence*");
  // No public address and sign-in set up here: no link to a dashboard.
  expect(text).not.toContain("dashboard");
});

test("a change that touches someone refreshes their Home: the creator's and the new owner's", async () => {
  await say("U1", `commit draft the RFC by Friday for ${mentionOf("U3")}`);
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U3");
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U1");
  const view = h.fakeSlack.callsTo("views.publish").find((c) => c.args.user_id === "U3")?.args.view as View;
  expect(textOf(view)).toContain("draft the RFC");
});

test("Done pressed in the Home tab completes the commitment and republishes the Home", async () => {
  const n = Number(/C(\d+)/.exec(await say("U3", "commit tidy the wiki by Friday"))?.[1]);
  const shows = (c: { args: Record<string, unknown> }) =>
    textOf(c.args.view as View).includes("tidy the wiki");
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U3" && shows(c));
  h.fakeSlack.reset();
  await h.bot.slack.press("commitment_done", { t: "mine", p: 0, n }, { user: "U3", home: true });
  await h.fakeSlack.waitFor("views.publish", (c) => c.args.user_id === "U3" && !shows(c));
  expect(h.fakeSlack.callsTo("response_url")).toEqual([]);
});
