import { describe, expect, test } from "vitest";
import type { LogLine } from "./kit/coo.js";
import { type Harness, mentionOf, replyTo, useBot } from "./kit/harness.js";

// Words no log line has any other reason to contain.
const dmWords = "quokka-marmalade-4417";
const commitWords = "zebra-quartz-7731";

/**
 * At debug level: a DM about a stuck handoff (read by Claude, answered with
 * what coo understood) and a `/coo commit`
 * for someone else (acked, then a DM to the owner through the outbox).
 */
async function talk(h: Harness): Promise<string> {
  h.fakeAnthropic?.answer({
    json: {
      is_handoff: true,
      what: `the ${dmWords} keys`,
      from_user_id: "U3",
      from_other: null,
      to_user_id: "U1",
      to_other: null,
    },
  });
  const at = `${1799000000 + Math.floor(Math.random() * 1000)}.000100`;
  await h.bot.slack.event({
    type: "message",
    channel: "DU1",
    channel_type: "im",
    user: "U1",
    text: `waiting on ${mentionOf("U3")} for the ${dmWords} keys since Monday`,
    ts: at,
  });
  // coo's answer repeats what it understood: the DM's words go out again.
  await h.fakeSlack.waitFor("chat.postMessage", (c) => String(c.args.text).includes(dmWords));
  const reply = await replyTo(
    h,
    await h.bot.slack.command(`commit ship the ${commitWords} rollout by Friday for ${mentionOf("U2")}`, {
      user: "U1",
    }),
  );
  await h.fakeSlack.waitFor("chat.postMessage", (c) => String(c.args.text).includes(commitWords));
  return reply;
}

const rendered = (logs: LogLine[]) => logs.map((line) => JSON.stringify(line));

describe("at debug level, by default", () => {
  const h = useBot({ anthropic: true });

  test("no log line carries what people typed or what coo sent, but calls are still traced", async () => {
    const reply = await talk(h);
    expect(reply).toContain(commitWords);
    const lines = rendered(h.bot.logs);
    expect(lines.filter((l) => l.includes(dmWords))).toEqual([]);
    expect(lines.filter((l) => l.includes(commitWords))).toEqual([]);
    // What debugging needs is still there: the method called and Slack's ids.
    expect(lines.some((l) => l.includes("chat.postMessage"))).toBe(true);
    expect(
      lines.some((l) => l.includes("http request result") && l.includes('\\"channel\\":\\"DU2\\"')),
    ).toBe(true);
  });
});

describe("with COO_LOG_MESSAGE_TEXT=true", () => {
  const h = useBot({ anthropic: true, env: { COO_LOG_MESSAGE_TEXT: "true" } });

  test("debug lines show the texts, still without any token", async () => {
    await talk(h);
    const lines = rendered(h.bot.logs);
    expect(lines.some((l) => l.includes(dmWords))).toBe(true);
    expect(lines.some((l) => l.includes(commitWords))).toBe(true);
    // What Claude was asked, and what it answered.
    const llm = h.bot.logs.find((l) => l.msg === "llm answered");
    expect(String(llm?.input)).toContain(dmWords);
    expect(llm?.answer).toBeDefined();
    expect(lines.filter((l) => /xox[bp]-|sk-ant-/.test(l))).toEqual([]);
  });
});
