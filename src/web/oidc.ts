import type * as Oidc from "openid-client";
import { z } from "zod";
import type { Config } from "../config.js";

/**
 * Sign in with Slack (OpenID Connect, scopes openid email profile) through
 * openid-client: discovery, the authorize URL with state, nonce and PKCE,
 * and the code exchange that checks them and the id token. Nothing else
 * here handles a token; the tokens Slack returns are read for the id
 * token's claims and then dropped (coo keeps none of them).
 */
export type SignInWithSlack = {
  /** Where to send the browser, and what to keep until it comes back. */
  start(): Promise<{ url: URL; state: string; nonce: string; codeVerifier: string }>;
  /** Exchanges the code on `callbackUrl`; throws when anything does not match. */
  finish(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<{ workspaceId: string; userId: string }>;
};

/** The claims Slack puts in its id token (https://api.slack.com/authentication/sign-in-with-slack). */
const slackClaims = z.object({
  sub: z.string().regex(/^[UW][A-Z0-9]{1,}$/),
  "https://slack.com/team_id": z.string().regex(/^T[A-Z0-9]{1,}$/),
  "https://slack.com/user_id": z
    .string()
    .regex(/^[UW][A-Z0-9]{1,}$/)
    .optional(),
});

export function signInWithSlack(settings: NonNullable<Config["dashboard"]>): SignInWithSlack {
  // openid-client is loaded by the first sign-in, not at start (decision 0034).
  let library: Promise<typeof Oidc> | undefined;
  const load = () => {
    library ??= import("openid-client");
    return library;
  };
  let discovered: Promise<Oidc.Configuration> | undefined;
  const configuration = async () => {
    const client = await load();
    const issuer = new URL(settings.issuer);
    discovered ??= client
      .discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        // Only a local issuer (tests, a provider on the same machine) may be plain http.
        ...(issuer.protocol === "http:" ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: 10,
      })
      .catch((error: unknown) => {
        // Not cached: the next sign-in asks again.
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
  return {
    async start() {
      const client = await load();
      const config = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: "openid email profile",
        response_type: "code",
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: "S256",
      });
      return { url, state, nonce, codeVerifier };
    },
    async finish(callbackUrl, expected) {
      const client = await load();
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(
        config,
        callbackUrl,
        {
          expectedState: expected.state,
          expectedNonce: expected.nonce,
          pkceCodeVerifier: expected.codeVerifier,
          idTokenExpected: true,
        },
        { redirect_uri: settings.redirectUri },
      );
      const claims = slackClaims.parse(tokens.claims());
      return {
        workspaceId: claims["https://slack.com/team_id"],
        userId: claims["https://slack.com/user_id"] ?? claims.sub,
      };
    },
  };
}
