import { expect, test } from "vitest";
import { planButtons, planForms } from "../src/bets/plan-messages.js";
import { blockerButtons } from "../src/blockers/messages.js";
import { commitmentButtons, commitmentForms } from "../src/commitments/messages.js";
import { githubButtons } from "../src/github/messages.js";
import { handoffButtons } from "../src/handoffs/messages.js";
import { linearButtons } from "../src/linear/messages.js";
import { pager } from "../src/slack/blocks.js";
import { nudgeButtons, nudgeForms } from "../src/slips/messages.js";

// Buttons and modals already posted in Slack come back with these ids and
// values: a spec may change how they are built, never what they carry.
const wire = (e: { action_id: string; value: string }) => [e.action_id, e.value];

test("each button keeps the action id and value it carries on the wire", () => {
  const item = { t: "mine", p: 0, n: 4 };
  expect(wire(commitmentButtons.done.element("Done", item, { style: "primary" }))).toEqual([
    "commitment_done",
    '{"t":"mine","p":0,"n":4}',
  ]);
  expect(wire(commitmentButtons.slip.element("Slip…", item))[0]).toBe("commitment_slip");
  expect(wire(commitmentButtons.confirm.element("Confirm", item))[0]).toBe("commitment_confirm");
  expect(wire(blockerButtons.resolve.element("Resolve", { all: false, p: 0, n: 2 }))).toEqual([
    "blocker_resolve",
    '{"all":false,"p":0,"n":2}',
  ]);
  expect(wire(nudgeButtons.help.element("Need help", { n: 4 }))).toEqual(["nudge_help", '{"n":4}']);
  expect(wire(nudgeButtons.snooze.element("Snooze 1 day", { n: 4, d: 1 }))).toEqual([
    "nudge_snooze",
    '{"n":4,"d":1}',
  ]);
  const draft = { w: "the keys", f: "U2", s: "2026-12-01T09:00:00.000Z", r: "U1" };
  expect(wire(handoffButtons.offer.element("Record it", { ...draft, mode: "record" }))[0]).toBe(
    "handoff_choice",
  );
  expect(
    wire(handoffButtons.offer.element("Not now", { ...draft, mode: "dismiss" }, { variant: "dismiss" }))[0],
  ).toBe("handoff_choice:dismiss");
  expect(wire(planButtons.confirm.element("Confirm", { d: 7 }))).toEqual(["plan_confirm", '{"d":7}']);
  expect(wire(githubButtons.blockOnReview.element("Record a blocker", { n: 4 }))).toEqual([
    "github_review_blocker",
    '{"n":4}',
  ]);
  expect(wire(linearButtons.useDue.element("Use Wed 9 Dec", { n: 4, d: "2026-12-09" }))).toEqual([
    "linear_due",
    '{"n":4,"d":"2026-12-09"}',
  ]);
  expect(wire(planButtons.cancel.element("Cancel", { d: 7 }))).toEqual(["plan_cancel", '{"d":7}']);
  expect(wire(planButtons.draft.element("Draft a plan", { b: 3 }, { variant: "1" }))).toEqual([
    "bet_plan_draft:1",
    '{"b":3}',
  ]);
  expect(wire(planButtons.form.element("Fill in the plan…", { b: 3 }))).toEqual(["bet_plan_form", '{"b":3}']);
});

test("a value that does not fit the handler's schema does not compile", () => {
  // @ts-expect-error a snooze says for how many days
  nudgeButtons.snooze.element("Snooze", { n: 4 });
  // @ts-expect-error a blocker's Resolve carries its queue, not a commitment list
  blockerButtons.resolve.element("Resolve", { t: "mine", p: 0, n: 2 });
  // @ts-expect-error the page buttons have no other variant
  commitmentButtons.page.element("Last", { t: "all", p: 30 }, { variant: "last" });
  // @ts-expect-error a plan's Confirm carries the draft's id and nothing else
  planButtons.confirm.element("Confirm", { d: 7, items: [] });
  // @ts-expect-error Done has no variants
  commitmentButtons.done.element("Done", { t: "mine", p: 0, n: 4 }, { variant: "prev" });
});

test("the pager's Previous and Next carry the list and the offset they go to", () => {
  const blocks = pager({ offset: 10, limit: 10, total: 37 }, commitmentButtons.page, { t: "all" });
  const buttons = (blocks[1] as { elements: Array<{ action_id: string; value: string }> }).elements;
  expect(buttons.map(wire)).toEqual([
    ["commitments_page:prev", '{"t":"all","p":0}'],
    ["commitments_page:next", '{"t":"all","p":20}'],
  ]);
  const queue = pager({ offset: 0, limit: 15, total: 16 }, blockerButtons.page, { all: true });
  expect((queue[1] as { elements: Array<{ action_id: string; value: string }> }).elements.map(wire)).toEqual([
    ["blockers_page:next", '{"all":true,"p":15}'],
  ]);
});

test("each modal keeps its callback id and the metadata it carries", () => {
  expect(commitmentForms.slip.view({ t: "mine", p: 0, n: 4, c: "D1", ts: "1.2" })).toEqual({
    type: "modal",
    callback_id: "commitment_slip_modal",
    private_metadata: '{"t":"mine","p":0,"n":4,"c":"D1","ts":"1.2"}',
  });
  expect(planForms.plan.view({ b: 3, r: "https://hooks.slack.com/actions/T1/1/x" })).toEqual({
    type: "modal",
    callback_id: "bet_plan_modal",
    private_metadata: '{"b":3,"r":"https://hooks.slack.com/actions/T1/1/x"}',
  });
  expect(nudgeForms.help.view({ n: 4 })).toEqual({
    type: "modal",
    callback_id: "nudge_help_modal",
    private_metadata: '{"n":4}',
  });
});
