import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/**
 * Sign in with Slack at the network edge: discovery, authorize, token, JWKS
 * and userinfo, shaped as Slack documents them
 * (https://api.slack.com/authentication/sign-in-with-slack: issuer
 * https://slack.com, `openid.connect.token` answering `ok: true` with an
 * RS256 id token carrying `https://slack.com/team_id` and `.../user_id`).
 * As strict as the real one: the client id and secret, the registered
 * redirect URI (exactly), `response_type=code`, the `openid` scope, a code
 * used once, the PKCE verifier, and the nonce echoed in the id token.
 * Instead of Slack's consent screen, authorize signs in `next` at once.
 */
export type OidcUser = { team: string; user: string; name?: string; email?: string };
type Grant = {
  clientId: string;
  redirectUri: string;
  nonce: string | undefined;
  challenge: string | undefined;
  user: OidcUser;
  used: boolean;
};

export class FakeSlackOidc {
  /** Who signs in at the next authorize request. */
  next: OidcUser = { team: "T1", user: "U1", name: "alice", email: "alice@example.com" };
  /** Every request, in order, with what was refused and why. */
  readonly calls: Array<{ path: string; refused?: string }> = [];
  private readonly codes = new Map<string, Grant>();
  private readonly tokens = new Map<string, OidcUser>();
  private keys!: { privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"]; jwk: JWK };

  private constructor(
    private readonly server: Server,
    readonly client: { id: string; secret: string; redirectUris: string[] },
  ) {}

  static async start(client: { id: string; secret: string; redirectUris: string[] }): Promise<FakeSlackOidc> {
    let fake: FakeSlackOidc | undefined;
    const server = createServer((req, res) => {
      fake?.handle(req, res).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
    fake = new FakeSlackOidc(server, client);
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    fake.keys = {
      privateKey,
      jwk: { ...(await exportJWK(publicKey)), kid: "fake-1", alg: "RS256", use: "sig" },
    };
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Codes handed out and not yet exchanged. */
  get unusedCodes(): number {
    return [...this.codes.values()].filter((g) => !g.used).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refuse(res: ServerResponse, path: string, status: number, error: string) {
    this.calls.push({ path, refused: error });
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: false, error }));
  }

  private json(res: ServerResponse, body: unknown) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", this.url);
    const path = url.pathname;
    if (req.method === "GET" && path === "/.well-known/openid-configuration") {
      this.calls.push({ path });
      return this.json(res, {
        issuer: this.url,
        authorization_endpoint: `${this.url}/openid/connect/authorize`,
        token_endpoint: `${this.url}/api/openid.connect.token`,
        userinfo_endpoint: `${this.url}/api/openid.connect.userInfo`,
        jwks_uri: `${this.url}/openid/connect/keys`,
        scopes_supported: ["openid", "profile", "email"],
        response_types_supported: ["code"],
        response_modes_supported: ["form_post"],
        grant_types_supported: ["authorization_code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        claims_supported: ["sub", "auth_time", "iss"],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: true,
        token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      });
    }
    if (req.method === "GET" && path === "/openid/connect/keys") {
      this.calls.push({ path });
      return this.json(res, { keys: [this.keys.jwk] });
    }
    if (req.method === "GET" && path === "/openid/connect/authorize") return this.authorize(url, res);
    if (req.method === "POST" && path === "/api/openid.connect.token") return this.token(req, res);
    if (path === "/api/openid.connect.userInfo") {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      const user = token ? this.tokens.get(token) : undefined;
      if (!user) return this.refuse(res, path, 401, "invalid_auth");
      this.calls.push({ path });
      return this.json(res, { ok: true, ...this.claimsOf(user) });
    }
    return this.refuse(res, path, 404, "unknown_method");
  }

  private authorize(url: URL, res: ServerResponse) {
    const p = url.searchParams;
    const path = url.pathname;
    if (p.get("client_id") !== this.client.id) return this.refuse(res, path, 400, "invalid_client_id");
    const redirectUri = p.get("redirect_uri") ?? "";
    if (!this.client.redirectUris.includes(redirectUri))
      return this.refuse(res, path, 400, "bad_redirect_uri");
    if (p.get("response_type") !== "code") return this.refuse(res, path, 400, "invalid_response_type");
    const scopes = (p.get("scope") ?? "").split(" ");
    if (!scopes.includes("openid")) return this.refuse(res, path, 400, "invalid_scope");
    if (p.get("code_challenge") && p.get("code_challenge_method") !== "S256")
      return this.refuse(res, path, 400, "invalid_code_challenge_method");
    const code = randomBytes(16).toString("hex");
    this.codes.set(code, {
      clientId: this.client.id,
      redirectUri,
      nonce: p.get("nonce") ?? undefined,
      challenge: p.get("code_challenge") ?? undefined,
      user: this.next,
      used: false,
    });
    this.calls.push({ path });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    const state = p.get("state");
    if (state) back.searchParams.set("state", state);
    res.writeHead(302, { location: back.href });
    res.end();
  }

  private async token(req: IncomingMessage, res: ServerResponse) {
    const path = "/api/openid.connect.token";
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    let clientId = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (basic) {
      const [id, s] = Buffer.from(basic, "base64").toString("utf8").split(":").map(decodeURIComponent);
      clientId = id ?? null;
      secret = s ?? null;
    }
    if (clientId !== this.client.id || secret !== this.client.secret)
      return this.refuse(res, path, 200, "invalid_client_id");
    if (form.get("grant_type") !== "authorization_code")
      return this.refuse(res, path, 200, "invalid_grant_type");
    const code = form.get("code") ?? "";
    const grant = this.codes.get(code);
    if (!grant || grant.used) return this.refuse(res, path, 200, "invalid_code");
    // A code is spent by its first exchange, good or bad.
    grant.used = true;
    if (form.get("redirect_uri") !== grant.redirectUri)
      return this.refuse(res, path, 200, "bad_redirect_uri");
    if (grant.challenge) {
      const verifier = form.get("code_verifier") ?? "";
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (computed !== grant.challenge) return this.refuse(res, path, 200, "invalid_code_verifier");
    }
    const accessToken = `xoxp-${randomBytes(12).toString("hex")}`;
    this.tokens.set(accessToken, grant.user);
    const now = Math.floor(Date.now() / 1000);
    const idToken = await new SignJWT({
      ...this.claimsOf(grant.user),
      auth_time: now,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    })
      .setProtectedHeader({ alg: "RS256", kid: "fake-1", typ: "JWT" })
      .setIssuer(this.url)
      .setSubject(grant.user.user)
      .setAudience(this.client.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .setJti(randomBytes(8).toString("hex"))
      .sign(this.keys.privateKey);
    this.calls.push({ path });
    return this.json(res, { ok: true, access_token: accessToken, token_type: "Bearer", id_token: idToken });
  }

  private claimsOf(u: OidcUser) {
    return {
      sub: u.user,
      "https://slack.com/user_id": u.user,
      "https://slack.com/team_id": u.team,
      email: u.email ?? `${u.user.toLowerCase()}@example.com`,
      email_verified: true,
      name: u.name ?? u.user,
      "https://slack.com/team_name": `Team ${u.team}`,
    };
  }
}

/** A port free right now, for a bot whose public address must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
