import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";
import { loadConfig } from "../src/config.js";
import { cacheMinimum, createLlm, type Llm } from "../src/llm/client.js";
import { createLog } from "../src/log.js";
import { FakeAnthropic } from "./kit/fake-anthropic.js";

const schema = z.object({
  category: z.enum(["mission", "budget", "operations"]),
  confidence: z.number().min(0).max(1),
});
const quiet = createLog({ level: "error", write: () => {} });

let fake: FakeAnthropic;
let llm: Llm;

beforeAll(async () => {
  fake = await FakeAnthropic.start();
  const config = loadConfig({
    SLACK_BOT_TOKEN: "xoxb-1",
    SLACK_SIGNING_SECRET: "s",
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: fake.url,
  });
  const made = createLlm({
    config: config.anthropic,
    systemPrompt: "You are coo.",
    log: quiet,
    timeoutMs: 300,
  });
  if (!made) throw new Error("expected an LLM client");
  llm = made;
});

afterAll(async () => {
  await fake?.stop();
});

const ask = () =>
  llm.structured({ task: "test", schema, instruction: "Classify.", input: "how much runway?" });

test("without an API key there is no LLM client and features use their rules", () => {
  const config = loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" });
  expect(createLlm({ config: config.anthropic, systemPrompt: "x", log: quiet })).toBeUndefined();
});

test("a structured answer is parsed and validated; a system prompt under the model's cache minimum is not marked for caching", async () => {
  fake.answer({ json: { category: "budget", confidence: 0.9 } });
  expect(await ask()).toEqual({ ok: true, value: { category: "budget", confidence: 0.9 } });
  const request = fake.requests.at(-1);
  expect(request?.headers["x-api-key"] ?? request?.headers.authorization).toBeDefined();
  // Three tokens are far under what Haiku caches (4,096): marking them would cache nothing.
  expect(request?.body.system).toEqual([{ type: "text", text: "You are coo." }]);
  expect(fake.usages.at(-1)?.cache_creation_input_tokens).toBe(0);
  expect(request?.body.model).toBe("claude-haiku-5-5");
  expect(JSON.stringify(request?.body.messages)).toContain("<slack_text>\\nhow much runway?\\n</slack_text>");
  expect((request?.body.output_config as { format?: { type: string } } | undefined)?.format?.type).toBe(
    "json_schema",
  );
});

test("the fewest tokens Anthropic caches, per model, and the mark only over it", () => {
  expect(cacheMinimum("claude-haiku-4-5")).toBe(4096);
  expect(cacheMinimum("claude-opus-4-6")).toBe(4096);
  expect(cacheMinimum("claude-sonnet-4-6")).toBe(2048);
  expect(cacheMinimum("claude-sonnet-4-5-20250929")).toBe(1024);
  expect(cacheMinimum("claude-opus-4-1")).toBe(1024);
  // A model the table does not know gets its family's largest minimum.
  expect(cacheMinimum("claude-haiku-5-5")).toBe(4096);
  expect(llm.caches()).toBe(false);
});

test("an API error comes back as a failure, not an exception", async () => {
  fake.answer({ status: 500 }, { status: 500 });
  expect(await ask()).toEqual({ ok: false, reason: "error" });
});

test("a slow API comes back as a timeout", async () => {
  fake.answer(
    { delayMs: 1500, after: { json: { category: "budget", confidence: 1 } } },
    {
      delayMs: 1500,
      after: { json: { category: "budget", confidence: 1 } },
    },
  );
  expect(await ask()).toEqual({ ok: false, reason: "timeout" });
});

test("an answer that is not JSON comes back as unparseable", async () => {
  fake.answer({ text: "Sure! I think it's budget." });
  expect(await ask()).toEqual({ ok: false, reason: "unparseable" });
});

test("JSON outside the allowed set comes back as unparseable", async () => {
  fake.answer({ json: { category: "delete_everything", confidence: 2 } });
  expect(await ask()).toEqual({ ok: false, reason: "unparseable" });
});
