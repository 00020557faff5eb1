import type { IncomingMessage, ServerResponse } from "node:http";
import {
  closeSession,
  csrfMatches,
  openSession,
  personView,
  reviewView,
  type Session,
  sessionDays,
  sessionFor,
  signInMinutes,
  startSignIn,
  takeSignInFor,
  teamView,
  type Viewer,
  viewerOf,
  workstreamView,
} from "../dashboard/use-cases.js";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import { BodyTooLargeError, type Handler, type Routes, readBody } from "../http/server.js";
import { download, tokenForms, tokens } from "./data-out.js";
import type { SignInWithSlack } from "./oidc.js";
import { type Chrome, notePage, personPage, reviewPage, teamPage, workstreamPage } from "./pages.js";

/**
 * The dashboard under /app (docs/decisions/0028-dashboard.md): a visitor with
 * no session goes to Slack to sign in; Slack sends them back to
 * /app/auth/callback; every page then shows what their session may see.
 * Every POST carries the session's CSRF token (and, when the browser sends
 * one, an Origin of coo's own address).
 */

export const sessionCookie = "coo_session";
export const signInCookie = "coo_signin";

/** The pages of one view, by path: /app, /app/people/<id>, /app/workstreams/<name>, /app/reviews/<date>. */
type Page = (viewer: Viewer, chrome: Chrome, rest: string) => Promise<string>;

export type DashboardOptions = {
  signIn: SignInWithSlack | undefined;
  /** The public origin (from COO_PUBLIC_URL), checked against a POST's Origin. */
  origin: string | undefined;
  /** More forms under /app (task C's token page): each gets the session, its viewer and the checked form. */
  forms?: Record<string, FormHandler>;
};

export type FormHandler = (
  deps: Deps,
  input: { viewer: Viewer; session: Session; form: URLSearchParams },
  res: ServerResponse,
) => Promise<void>;

const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self' https://slack.com; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

function sendPage(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...securityHeaders,
    ...headers,
  });
  res.end(body);
}

function redirect(res: ServerResponse, to: string, headers: Record<string, string | string[]> = {}) {
  res.writeHead(303, { location: to, ...securityHeaders, ...headers });
  res.end();
}

export function cookiesOf(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at < 1) continue;
    const name = part.slice(0, at).trim();
    if (!out.has(name)) out.set(name, part.slice(at + 1).trim());
  }
  return out;
}

