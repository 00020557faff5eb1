import { AsyncLocalStorage } from "node:async_hooks";
import type Anthropic from "@anthropic-ai/sdk";
import type { z } from "zod";
import type { Config } from "../config.js";
import { type Level, type Log, withoutText } from "../log.js";

export type LlmFailure = "error" | "timeout" | "unparseable";
export type LlmResult<T> = { ok: true; value: T } | { ok: false; reason: LlmFailure };

/** A tool Claude may call: a fixed name, what it does, and the JSON schema of its input. */
export type ToolDefinition = { name: string; description: string; input_schema: Record<string, unknown> };

/**
 * What running one tool call gave: its result for Claude, and the value the
 * caller keeps; `final` ends the conversation there (a proposal is made).
 * Not ok (an unknown tool, arguments that do not parse, an id not found
 * here): the whole answer is abandoned for the rules.
 */
export type ToolRun<T> = { ok: true; result: string; value: T; final: boolean } | { ok: false; why: string };

export type ToolRequest<T> = {
  task: string;
  tools: ToolDefinition[];
  instruction: string;
  input: string;
  maxTurns: number;
  run(name: string, input: unknown): Promise<ToolRun<T>>;
};

/** Tokens one call used, as the API reports them. */
export type Usage = { input: number; output: number; cacheRead: number; cacheCreation: number };

/**
 * The fewest tokens a prefix must have for Anthropic to cache it, per model
 * (Anthropic's prompt-caching documentation): 4,096 for Haiku 4.5 and Opus
 * 4.5/4.6, 2,048 for Sonnet 4.6 and the Haiku 3 models, 1,024 for older
 * Sonnet and Opus. A model this table does not know gets the largest minimum
 * of its family, so coo never marks a prefix the model would not cache.
 */
export function cacheMinimum(model: string): number {
  const m = model.toLowerCase();
  if (/haiku-4-5|opus-4-5|opus-4-6/.test(m)) return 4096;
  if (/sonnet-4-6|3-haiku|haiku-3/.test(m)) return 2048;
  if (/sonnet-4-5|sonnet-4-|opus-4-1|opus-4-|3-7-sonnet|3-5-sonnet|3-opus|sonnet-4$|opus-4$/.test(m))
    return 1024;
  if (/haiku|opus/.test(m)) return 4096;
  if (/sonnet/.test(m)) return 2048;
  return 4096;
}

/**
 * Tokens of text, estimated on the low side (4.5 characters a token; English
 * runs about 4, JSON fewer): a prefix is marked for caching only when it is
 * surely over the model's minimum.
 */
export const estimateTokens = (text: string) => Math.floor(text.length / 4.5);

export type Llm = {
  model: string;
  /**
   * One structured answer. The result is validated against `schema`; anything
   * else (API error, timeout, a shape that does not parse) comes back as a
   * failure for the caller to answer with its deterministic rules.
   */
  structured<S extends z.ZodType>(request: {
    task: string;
    schema: S;
    instruction: string;
    input: string;
    maxTokens?: number;
  }): Promise<LlmResult<z.infer<S>>>;
  /**
   * Claude with tools, at most `maxTurns` rounds: each tool call it makes is
   * run by `run` (validated there) and its result handed back; the value of
   * the last call is the answer. No tool call, a call that does not run, an
   * API error or a timeout: a failure, for the caller's rules.
   */
  withTools<T>(request: ToolRequest<T>): Promise<LlmResult<T>>;
  /** Whether the stable prefix (tools, when given, and the system prompt) is marked for caching. */
  caches(tools?: ToolDefinition[]): boolean;
};

