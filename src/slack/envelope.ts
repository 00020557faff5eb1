import type { App } from "@slack/bolt";
import { z } from "zod";
import type { Log } from "../log.js";

/*
 * What comes in from Slack, checked and cleaned before Bolt or any listener
 * reads it (docs/decisions/0015-input-at-the-edge.md). The shapes are strict
 * only on what Bolt's routing and coo's listeners dereference, and let
 * through every field Slack adds.
 */

const id = z.string().min(1);
const text = z.string();
const user = z.looseObject({ id });
/** Org-wide installs send `team: null`; Bolt then reads `user.team_id`. */
const team = z.looseObject({ id }).nullable().optional();
const enterprise = z.looseObject({ id }).nullable().optional();
const channel = z.looseObject({ id }).optional();
const interactive = { user, team, enterprise, channel };

const eventCallback = z.looseObject({
  team_id: id.optional(),
  event_id: id.optional(),
  authorizations: z.array(z.looseObject({})).optional(),
  event: z.looseObject({
    type: id,
    user: z.union([text, z.looseObject({})]).optional(),
    channel: z.union([text, z.looseObject({})]).optional(),
    channel_id: text.optional(),
    item: z.looseObject({}).optional(),
    subteam: z.looseObject({}).optional(),
    text: text.optional(),
    ts: text.optional(),
    thread_ts: text.optional(),
    tokens: z.looseObject({ bot: z.array(text).optional() }).optional(),
  }),
});

const slashCommand = z.looseObject({
  command: z.string().startsWith("/"),
  team_id: id,
  user_id: id,
  channel_id: id,
  text: text.optional(),
});

const view = z.looseObject({
  id: id.optional(),
  callback_id: text,
  private_metadata: text.optional(),
  app_installed_team_id: text.optional(),
});
const values = z.record(z.string(), z.record(z.string(), z.looseObject({})));

const shapes = {
  event: eventCallback,
  command: slashCommand,
  options: z.looseObject({ ...interactive, action_id: text.optional() }),
  actions: z.looseObject({
    ...interactive,
    actions: z
      .array(z.looseObject({ action_id: text, type: text.optional(), value: text.optional() }))
      .min(1),
  }),
  dialog: z.looseObject({ ...interactive, callback_id: text }),
  shortcut: z.looseObject({ ...interactive, callback_id: text }),
  view_submission: z.looseObject({
    ...interactive,
    view: view.extend({ state: z.looseObject({ values }) }),
  }),
  view_closed: z.looseObject({ ...interactive, view }),
  url_verification: z.looseObject({ challenge: text }),
  ssl_check: z.looseObject({ ssl_check: text }),
  /** A `type` coo and Bolt do not handle (`app_rate_limited`, future ones): passed on, and ignored. */
  other: z.looseObject({ type: id }),
};

/**
 * Which shape a body must have, decided the way Bolt decides how to route it
 * (`getTypeAndConversation`), so nothing Bolt treats as an event, a command or
 * an action reaches it without the fields it reads.
 */
function kindOf(body: Record<string, unknown>): keyof typeof shapes | undefined {
  if ("event" in body || body.type === "event_callback") return "event";
  if ("command" in body) return "command";
  if ("name" in body || body.type === "block_suggestion") return "options";
  if ("actions" in body || body.type === "block_actions" || body.type === "interactive_message")
    return "actions";
  if (body.type === "dialog_submission") return "dialog";
  if (body.type === "shortcut" || body.type === "message_action") return "shortcut";
  if (body.type === "view_submission") return "view_submission";
  if (body.type === "view_closed") return "view_closed";
  if (body.type === "url_verification") return "url_verification";
  if ("ssl_check" in body) return "ssl_check";
  if (typeof body.type === "string") return "other";
  return undefined;
}

export type EnvelopeCheck = { ok: true; body: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Whether a parsed body is a Slack payload coo can hand to Bolt. The problem
 * names a field and what was wrong with it, never a value: safe to log.
 */
export function checkEnvelope(body: unknown): EnvelopeCheck {
  if (body === null || typeof body !== "object" || Array.isArray(body))
    return { ok: false, problem: `the body is ${Array.isArray(body) ? "an array" : typeof body}` };
  const record = body as Record<string, unknown>;
  const kind = kindOf(record);
  if (!kind) return { ok: false, problem: "neither a command nor a typed payload" };
  const checked = shapes[kind].safeParse(record);
  if (checked.success) return { ok: true, body: record };
  const issue = checked.error.issues[0];
  return { ok: false, problem: `${kind}: ${issue?.path.join(".") || "body"} ${issue?.code ?? "invalid"}` };
}

/**
 * C0 and C1 control characters but tab and newline (a NUL is refused by
 * Postgres, the rest only hide or garble text), and halves of surrogate pairs
 * (not Unicode at all). A carriage return becomes a newline.
 */
const unwanted =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The same, without `g`: a test that keeps no state between calls. */
const anyUnwanted = new RegExp(unwanted.source);

export function cleanText(value: string): string {
  if (!anyUnwanted.test(value) && !value.includes("\r")) return value;
  const lines = value.includes("\r") ? value.replace(/\r\n?/g, "\n") : value;
  return lines.replace(unwanted, "");
}

/**
 * Every string in a parsed payload cleaned. The input is left as it was;
 * only the objects and arrays on the way to a changed string are copied, so
 * the usual payload, with nothing to clean, comes back as it went in.
 */
export function cleanStrings(value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const cleaned = cleanStrings(item);
      if (cleaned === item) return;
      copy ??= [...value];
      copy[i] = cleaned;
    });
    return copy ?? value;
  }
  if (value !== null && typeof value === "object") {
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const cleaned = cleanStrings(item);
      if (cleaned === item) continue;
      copy ??= { ...value };
      copy[key] = cleaned;
    }
    return copy ?? value;
  }
  return value;
}

/**
 * Checks and cleans every payload where the HTTP receiver and Socket Mode's
 * receiver both pass: `App.processEvent`. The HTTP receiver has already
 * answered 400 to a body of the wrong shape; over Socket Mode one is acked
 * and dropped, since there is no status to answer with.
 */
export function guardIncoming(app: App, log: Log): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    const checked = checkEnvelope(event.body);
    if (!checked.ok) {
      log.warn("slack payload dropped: not a Slack shape", { problem: checked.problem });
      await event.ack();
      return;
    }
    await processEvent({ ...event, body: cleanStrings(checked.body) as typeof event.body });
  };
}
