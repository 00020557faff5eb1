import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type SlackClient, type SlackResponse, uniqueId } from "./slack-client.js";

/**
 * Real Slack payloads kept under test/fixtures/slack/, each naming where it
 * came from (`_source`) and which ids were replaced to fit the test cast
 * (`_ids_replaced`). A fixture holds either `payload` (an Events API
 * envelope or an interaction) or `form` (a form body, for ssl_check).
 */
export type Fixture = {
  _source: Record<string, string>;
  _ids_replaced: string;
  _changed: string[];
  payload?: Record<string, unknown>;
  form?: string;
};

const folder = fileURLToPath(new URL("../fixtures/slack/", import.meta.url));

export function loadFixture(name: string): Fixture {
  return JSON.parse(readFileSync(`${folder}${name}.json`, "utf8")) as Fixture;
}

/** A deep copy of the fixture's payload, so a test's changes never leak into another. */
export function payloadOf(name: string): Record<string, unknown> {
  const { payload } = loadFixture(name);
  if (!payload) throw new Error(`fixture ${name} holds no payload`);
  return structuredClone(payload);
}

type Json = Record<string, unknown>;

/** `base` with `changes` laid over it: objects merge key by key, anything else replaces. */
function overlay(base: Json, changes: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    const current = out[key];
    out[key] =
      value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object"
        ? overlay(current as Json, value as Json)
        : value;
  }
  return out;
}

/**
 * Replays an Events API fixture signed, as Slack delivers it. Each replay
 * gets a fresh `event_id` (Slack's id of one delivery) unless one is given;
 * `event` changes are laid over the fixture's event (a thread's ts, a text).
 */
export function replayEvent(
  client: SlackClient,
  name: string,
  options: { event?: Json; envelope?: Json; eventId?: string } = {},
): Promise<SlackResponse> {
  const payload = payloadOf(name);
  if (payload.type !== "event_callback") throw new Error(`fixture ${name} is not an Events API envelope`);
  const body = overlay(overlay(payload, options.envelope ?? {}), {
    event: overlay(payload.event as Json, options.event ?? {}),
    event_id: options.eventId ?? uniqueId("Ev"),
  });
  return client.post(JSON.stringify(body), "application/json");
}

/** Replays an interaction fixture signed, as the `payload=` form field Slack posts. */
export function replayInteraction(
  client: SlackClient,
  name: string,
  changes: Json = {},
): Promise<SlackResponse> {
  const payload = overlay(payloadOf(name), { trigger_id: uniqueId("TR"), ...changes });
  return client.post(
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    "application/x-www-form-urlencoded",
  );
}

/** Posts a form fixture as Slack does, without any signature headers (ssl_check). */
export async function postUnsigned(
  baseUrl: string,
  body: string,
  contentType: string,
): Promise<SlackResponse> {
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Resolves once the bot has run every listener for this delivery (its job in the inbox is done). */
export async function handled(
  db: {
    outboxMessage: { findUnique(args: { where: { key: string } }): Promise<{ status: string } | null> };
  },
  eventId: string,
): Promise<void> {
  const end = Date.now() + 8000;
  while (Date.now() < end) {
    const row = await db.outboxMessage.findUnique({ where: { key: `event:${eventId}` } });
    if (row?.status === "sent") return;
    if (row?.status === "failed") throw new Error(`event ${eventId} failed`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`event ${eventId} was never handled`);
}