/** Returns undefined when no API key is configured: every feature then runs on rules alone. */
export function createLlm(options: {
  config: Config["anthropic"];
  systemPrompt: string;
  log: Log;
  /** The SDK's own lines go to `log` from this level up. */
  logLevel?: Level;
  /** Debug lines show the text sent to Claude and its answer (off unless asked for). */
  messageText?: boolean;
  timeoutMs?: number;
  /** Counts calls by task and result, with the tokens each used and how many HTTP requests it took (retries count). */
  onCall?: (task: string, result: "ok" | LlmFailure, usage: Usage | undefined, requests: number) => void;
}): Llm | undefined {
  const { config, systemPrompt, log } = options;
  if (!config) return undefined;
  const timeoutMs = options.timeoutMs ?? 8000;
  // Requests made within one call (the SDK retries once): counted for /metrics.
  const requests = new AsyncLocalStorage<{ n: number }>();
  // The SDK (about 270 modules) is loaded by the first call, not at start (decision 0034).
  let ready: Promise<{ client: Anthropic; sdk: Sdk }> | undefined;
  const connect = () => {
    ready ??= loadSdk().then((sdk) => ({
      sdk,
      client: new sdk.Anthropic({
        fetch: (url, init) => {
          const count = requests.getStore();
          if (count) count.n += 1;
          return fetch(url, init);
        },
        apiKey: config.apiKey,
        ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
        maxRetries: 1,
        timeout: timeoutMs,
        // The SDK logs through ours (redacted, JSON lines), at our level rather than ANTHROPIC_LOG's;
        // at debug its request lines carry the prompt, kept only when message texts are asked for.
        logLevel: options.logLevel ?? "warn",
        logger: sdkLogger(log, options.messageText ?? false),
      }),
    }));
    return ready;
  };
  const minimum = cacheMinimum(config.model);
  /** Marked only when the prefix up to and including the system prompt reaches the model's minimum. */
  const caches = (tools?: ToolDefinition[]) =>
    estimateTokens(systemPrompt) + (tools ? estimateTokens(JSON.stringify(tools)) : 0) >= minimum;
  const system = (tools?: ToolDefinition[]): Anthropic.TextBlockParam[] => [
    {
      type: "text",
      text: systemPrompt,
      ...(caches(tools) ? { cache_control: { type: "ephemeral" as const } } : {}),
    },
  ];
  /** What went wrong, read with the SDK's error classes (a failure to load the SDK is an error too). */
  const failure = (error: unknown, sdk: Sdk | undefined): LlmFailure =>
    !sdk
      ? "error"
      : error instanceof sdk.Anthropic.APIConnectionTimeoutError
        ? "timeout"
        : error instanceof sdk.Anthropic.APIError || error instanceof sdk.Anthropic.APIConnectionError
          ? "error"
          : "unparseable";
  return {
    model: config.model,
    caches: (tools) => caches(tools),
    async structured({ task, schema, instruction, input, maxTokens = 512 }) {
      const started = Date.now();
      const count = { n: 0 };
      const done = (result: "ok" | LlmFailure, usage?: Usage) =>
        options.onCall?.(task, result, usage, count.n);
      let sdk: Sdk | undefined;
      try {
        const connected = await connect();
        sdk = connected.sdk;
        const { client } = connected;
        const message = await requests.run(count, () =>
          client.messages.parse({
            model: config.model,
            max_tokens: maxTokens,
            system: system(),
            messages: [{ role: "user", content: `${instruction}\n\n<slack_text>\n${input}\n</slack_text>` }],
            output_config: { format: connected.sdk.zodOutputFormat(schema) },
          }),
        );
        const checked = schema.safeParse(message.parsed_output);
        if (!checked.success) {
          done("unparseable", usageOf(message.usage));
          log.warn("llm answer did not match the schema", { task, ms: Date.now() - started });
          return { ok: false, reason: "unparseable" };
        }
        log.debug("llm answered", {
          task,
          ms: Date.now() - started,
          cacheRead: message.usage.cache_read_input_tokens ?? 0,
          ...(options.messageText ? { input, answer: checked.data } : {}),
        });
        done("ok", usageOf(message.usage));
        return { ok: true, value: checked.data };
      } catch (error) {
        const reason = failure(error, sdk);
        done(reason);
        log.warn("llm call failed; using rules", {
          task,
          reason,
          ms: Date.now() - started,
          error: String(error),
        });
        return { ok: false, reason };
      }
    },

    async withTools<T>({
      task,
      tools,
      instruction,
      input,
      maxTurns,
      run,
    }: ToolRequest<T>): Promise<LlmResult<T>> {
      const started = Date.now();
      const count = { n: 0 };
      const total: Usage = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
      const done = (result: "ok" | LlmFailure, value?: T): LlmResult<T> => {
        options.onCall?.(task, result, total, count.n);
        log.debug("llm tools answered", { task, result, ms: Date.now() - started, ...total });
        return result === "ok" ? { ok: true, value: value as T } : { ok: false, reason: result };
      };
      const messages: Anthropic.MessageParam[] = [
        { role: "user", content: `${instruction}\n\n<slack_text>\n${input}\n</slack_text>` },
      ];
      let last: { value: T } | undefined;
      let sdk: Sdk | undefined;
      try {
        const connected = await connect();
        sdk = connected.sdk;
        const { client } = connected;
        for (let turn = 0; turn < maxTurns; turn++) {
          const message = await requests.run(count, () =>
            client.messages.create({
              model: config.model,
              max_tokens: 600,
              system: system(tools),
              tools: tools as Anthropic.Tool[],
              messages,
            }),
          );
          const u = usageOf(message.usage);
          total.input += u.input;
          total.output += u.output;
          total.cacheRead += u.cacheRead;
          total.cacheCreation += u.cacheCreation;
          const calls = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
          if (calls.length === 0) return last ? done("ok", last.value) : done("unparseable");
          const results: Anthropic.ToolResultBlockParam[] = [];
          for (const call of calls) {
            const ran = await run(call.name, call.input);
            if (!ran.ok) {
              log.warn("llm tool call refused; using rules", {
                task,
                tool: call.name.slice(0, 60),
                why: ran.why,
              });
              return done("unparseable");
            }
            last = { value: ran.value };
            if (ran.final) return done("ok", ran.value);
            results.push({ type: "tool_result", tool_use_id: call.id, content: ran.result });
          }
          messages.push({ role: "assistant", content: message.content }, { role: "user", content: results });
        }
        return last ? done("ok", last.value) : done("unparseable");
      } catch (error) {
        const reason = failure(error, sdk);
        log.warn("llm call failed; using rules", {
          task,
          reason,
          ms: Date.now() - started,
          error: String(error),
        });
        return done(reason);
      }
    },
  };
}

type Sdk = Awaited<ReturnType<typeof loadSdk>>;

async function loadSdk() {
  const [{ default: Anthropic }, { zodOutputFormat }] = await Promise.all([
    import("@anthropic-ai/sdk"),
    import("@anthropic-ai/sdk/helpers/zod"),
  ]);
  return { Anthropic, zodOutputFormat };
}

const usageOf = (u: Anthropic.Usage): Usage => ({
  input: u.input_tokens,
  output: u.output_tokens,
  cacheRead: u.cache_read_input_tokens ?? 0,
  cacheCreation: u.cache_creation_input_tokens ?? 0,
});

function sdkLogger(log: Log, messageText: boolean) {
  const line =
    (level: Level) =>
    (message: string, ...details: unknown[]) =>
      log[level](message, {
        source: "anthropic",
        ...(details.length > 0 ? { details: messageText ? details : withoutText(details) } : {}),
      });
  return { debug: line("debug"), info: line("info"), warn: line("warn"), error: line("error") };
}
