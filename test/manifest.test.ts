import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";
import { botScopes } from "../src/slack/installations.js";
import { useBot } from "./kit/harness.js";

const root = new URL("..", import.meta.url).pathname;
const h = useBot();

type Manifest = {
  features: { slash_commands: Array<{ command: string; should_escape: boolean; url: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url: string };
    interactivity: { is_enabled: boolean; request_url: string };
  };
};

const manifest = async () => JSON.parse(await readFile(join(root, "manifest.json"), "utf8")) as Manifest;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? (e.name === "generated" ? [] : sourceFiles(join(dir, e.name))) : [join(dir, e.name)],
    ),
  );
  return nested.flat().filter((f) => f.endsWith(".ts"));
}

const source = async () =>
  (await Promise.all((await sourceFiles(join(root, "src"))).map((f) => readFile(f, "utf8")))).join("\n");

/**
 * The bot scopes each Web API method needs (Slack's method pages, "Required
 * scopes", bot tokens). A method that reads or writes a conversation needs
 * the scope of each kind of conversation coo uses it on: public and private
 * channels, and DMs with one person.
 */
const methodScopes: Record<string, string[]> = {
  "api.test": [],
  "auth.test": [],
  "chat.getPermalink": [],
  "chat.postEphemeral": ["chat:write"],
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  // Outbox look-ups of its own messages: channels, private channels, DMs.
  "conversations.history": ["channels:history", "groups:history", "im:history"],
  "conversations.replies": ["channels:history", "groups:history", "im:history"],
  // Standup participants and membership checks: public and private channels.
  "conversations.members": ["channels:read", "groups:read"],
  "conversations.info": ["channels:read", "groups:read"],
  "conversations.join": ["channels:join"],
  // A DM with one person (several people would need mpim:write).
  "conversations.open": ["im:write"],
  "users.info": ["users:read"],
  // An export's file in a DM: the upload flow that replaced files.upload.
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
  // A person's status (leave) when no event has brought it lately.
  "users.profile.get": ["users.profile:read"],
  "views.open": [],
  "views.push": [],
  "views.update": [],
  "views.publish": [],
};

/** What each subscribed event needs (Slack's event pages). */
const eventScopes: Record<string, string[]> = {
  app_mention: ["app_mentions:read"],
  "message.channels": ["channels:history"],
  "message.groups": ["groups:history"],
  "message.im": ["im:history"],
  "message.mpim": ["mpim:history"],
  app_home_opened: [],
  app_uninstalled: [],
  tokens_revoked: [],
  // https://api.slack.com/events/user_change and /events/user_status_changed: users:read
  user_change: ["users:read"],
  user_status_changed: ["users:read"],
};

/**
 * Scopes asked for before the code that uses them lands, each with that use.
 * Drop an entry once its method is called in src/ (the check then holds without it).
 */
const declaredAhead: Record<string, string> = {
  "channels:join":
    "conversations.join: coo joins a public channel when a cadence is scheduled there (issue 12)",
};

/** Every Web API method the code calls, as `client.<family>.<method>(` or `apiCall("<method>"`. */
function methodsCalled(text: string): string[] {
  const families = Object.keys(methodScopes).map((m) => m.split(".")[0]);
  const known = new Set([...families, "admin", "apps", "bots", "files", "reactions", "team", "usergroups"]);
  const found = new Set<string>();
  for (const m of text.matchAll(/\.([a-z]+)\.([a-zA-Z]+(?:\.[a-zA-Z]+)?)\(/g)) {
    if (known.has(m[1] ?? "")) found.add(`${m[1]}.${m[2]}`);
  }
  for (const m of text.matchAll(/apiCall\(\s*"([a-z]+\.[a-zA-Z.]+)"/g)) found.add(m[1] ?? "");
  return [...found].sort();
}

test("every event the manifest subscribes to has a registered listener, and every event coo listens to is subscribed", async () => {
  const subscribed = (await manifest()).settings.event_subscriptions.bot_events;
  const registered = h.bot.coo.slack.listeners.eventTypes();
  // message.channels, message.groups and message.im all arrive as type "message".
  const typeOf = (event: string) => event.split(".")[0] ?? event;
  expect(registered.length).toBeGreaterThan(0);
  expect(subscribed.filter((e) => !registered.includes(typeOf(e)))).toEqual([]);
  expect(registered.filter((type) => !subscribed.some((e) => typeOf(e) === type))).toEqual([]);
});

test("the one slash command coo registers is the manifest's, escaped, and everything shares /slack/events", async () => {
  const m = await manifest();
  const text = await source();
  const commands = [...text.matchAll(/\bapp\.command\("([^"]+)"/g)].map((c) => c[1]);
  expect(commands).toEqual(m.features.slash_commands.map((c) => c.command));
  const coo = m.features.slash_commands.find((c) => c.command === "/coo");
  expect(coo?.should_escape).toBe(true);
  const urls = [coo?.url, m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url];
  for (const url of urls) expect(url).toMatch(/\/slack\/events$/);
  expect(m.settings.interactivity.is_enabled).toBe(true);
});

test("the manifest asks for exactly the scopes of the Web API methods coo calls and the events it hears", async () => {
  const m = await manifest();
  const called = methodsCalled(await source());
  expect(called).toEqual(expect.arrayContaining(["chat.postMessage", "users.info", "conversations.open"]));
  // A method not in the table: add it with the scopes its Slack page lists.
  expect(called.filter((method) => !(method in methodScopes))).toEqual([]);
  const needed = new Set([
    "commands",
    ...called.flatMap((method) => methodScopes[method] ?? []),
    ...m.settings.event_subscriptions.bot_events.flatMap((e) => eventScopes[e] ?? [`unknown event ${e}`]),
    ...Object.keys(declaredAhead),
  ]);
  expect([...m.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
});

test("OAuth installs ask for the manifest's scopes", async () => {
  expect([...botScopes].sort()).toEqual([...(await manifest()).oauth_config.scopes.bot].sort());
});
