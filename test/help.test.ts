import { expect, test } from "vitest";
import { useBot } from "./kit/harness.js";
import { textOf } from "./kit/messages.js";

const h = useBot();

type Reply = { text: string; response_type: string };
const allText = textOf;

test("/coo help answers privately with what coo does, what it leaves to the CEO, CFO and CTO, and the commands", async () => {
  const res = await h.bot.slack.command("help");
  expect(res.status).toBe(200);
  const reply = res.json as Reply;
  expect(reply.response_type).toBe("ephemeral");
  const text = allText(reply);
  expect(text).toContain("What I do");
  expect(text).toContain("Run the rhythm of the week");
  expect(text).toContain("What I don't do: ask the CEO, CFO or CTO");
  expect(text).toMatch(/mission.*CEO/);
  expect(text).toMatch(/Budgets.*CFO/);
  expect(text).toMatch(/Architecture.*CTO/);
  expect(text).toContain("`/coo help`");
});

test("/coo with no text shows the help", async () => {
  const reply = (await h.bot.slack.command("")).json as Reply;
  expect(allText(reply)).toContain("What I do");
});

test("an unknown subcommand gets one or two lines, not the whole help: the closest command, then /coo help", async () => {
  const none = (await h.bot.slack.command("frobnicate the roadmap")).json as Reply & { blocks?: unknown[] };
  expect(none.response_type).toBe("ephemeral");
  expect(allText(none)).toBe("I don't know `/coo frobnicate`. `/coo help` lists every command.");
  const typo = (await h.bot.slack.command("comit ship the deck by Friday")).json as Reply;
  expect(allText(typo)).toBe(
    "I don't know `/coo comit`. Did you mean `/coo commit <what> by <when> [for @owner] [#workstream] [after C12]`? `/coo help` lists every command.",
  );
  const closest = async (typed: string) =>
    /Did you mean `\/coo (\w+)/.exec(allText((await h.bot.slack.command(typed)).json as Reply))?.[1];
  expect(await closest("blokers")).toBe("blockers");
  expect(await closest("Standups")).toBe("standup");
  expect(await closest("cadance pause K1")).toBe("cadence");
  expect(await closest("commitmnets")).toBe("commitments");
  expect(await closest("handof")).toBe("handoff");
  expect(await closest("seet cfo")).toBe("seat");
  expect(await closest("hlep")).toBe("help");
  expect(await closest("xyz")).toBeUndefined();
});

test("text over 2,000 characters is refused with what to type instead", async () => {
  const res = await h.bot.slack.command(`help ${"x".repeat(2001)}`);
  expect(res.status).toBe(200);
  const posted = await h.fakeSlack.waitFor("response_url");
  expect(posted.args.response_type).toBe("ephemeral");
  expect(String(posted.args.text)).toMatch(/at most 2000/);
  expect(String(posted.args.text)).toContain("/coo help");
});

test("an @mention gets a short reply in its thread", async () => {
  const res = await h.bot.slack.mention("what do you do?", { ts: "1764100000.000100" });
  expect(res.status).toBe(200);
  const call = await h.fakeSlack.waitFor("chat.postMessage");
  expect(call.args.channel).toBe("C1");
  expect(call.args.thread_ts).toBe("1764100000.000100");
  expect(String(call.args.text)).toContain("/coo help");
  expect(call.token).toBe("xoxb-test-0000-secret-token");
});

test("an @mention inside a thread replies in that same thread", async () => {
  await h.bot.slack.mention("hello", { ts: "1764100001.000200", threadTs: "1764100000.000100" });
  const call = await h.fakeSlack.waitFor("chat.postMessage");
  expect(call.args.thread_ts).toBe("1764100000.000100");
});
