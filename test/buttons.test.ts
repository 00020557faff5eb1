import { expect, test } from "vitest";
import { mentionOf, replyTo, useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();
const db = () => h.bot.coo.deps.db;
const say = async (user: string, text: string) => replyTo(h, await h.bot.slack.command(text, { user }));
const commit = async (user: string, text: string) =>
  Number(/C(\d+)/.exec(await say(user, `commit ${text}`))?.[1]);
const commitment = (number: number) =>
  db().commitment.findUniqueOrThrow({
    where: { workspaceId_number: { workspaceId: "T1", number } },
    include: { history: true },
  });

type Message = { replace_original?: boolean; text: string };

test("Done on a list marks the commitment done and redraws the list in place without it", async () => {
  const n = await commit("U1", "write release notes by Friday");
  const keep = await commit("U1", "update the roadmap by 2026-12-11");
  const res = await h.bot.slack.press("commitment_done", { t: "mine", p: 0, n }, { user: "U1" });
  expect(res.status).toBe(200);
  const redraw = await h.fakeSlack.waitFor("response_url");
  const message = redraw.args as unknown as Message;
  expect(message.replace_original).toBe(true);
  expect(textOf(message)).not.toContain(`*C${n}*`);
  expect(textOf(message)).toContain(`*C${keep}*`);
  expect((await commitment(n)).status).toBe("done");
});

test("Done pressed by someone who may not change it is refused privately and changes nothing", async () => {
  const n = await commit("U1", "prepare the board pack by Friday");
  await h.bot.slack.press("commitment_done", { t: "u:U1", p: 0, n }, { user: "U3" });
  const refusal = await h.fakeSlack.waitFor("response_url");
  expect(refusal.args.replace_original).toBe(false);
  expect(String(refusal.args.text)).toMatch(/Only <@U1> \(the owner\)/);
  expect((await commitment(n)).status).toBe("open");
});

test("a forged or stale button value is refused, never trusted", async () => {
  const n = await commit("U1", "audit access by Friday");
  for (const rawValue of [
    "not json",
    JSON.stringify({ t: "'; DROP TABLE", p: 0, n }),
    JSON.stringify({ t: "mine", p: -1, n }),
  ]) {
    h.fakeSlack.reset();
    await h.bot.slack.press("commitment_done", undefined, { user: "U1", rawValue });
    expect(String((await h.fakeSlack.waitFor("response_url")).args.text)).toMatch(/out of date/);
  }
  expect((await commitment(n)).status).toBe("open");
});

test("Slip… opens a modal; a past date is refused in the modal and nothing is written", async () => {
  const n = await commit("U1", "finish the migration by Friday");
  await h.bot.slack.press("commitment_slip", { t: "mine", p: 0, n }, { user: "U1" });
  const open = await h.fakeSlack.waitFor("views.open");
  const view = open.args.view as {
    callback_id: string;
    private_metadata: string;
    blocks: Array<{ block_id?: string; element?: { initial_date?: string } }>;
  };
  expect(view.callback_id).toBe("commitment_slip_modal");
  expect(view.blocks.find((b) => b.block_id === "date")?.element?.initial_date).toBe("2026-12-05");
  const res = await h.bot.slack.submitView(view.callback_id, view.private_metadata, {
    date: { type: "datepicker", selected_date: "2026-11-30" },
    time: { type: "timepicker", selected_time: "17:00" },
    reason: { type: "plain_text_input", value: "" },
  });
  expect(res.json).toEqual({
    response_action: "errors",
    errors: { date: "That is in the past. Pick a date ahead." },
  });
  expect((await commitment(n)).history).toHaveLength(1);
});

test("Slip… submitted with a future date and a reason re-dates it, keeps the history and redraws the list", async () => {
  const n = await commit("U1", `ship the API by Friday for ${mentionOf("U2")}`);
  await h.bot.slack.press("commitment_slip", { t: "all", p: 0, n }, { user: "U2" });
  const view = (await h.fakeSlack.waitFor("views.open")).args.view as {
    callback_id: string;
    private_metadata: string;
  };
  const res = await h.bot.slack.submitView(
    view.callback_id,
    view.private_metadata,
    {
      date: { type: "datepicker", selected_date: "2026-12-09" },
      time: { type: "timepicker", selected_time: "12:00" },
      reason: { type: "plain_text_input", value: "waiting on the auth review" },
    },
    "U2",
  );
  expect(res.status).toBe(200);
  expect(res.text).toBe("");
  const row = await commitment(n);
  // 12:00 in Berlin (the owner's zone) is 11:00 UTC in December.
  expect(row.dueAt.toISOString()).toBe("2026-12-09T11:00:00.000Z");
  expect(row.history.at(-1)).toMatchObject({
    kind: "redated",
    actorId: "U2",
    reason: "waiting on the auth review",
  });
  const redraw = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === true);
  expect(String(redraw.args.text)).toMatch(/open commitment/);
  // And the new date is said in words, in the owner's zone.
  const confirmed = await h.fakeSlack.waitFor("response_url", (c) => c.args.replace_original === false);
  expect(confirmed.args.text).toBe(`*C${n}* now due Wed 9 Dec 12:00 (Europe/Berlin).`);
});

test("Resolve on the blocker queue resolves it and redraws the queue", async () => {
  const b = Number(/B(\d+)/.exec(await say("U1", "blocker no staging env"))?.[1]);
  await h.bot.slack.press("blocker_resolve", { all: false, p: 0, n: b }, { user: "U1" });
  const redraw = await h.fakeSlack.waitFor("response_url");
  expect(redraw.args.replace_original).toBe(true);
  expect(textOf(redraw.args as unknown as Message)).not.toContain(`*B${b}*`);
  expect((await db().blocker.findFirstOrThrow({ where: { workspaceId: "T1", number: b } })).status).toBe(
    "resolved",
  );
});

test("Next on a long blocker queue shows the next page", async () => {
  await db().blocker.updateMany({
    where: { workspaceId: "T1" },
    data: { status: "resolved", resolvedAt: new Date(0) },
  });
  for (let i = 0; i < 17; i++) await say("U3", `blocker issue number ${i}`);
  const first = (await h.bot.slack.command("blockers", { user: "U3" })).json as Message;
  expect(textOf(first)).toContain("Showing 1–15 of 17");
  await h.bot.slack.press("blockers_page:next", { all: false, p: 15 }, { user: "U3" });
  const second = (await h.fakeSlack.waitFor("response_url")).args as unknown as Message;
  expect(textOf(second)).toContain("Showing 16–17 of 17");
  expect(textOf(second)).toContain("issue number 16");
  expect(textOf(second)).not.toContain("issue number 0\n");
});
