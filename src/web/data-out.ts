import type { ServerResponse } from "node:http";
import { actorOf, type Viewer } from "../dashboard/use-cases.js";
import type { Deps } from "../deps.js";
import { badInput } from "../errors.js";
import {
  createApiToken,
  type ExportFormat,
  type ExportKind,
  exportData,
  exportKinds,
  listApiTokens,
  revokeApiToken,
} from "../export/use-cases.js";
import { addDays, zonedToUtc } from "../time/zoned.js";
import type { Chrome } from "./pages.js";
import { tokenCreatedPage, tokensPage } from "./pages.js";
import type { FormHandler } from "./routes.js";

/**
 * The dashboard's data out, through the export feature's use cases (who may
 * export what is theirs to say): CSV and JSON downloads with the page's
 * filters, and the admins' API token page.
 */

/** `/app/export/commitments.csv?person=U1&workstream=launch&from=2026-09-01&to=2026-11-30` */
export async function download(
  deps: Deps,
  viewer: Viewer,
  file: string,
  query: URLSearchParams,
  res: ServerResponse,
) {
  const m = /^([a-z]+)\.(csv|json)$/.exec(file);
  const kind = m?.[1] as ExportKind | undefined;
  if (!m || !kind || !exportKinds.includes(kind))
    throw badInput(
      `Exports are ${exportKinds.map((k) => `${k}.csv or ${k}.json`).join(", ")}, e.g. /app/export/commitments.csv`,
    );
  const date = (name: string, end: boolean) => {
    const value = query.get(name);
    if (!value) return undefined;
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!d) throw badInput(`${name} is a date such as 2026-11-30.`);
    const wall = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: 0, minute: 0 };
    return zonedToUtc(end ? addDays(wall, 1) : wall, viewer.timeZone);
  };
  const actor = await actorOf(deps, viewer);
  const out = await exportData(deps, actor, {
    workspaceId: viewer.workspaceId,
    kind,
    format: m[2] as ExportFormat,
    from: date("from", false),
    to: date("to", true),
    person: query.get("person") || undefined,
    workstream: query.get("workstream") || undefined,
  });
  res.writeHead(200, {
    "content-type": out.contentType,
    "content-disposition": `attachment; filename="${out.filename.replace(/[^\w.-]/g, "_")}"`,
    "content-length": Buffer.byteLength(out.body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(out.body);
}

export async function tokens(deps: Deps, viewer: Viewer, chrome: Chrome): Promise<string> {
  const actor = await actorOf(deps, viewer);
  const list = await listApiTokens(deps, actor, { workspaceId: viewer.workspaceId });
  return tokensPage(list, chrome);
}

export const tokenForms: Record<string, FormHandler> = {
  "/app/tokens/create": async (deps, { viewer, session, form }, res) => {
    const actor = await actorOf(deps, viewer);
    const made = await createApiToken(deps, actor, {
      workspaceId: viewer.workspaceId,
      label: form.get("label") ?? "",
    });
    deps.log.info("api token created from the dashboard", {
      team: viewer.workspaceId,
      user: viewer.userId,
      id: made.id,
    });
    sendOnce(res, tokenCreatedPage(made, { viewer, csrfToken: session.csrfToken }));
  },
  "/app/tokens/revoke": async (deps, { viewer, form }, res) => {
    const actor = await actorOf(deps, viewer);
    await revokeApiToken(deps, actor, { workspaceId: viewer.workspaceId, id: form.get("id") ?? "" });
    res.writeHead(303, { location: "/app/tokens", "cache-control": "no-store" });
    res.end();
  },
};

/** The one page that shows a token: never cached, never stored. */
function sendOnce(res: ServerResponse, body: string) {
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "content-security-policy":
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
  });
  res.end(body);
}
