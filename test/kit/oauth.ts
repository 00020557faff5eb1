import { expect } from "vitest";

/** The settings for multi-workspace installs, sealing tokens with `key`. */
export const oauthEnv = (key: string, oldKeys: string[] = []): Record<string, string> => ({
  SLACK_BOT_TOKEN: "",
  SLACK_CLIENT_ID: "111.222",
  SLACK_CLIENT_SECRET: "client-secret-value",
  SLACK_STATE_SECRET: "state-secret-at-least-16",
  COO_ENCRYPTION_KEY: key,
  COO_ENCRYPTION_OLD_KEYS: oldKeys.join(","),
});

/** The install flow as a browser goes through it: /slack/install, Slack's consent page, the redirect back. */
export async function installThroughOAuth(baseUrl: string, team: string): Promise<void> {
  const start = await fetch(`${baseUrl}/slack/install`, { redirect: "manual" });
  expect(start.status).toBe(302);
  const location = new URL(start.headers.get("location") ?? "");
  expect(location.origin + location.pathname).toBe("https://slack.com/oauth/v2/authorize");
  expect(location.searchParams.get("scope")).toContain("commands");
  const state = location.searchParams.get("state") ?? "";
  const cookie = (start.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  // The fake Slack reads the code as the team that is installing.
  const back = await fetch(
    `${baseUrl}/slack/oauth_redirect?code=${team}&state=${encodeURIComponent(state)}`,
    {
      headers: { cookie },
      redirect: "manual",
    },
  );
  expect(back.status).toBeLessThan(400);
}
