import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Deps } from "../deps.js";
import { CooError } from "../errors.js";
import { type Handler, type Routes, sendJson } from "../http/server.js";
import { type ApiKind, apiKinds, apiPage, authenticateToken, maxPage } from "./use-cases.js";

/*
 * The read-only JSON API (docs/decisions/0029-data-out.md): GET /api/v1/<kind>
 * with `Authorization: Bearer <token>`; a token reads its own workspace and
 * nothing else. Pages are in id order; `next` is the address of the next page.
 */

const defaultPage = 100;

const isoDate = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
    {
      message: "a date such as 2026-11-01 or 2026-11-01T09:00:00Z",
    },
  )
  .transform((s) => new Date(s));

const params = z.object({
  from: isoDate.optional(),
  to: isoDate.optional(),
  person: z
    .string()
    .regex(/^[UW][A-Z0-9]{1,20}$/, "a Slack user id such as U0123ABC")
    .optional(),
  workstream: z
    .string()
    .regex(/^[a-z0-9][\w-]{0,79}$/i, "a workstream's name, without the #")
    .transform((s) => s.toLowerCase())
    .optional(),
  after: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(maxPage).default(defaultPage),
});

function bearer(req: IncomingMessage): string | undefined {
  const value = req.headers.authorization ?? "";
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1];
}

const refused = {
  error: "unauthorized",
  message:
    "Send `Authorization: Bearer <token>` with a live API token. An admin makes one with `/coo api token create <label>`.",
};

function route(deps: Pick<Deps, "db" | "clock" | "log">, kind: ApiKind): Handler {
  return async (req, res) => {
    const token = bearer(req);
    const who = token ? await authenticateToken(deps, token) : undefined;
    if (!who) {
      res.setHeader("www-authenticate", 'Bearer realm="coo"');
      sendJson(res, 401, refused);
      return;
    }
    const url = new URL(req.url ?? "/", "http://coo.invalid");
    const known = new Set(Object.keys(params.shape));
    const unknown = [...url.searchParams.keys()].find((k) => !known.has(k));
    const parsed = params.safeParse(Object.fromEntries(url.searchParams));
    if (unknown || !parsed.success) {
      const issue = parsed.error?.issues[0];
      sendJson(res, 400, {
        error: "bad_request",
        message: unknown
          ? `Unknown parameter ${unknown}: use from, to, person, workstream, limit, after.`
          : `${String(issue?.path[0])}: ${issue?.message}`,
        example: `/api/v1/${kind}?from=2026-11-01&person=U0123ABC&limit=50`,
      });
      return;
    }
    try {
      const page = await apiPage(deps, who.workspaceId, kind, parsed.data);
      let next: string | null = null;
      if (page.next !== undefined) {
        url.searchParams.set("after", String(page.next));
        next = `${url.pathname}?${url.searchParams.toString()}`;
      }
      sendJson(res, 200, { data: page.data, next });
    } catch (error) {
      if (error instanceof CooError && (error.code === "bad_input" || error.code === "not_found")) {
        sendJson(res, error.code === "bad_input" ? 400 : 404, { error: error.code, message: error.message });
        return;
      }
      throw error;
    }
  };
}

/** GET /api/v1/commitments, /blockers, /standups, /handoffs, /people. */
export function apiRoutes(deps: Pick<Deps, "db" | "clock" | "log">): Routes {
  return Object.fromEntries(apiKinds.map((kind) => [`GET /api/v1/${kind}`, route(deps, kind)]));
}
