import { afterAll, beforeAll } from "vitest";
import { FakeSlackOidc, freePort, type OidcUser } from "./fake-slack-oidc.js";
import { type Harness, useBot } from "./harness.js";

export const clientId = "1111.2222";
export const clientSecret = "test-client-secret-for-sign-in";

export type DashboardHarness = Harness & { oidc: FakeSlackOidc; publicUrl: string };

/**
 * The harness's bot with the dashboard on: one bot token beside the app's
 * client id and secret (single-token mode), its public address known before
 * it starts (Slack redirects back to it), and the fake Slack OpenID provider
 * as the issuer.
 */
export function useDashboard(): DashboardHarness {
  const env: Record<string, string> = {};
  const extra = {} as { oidc: FakeSlackOidc; publicUrl: string };
  beforeAll(async () => {
    const port = await freePort();
    extra.publicUrl = `http://localhost:${port}`;
    extra.oidc = await FakeSlackOidc.start({
      id: clientId,
      secret: clientSecret,
      redirectUris: [`${extra.publicUrl}/app/auth/callback`],
    });
    Object.assign(env, {
      PORT: String(port),
      SLACK_CLIENT_ID: clientId,
      SLACK_CLIENT_SECRET: clientSecret,
      COO_PUBLIC_URL: extra.publicUrl,
      COO_OIDC_ISSUER: extra.oidc.url,
    });
  });
  const h = useBot({ env }) as DashboardHarness;
  beforeAll(() => {
    h.oidc = extra.oidc;
    h.publicUrl = extra.publicUrl;
  });
  afterAll(async () => {
    await extra.oidc?.stop();
  });
  return h;
}

export type Page = { status: number; text: string; location: string | undefined; cookies: string[] };

export async function get(url: string, cookie?: string): Promise<Page> {
  const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
  return {
    status: res.status,
    text: await res.text(),
    location: res.headers.get("location") ?? undefined,
    cookies: res.headers.getSetCookie(),
  };
}

export async function post(url: string, form: Record<string, string>, cookie?: string): Promise<Page> {
  const res = await fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: res.status,
    text: await res.text(),
    location: res.headers.get("location") ?? undefined,
    cookies: res.headers.getSetCookie(),
  };
}

/** "name=value" of a Set-Cookie line. */
export const pair = (setCookie: string) => setCookie.split(";")[0] ?? "";

/**
 * Signs `user` in as a browser would, by plain HTTP: /app sends it to the
 * provider, which sends it back to the callback with a code. Returns the
 * session cookie ("coo_session=...") and the pages on the way.
 */
export async function signIn(h: DashboardHarness, user: OidcUser, start = "/app") {
  h.oidc.next = user;
  const first = await get(`${h.publicUrl}${start}`);
  const signInCookie = pair(first.cookies[0] ?? "");
  const atSlack = await get(first.location ?? "");
  const callback = await get(atSlack.location ?? "", signInCookie);
  const session = callback.cookies.find((c) => c.startsWith("coo_session="));
  return { first, atSlack, callback, cookie: session ? pair(session) : undefined, signInCookie };
}

export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
