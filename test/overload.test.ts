import { beforeAll, expect, test } from "vitest";
import { workingOnIt } from "../src/slack/deadline.js";
import { busyText } from "../src/slack/receiver.js";
import { useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";
import { until } from "./kit/wait.js";

const h = useBot({ env: { COO_SLACK_MAX_IN_FLIGHT: "2" } });

beforeAll(async () => {
  // The workspace is registered by a first request, alone.
  await h.bot.slack.command("help");
});

test("past the in-flight cap a command is answered busy at once and not run, an event gets a 503 for Slack to retry, and health still answers", async () => {
  // Two commands from people coo has not met wait on Slack's users.info: both slots are taken.
  for (const id of ["USLOW1", "USLOW2"]) h.fakeSlack.users.set(id, { id });
  h.fakeSlack.delay("users.info", 4000, (args) => String(args.user).startsWith("USLOW"));
  // Slower than Slack waits: each is acked "working on it" and answers later through response_url.
  const slow = ["USLOW1", "USLOW2"].map(async (user) => {
    const ack = await h.bot.slack.command(`commit slow work for ${user} by Friday`, { user });
    return h.fakeSlack.waitFor("response_url", (c) => c.args.id === ack.responseId, 8000);
  });
  let slowSettled = false;
  const bothSlow = Promise.all(slow).finally(() => {
    slowSettled = true;
  });
  await h.fakeSlack.waitFor("users.info", (c) => c.args.user === "USLOW1");
  await h.fakeSlack.waitFor("users.info", (c) => c.args.user === "USLOW2");

  const busy = await h.bot.slack.command("commit the shed plan by Friday");
  expect(busy.status).toBe(200);
  expect(busy.json).toEqual({ response_type: "ephemeral", text: busyText });

  const event = await h.bot.slack.mention("what is on my plate?");
  expect(event.status).toBe(503);
  const press = await h.bot.slack.press("commitment_done", { t: "mine", p: 0, n: 1 });
  expect(press.status).toBe(503);
  // A modal stays open with what was typed, the sentence under its first input.
  const submitted = await h.bot.slack.interaction({
    type: "view_submission",
    view: {
      id: "VMODAL",
      type: "modal",
      callback_id: "commitment_slip_modal",
      private_metadata: JSON.stringify({ n: 1, t: "mine", p: 0 }),
      blocks: [
        { type: "section", block_id: "about" },
        { type: "input", block_id: "date" },
      ],
      state: { values: { date: { value: { selected_date: "2026-12-10" } } } },
      hash: "h",
    },
    response_url: undefined,
  });
  expect(submitted.json).toEqual({ response_action: "errors", errors: { date: busyText } });
  // Health and readiness are never shed.
  expect((await fetch(`${h.bot.baseUrl}/healthz`)).status).toBe(200);
  // Slack's last retry of an event is let in rather than lost.
  const lastTry = await h.bot.slack.event(
    { type: "app_mention", user: "U1", text: "<@UCOO> hello", ts: "1764100000.000777", channel: "C1" },
    { retryNum: 3 },
  );
  expect(lastTry.status).toBe(200);
  // All of the above was answered while the two slow commands still held their slots.
  expect(slowSettled).toBe(false);

  await bothSlow;
  expect(await h.bot.coo.deps.db.commitment.count({ where: { title: "the shed plan" } })).toBe(0);
  expect(await h.bot.coo.deps.db.commitment.count({ where: { title: { startsWith: "slow work" } } })).toBe(2);
  const metrics = await (await fetch(`${h.bot.baseUrl}/metrics`)).text();
  expect(metrics).toMatch(/^coo_slack_requests_shed_total\{kind="command"\} 1$/m);
  expect(metrics).toMatch(/^coo_slack_requests_shed_total\{kind="event_callback"\} 1$/m);

  // With the load gone (the slots free a moment after the last answer), the same command runs.
  await until(async () => {
    const again = await h.bot.slack.command("commit the shed plan by Friday");
    return textOf(again.json).startsWith("Recorded");
  }, 3000);
  expect(await h.bot.coo.deps.db.commitment.count({ where: { title: "the shed plan" } })).toBe(1);
});

test("a command slower than Slack's 3 s is acknowledged with a note in time, and its answer follows to response_url", async () => {
  h.fakeSlack.users.set("ULATE", { id: "ULATE" });
  h.fakeSlack.delay("users.info", 4000, (args) => args.user === "ULATE");
  const started = Date.now();
  const res = await h.bot.slack.command("commit the late plan by Friday", { user: "ULATE" });
  expect(Date.now() - started).toBeLessThan(3000);
  expect(res.json).toEqual({ response_type: "ephemeral", text: workingOnIt });
  const answer = await h.fakeSlack.waitFor("response_url", (c) => c.args.id === res.responseId, 8000);
  expect(String(answer.args.text)).toMatch(/^Recorded \*C\d+\* the late plan for you/);
  expect(await h.bot.coo.deps.db.commitment.count({ where: { title: "the late plan" } })).toBe(1);
});
