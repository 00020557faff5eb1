import { expect, test } from "vitest";
import { grammar } from "../src/slack/grammar.js";
import { parseWhen } from "../src/time/when.js";

const readsAsDate = (text: string) =>
  parseWhen(text, { now: new Date("2026-12-02T15:00:00Z"), timeZone: "UTC" }) !== undefined;

const commit = grammar({
  name: "commit",
  pattern: "<what:text> by <when:date> {for <owner:user>} {<stream:workstream>} {after <after:commitment>}",
  summary: "record who will deliver what, by when",
  example: "/coo commit ship the pricing page by Friday for @dana",
  asks: { what: "Say what, and by when:", by: "When is it due? Add `by <when>`." },
});

const slip = grammar({
  name: "slip",
  pattern: "<id:commitment> [to] <when:date> [because <reason:text>]",
  summary: "move a commitment",
  example: "/coo slip C12 to Friday because the vendor is late",
});

test("the usage line is the pattern without its types", () => {
  expect(commit.usage).toBe("commit <what> by <when> [for @owner] [#stream] [after <after>]");
  expect(slip.usage).toBe("slip <id> [to] <when> [because ...]");
  expect(
    grammar({ name: "cadence", pattern: "<verb:pause|resume|remove> <id:cadence>", summary: "", example: "" })
      .usage,
  ).toBe("cadence pause|resume|remove <id>");
});

test("a date starts at the last 'by' that reads as one; options stand anywhere", () => {
  expect(commit.read("write the guide by hand by Friday", readsAsDate)).toEqual({
    what: "write the guide by hand",
    when: "Friday",
  });
  expect(commit.read("send invoices for <@U2|bob> by monday 9am #finance after C7", readsAsDate)).toEqual({
    what: "send invoices",
    when: "monday 9am",
    owner: "U2",
    stream: "finance",
    after: 7,
  });
});

test("optional words and trailing text: 'to' may be left out, 'because' ends the date", () => {
  expect(slip.read("C12 to next friday because the vendor is late", readsAsDate)).toEqual({
    id: 12,
    when: "next friday",
    reason: "the vendor is late",
  });
  expect(slip.read("12 Friday", readsAsDate)).toEqual({ id: 12, when: "Friday" });
});

test("every refusal says what is wrong, then gives a whole command that works", () => {
  expect(() => commit.read("", readsAsDate)).toThrow(
    "Say what, and by when: `/coo commit ship the pricing page by Friday for @dana`",
  );
  expect(() => commit.read("ship it", readsAsDate)).toThrow(
    "When is it due? Add `by <when>`. `/coo commit <what> by <when> [for @owner] [#stream] [after <after>]`, e.g. `/coo commit ship the pricing page by Friday for @dana`.",
  );
  expect(() => commit.read("ship it by someday", readsAsDate)).toThrow(/I can't read "someday" as a date/);
  expect(() => slip.read("banana to Friday", readsAsDate)).toThrow(
    /"banana" is not a commitment id\. Ids look like `C12`; `\/coo commitments` shows them\. `\/coo slip <id> \[to\] <when> \[because \.\.\.\]`, e.g\. `\/coo slip C12/,
  );
  expect(() => slip.read("", readsAsDate)).toThrow(/Which commitment\? `\/coo slip <id>/);
});

test("alternatives are tried in order; a choice captures its word", () => {
  const handoff = grammar({
    name: "handoff",
    pattern:
      "done <id:handoff> || share <id:handoff> || <what:text> from <from:user> to <to:user> [since <since:text>]",
    summary: "",
    example: "/coo handoff the API keys from @dana to @lee",
  });
  expect(handoff.usage).toBe("handoff done <id> | share <id> | <what> from @from to @to [since <since>]");
  expect(handoff.read("done H3", readsAsDate)).toEqual({ id: 3 });
  expect(handoff.read("the keys from <@U1> to <@U2> since Monday", readsAsDate)).toEqual({
    what: "the keys",
    from: "U1",
    to: "U2",
    since: "Monday",
  });
  const cadence = grammar({
    name: "cadence",
    pattern: "<verb:pause|resume|remove> <id:cadence>",
    summary: "",
    example: "/coo cadence pause K1",
  });
  expect(cadence.read("Pause K2", readsAsDate)).toEqual({ verb: "pause", id: 2 });
  expect(() => cadence.read("stop K2", readsAsDate)).toThrow(
    /"stop" is not one of `pause`, `resume`, `remove`/,
  );
});

test("a long text with many 'by's is read without trying every split (dates are checked lazily)", () => {
  let checks = 0;
  const counting = (text: string) => {
    checks++;
    return readsAsDate(text);
  };
  const title = Array.from({ length: 150 }, (_, i) => `step ${i} by hand`).join(" and ");
  expect(commit.read(`${title} by Friday`, counting)).toMatchObject({ when: "Friday" });
  expect(checks).toBeLessThan(5);
});

test("a trailing option is taken when the text has it, though free text could have swallowed it", () => {
  const drop = grammar({
    name: "drop",
    pattern: "<what:text> [because <why:text>]",
    summary: "",
    example: "",
  });
  expect(drop.read("the offsite because the budget moved", readsAsDate)).toEqual({
    what: "the offsite",
    why: "the budget moved",
  });
  expect(drop.read("the offsite", readsAsDate)).toEqual({ what: "the offsite" });
});

test("a form with no free text is tried before one that takes any text; the usage keeps the declared order", () => {
  const bet = grammar({
    name: "bet",
    pattern: "<what:text> [by <when:date>] || <verb:achieved|drop> <id:bet>",
    summary: "",
    example: "/coo bet launch in Europe by 2027-03-31",
  });
  expect(bet.usage).toBe("bet <what> [by <when>] | achieved|drop <id>");
  expect(bet.read("drop G3", readsAsDate)).toEqual({ verb: "drop", id: 3 });
  expect(bet.read("drop the legacy plan by Friday", readsAsDate)).toEqual({
    what: "drop the legacy plan",
    when: "Friday",
  });
});
