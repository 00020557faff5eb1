import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, test } from "vitest";

const root = new URL("..", import.meta.url).pathname;

type Manifest = {
  features: { slash_commands: Array<{ command: string; should_escape: boolean; url: string }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { bot_events: string[]; request_url: string };
    interactivity: { is_enabled: boolean; request_url: string };
  };
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? (e.name === "generated" ? [] : sourceFiles(join(dir, e.name))) : [join(dir, e.name)],
    ),
  );
  return nested.flat().filter((f) => f.endsWith(".ts"));
}

/** What the code listens to, read from its `app.command(...)` and `app.event(...)` calls. */
async function registrations() {
  const text = (
    await Promise.all((await sourceFiles(join(root, "src"))).map((f) => readFile(f, "utf8")))
  ).join("\n");
  return {
    commands: [...text.matchAll(/\bapp\.command\("([^"]+)"/g)].map((m) => m[1]),
    events: [...text.matchAll(/\bapp\.event\("([^"]+)"/g)].map((m) => m[1]),
    messages: /\bapp\.message\(/.test(text),
  };
}

test("every command and event the code registers is in manifest.json", async () => {
  const manifest = JSON.parse(await readFile(join(root, "manifest.json"), "utf8")) as Manifest;
  const { commands, events, messages } = await registrations();
  expect(commands.length).toBeGreaterThan(0);
  const declared = manifest.features.slash_commands.map((c) => c.command);
  for (const command of commands) expect(declared).toContain(command);
  for (const event of events) {
    if (event === "message") {
      expect(manifest.settings.event_subscriptions.bot_events).toEqual(
        expect.arrayContaining(["message.channels", "message.im"]),
      );
    } else {
      expect(manifest.settings.event_subscriptions.bot_events).toContain(event);
    }
  }
  if (messages) expect(manifest.settings.event_subscriptions.bot_events).toContain("message.im");
});

test("/coo escapes mentions, and commands, events and interactivity share /slack/events", async () => {
  const manifest = JSON.parse(await readFile(join(root, "manifest.json"), "utf8")) as Manifest;
  const coo = manifest.features.slash_commands.find((c) => c.command === "/coo");
  expect(coo?.should_escape).toBe(true);
  const urls = [
    coo?.url,
    manifest.settings.event_subscriptions.request_url,
    manifest.settings.interactivity.request_url,
  ];
  for (const url of urls) expect(url).toMatch(/\/slack\/events$/);
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  expect(manifest.oauth_config.scopes.bot).toEqual(
    expect.arrayContaining(["commands", "chat:write", "app_mentions:read"]),
  );
});