/** HttpOnly, Secure, SameSite=Lax: browsers keep Secure cookies on https and on http://localhost. */
const cookie = (name: string, value: string, path: string, maxAgeSeconds: number) =>
  `${name}=${value}; Path=${path}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;

const statusOf = (error: CooError) =>
  ({ bad_input: 400, not_found: 404, forbidden: 403, conflict: 409, unavailable: 503 })[error.code];

export function dashboardRoutes(deps: Deps, options: DashboardOptions): Routes {
  const { signIn } = options;
  if (!signIn) {
    const off: Handler = async (_req, res) =>
      sendPage(
        res,
        404,
        notePage(
          "The dashboard is not set up",
          "Set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Basic Information of the Slack app) and COO_PUBLIC_URL (the address people reach coo at), then add <COO_PUBLIC_URL>/app/auth/callback to the app's redirect URLs.",
        ),
      );
    return { "GET /app": off, "GET /app/*": off, "POST /app/*": off };
  }

  const pages: Array<[RegExp, Page]> = [
    [/^\/app\/?$/, async (viewer, chrome) => teamPage(await teamView(deps, viewer), chrome)],
    [
      /^\/app\/people\/([^/]+)$/,
      async (viewer, chrome, id) => personPage(await personView(deps, viewer, id), chrome),
    ],
    [
      /^\/app\/workstreams\/([^/]+)$/,
      async (viewer, chrome, name) => workstreamPage(await workstreamView(deps, viewer, name), chrome),
    ],
    [/^\/app\/tokens$/, (viewer, chrome) => tokens(deps, viewer, chrome)],
    [
      /^\/app\/reviews\/([^/]+)$/,
      async (viewer, chrome, date) => reviewPage(await reviewView(deps, viewer, date), chrome),
    ],
  ];

  const sendToSlack = async (res: ServerResponse, returnTo: string) => {
    const started = await signIn.start();
    await startSignIn(deps, {
      state: started.state,
      nonce: started.nonce,
      codeVerifier: started.codeVerifier,
      returnTo,
    });
    redirect(res, started.url.href, {
      "set-cookie": cookie(signInCookie, started.state, "/app/auth", signInMinutes * 60),
    });
  };

  const refused = (res: ServerResponse, error: unknown, chrome?: Chrome) => {
    if (!(error instanceof CooError)) throw error;
    const status = statusOf(error);
    const title =
      status === 403 ? "Not yours to see" : status === 404 ? "Not found" : "Something is in the way";
    sendPage(
      res,
      status,
      notePage(title, error.userMessage, chrome, { href: "/app", text: "Back to the team view" }),
    );
  };

  const callback: Handler = async (req, res) => {
    const url = new URL(req.url ?? "/", deps.config.dashboard?.redirectUri);
    const state = url.searchParams.get("state") ?? "";
    const restart = { href: "/app", text: "Sign in again" };
    // The state must be the one this browser was sent off with (login CSRF), and unused.
    const row =
      state && cookiesOf(req).get(signInCookie) === state ? await takeSignInFor(deps, state) : undefined;
    if (!row) {
      deps.log.warn("dashboard sign-in refused", { reason: "unknown, used or foreign state" });
      sendPage(
        res,
        400,
        notePage(
          "That sign-in did not work",
          "This sign-in link was already used, is too old, or was started in another browser.",
          undefined,
          restart,
        ),
      );
      return;
    }
    let who: { workspaceId: string; userId: string };
    try {
      who = await signIn.finish(url, row);
    } catch (error) {
      deps.log.warn("dashboard sign-in refused", {
        reason: "slack did not confirm",
        error: String((error as Error).message ?? error),
      });
      sendPage(
        res,
        400,
        notePage(
          "That sign-in did not work",
          "Slack did not confirm who you are. Nothing was changed.",
          undefined,
          restart,
        ),
      );
      return;
    }
    try {
      const session = await openSession(deps, who);
      deps.log.info("dashboard sign-in", { team: who.workspaceId, user: who.userId });
      redirect(res, row.returnTo, {
        "set-cookie": [
          cookie(sessionCookie, session.token, "/app", sessionDays * 86_400),
          cookie(signInCookie, "", "/app/auth", 0),
        ],
      });
    } catch (error) {
      refused(res, error);
    }
  };

  const get: Handler = async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/app/auth/callback") return callback(req, res);
    const session = await sessionFor(deps, cookiesOf(req).get(sessionCookie));
    const page = pages.find(([pattern]) => pattern.test(path));
    if (!session) {
      if (!page && !path.startsWith("/app/export/"))
        return sendPage(res, 404, notePage("Not found", "There is no such page."));
      return sendToSlack(res, path);
    }
    let chrome: Chrome | undefined;
    try {
      const viewer = await viewerOf(deps, session);
      chrome = { viewer, csrfToken: session.csrfToken };
      const file = /^\/app\/export\/([^/]+)$/.exec(path)?.[1];
      if (file)
        return await download(deps, viewer, file, new URL(req.url ?? "/", "http://x").searchParams, res);
      if (!page)
        return sendPage(
          res,
          404,
          notePage("Not found", "There is no such page.", chrome, {
            href: "/app",
            text: "Back to the team view",
          }),
        );
      const [pattern, render] = page;
      const arg = decodeURIComponent(pattern.exec(path)?.[1] ?? "");
      sendPage(res, 200, await render(viewer, chrome, arg));
    } catch (error) {
      refused(res, error, chrome);
    }
  };

  const forms: Record<string, FormHandler> = {
    "/app/auth/signout": async (d, { session }, res) => {
      await closeSession(d, session);
      deps.log.info("dashboard sign-out", { team: session.workspaceId, user: session.slackUserId });
      sendPage(
        res,
        200,
        notePage("Signed out", "You are signed out of coo's dashboard.", undefined, {
          href: "/app",
          text: "Sign in again",
        }),
        {
          "set-cookie": cookie(sessionCookie, "", "/app", 0),
        },
      );
    },
    ...tokenForms,
    ...options.forms,
  };
  const post: Handler = async (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const handle = forms[path];
    if (!handle) return sendPage(res, 404, notePage("Not found", "There is no such form."));
    const session = await sessionFor(deps, cookiesOf(req).get(sessionCookie));
    const origin = req.headers.origin;
    let form: URLSearchParams;
    try {
      form = new URLSearchParams((await readBody(req, 8 * 1024)).toString("utf8"));
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return sendPage(res, 413, notePage("Too large", "That form was too large."));
      throw error;
    }
    if (
      !session ||
      !csrfMatches(session, form.get("csrf") ?? undefined) ||
      (origin && options.origin && origin !== options.origin)
    ) {
      deps.log.warn("dashboard form refused", { path, reason: session ? "csrf" : "no session" });
      return sendPage(
        res,
        403,
        notePage(
          "Refused",
          "This form has expired or did not come from coo's own page. Nothing was changed.",
          undefined,
          { href: "/app", text: "Back to the dashboard" },
        ),
      );
    }
    try {
      const viewer = await viewerOf(deps, session);
      await handle(deps, { viewer, session, form }, res);
    } catch (error) {
      refused(res, error);
    }
  };

  return { "GET /app": get, "GET /app/*": get, "POST /app/*": post };
}
