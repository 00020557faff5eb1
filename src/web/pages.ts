import type { PersonView, Row, TeamView, Viewer, WorkstreamView } from "../dashboard/use-cases.js";
import { onTimeRate } from "../dashboard/use-cases.js";
import type { TokenSummary } from "../export/use-cases.js";
import type { WeeklyReview } from "../standups/use-cases.js";
import { duration, plural } from "../words.js";
import { weeklyChart } from "./charts.js";
import { type Html, html } from "./html.js";

/**
 * The dashboard's pages: server-rendered HTML, readable with no script, one
 * small stylesheet that fits a phone. Every value that came from a person
 * (titles, names, reasons) goes through `html`, which escapes it.
 */

const style = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;background:#fafafa}
header{background:#1d1d1f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none}header .who{margin-left:auto;font-size:.9rem;opacity:.85}
header form{display:inline}header button{background:none;border:1px solid #888;color:#fff;border-radius:4px;padding:.15rem .5rem;cursor:pointer}
main{max-width:960px;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
section{background:#fff;border:1px solid #e5e5e5;border-radius:8px;padding:.8rem 1rem;margin:.8rem 0}
.chart{width:100%;height:auto;font-size:11px}.chart text{fill:#555}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.85rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;border-radius:2px;vertical-align:-1px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;white-space:nowrap}
td.t{white-space:normal;min-width:12rem}th{font-weight:600;color:#555}td.n,th.n{text-align:right}
.muted{color:#666;font-size:.9rem}.tag{display:inline-block;padding:0 .4rem;border-radius:3px;background:#eee;font-size:.8rem}
.late{color:#c62828}ul.plain{padding-left:1.1rem;margin:.3rem 0}
@media (max-width:600px){main{padding:.5rem}section{padding:.6rem}header .who{margin-left:0;width:100%}}
`;

export type Chrome = { viewer: Viewer; csrfToken: string };

const dateFormat = (timeZone: string) =>
  new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone,
  });

/** "Wed 2 Dec 2026": dates in words, in the viewer's zone. */
export const day = (date: Date, timeZone: string) => dateFormat(timeZone).format(date);

const percent = (rate: number | undefined) => (rate === undefined ? "–" : `${Math.round(rate * 100)}%`);

function layout(title: string, body: Html, chrome?: Chrome): string {
  const nav = chrome
    ? html`<header>
        <a href="/app"><strong>coo</strong></a>
        <a href="/app">Team</a>
        <a href="/app/people/${encodeURIComponent(chrome.viewer.userId)}">My work</a>
        ${chrome.viewer.privileged ? html`<a href="/app/tokens">API tokens</a>` : ""}
        <span class="who">${chrome.viewer.name} · ${chrome.viewer.workspaceName}
          <form method="post" action="/app/auth/signout">
            <input type="hidden" name="csrf" value="${chrome.csrfToken}">
            <button type="submit">Sign out</button>
          </form>
        </span>
      </header>`
    : html`<header><a href="/app"><strong>coo</strong></a></header>`;
  return `<!doctype html>${html`<html lang="en"><head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · coo</title><style>${style}</style></head>
<body>${nav}<main>${body}</main></body></html>`}`;
}

const personLink = (id: string, names: Map<string, string>) =>
  html`<a href="/app/people/${encodeURIComponent(id)}">${names.get(id) ?? id}</a>`;
const streamLink = (name: string) =>
  html`<a href="/app/workstreams/${encodeURIComponent(name)}">#${name}</a>`;

function figuresTable(rows: Row[], first: string, link: (r: Row) => Html): Html {
  if (rows.length === 0) return html`<p class="muted">Nothing in these twelve weeks.</p>`;
  return html`<div class="scroll"><table>
    <thead><tr><th>${first}</th><th class="n">planned</th><th class="n">on time</th><th class="n">late</th>
    <th class="n">slipped</th><th class="n">dropped</th><th class="n">on-time rate</th><th class="n">standups answered</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr><td>${link(r)}</td><td class="n">${r.planned}</td><td class="n">${r.onTime}</td>
        <td class="n">${r.late}</td><td class="n">${r.slipped}</td><td class="n">${r.dropped}</td>
        <td class="n">${percent(r.onTimeRate)}</td>
        <td class="n">${r.asked ? `${r.answered} of ${r.asked} (${percent(r.answered / r.asked)})` : "–"}</td></tr>`,
    )}</tbody></table></div>`;
}

const rateNote = html`<p class="muted">On-time rate: of the work whose first date has come, the share done by that date (dropped work left out). Slipped: still open past its first date, or moved to a later one.</p>`;

const stepNames = {
  dm_owner: "owner told",
  remind_owner: "owner reminded",
  tell_lead: "lead or channel told",
  tell_ceo: "CEO told",
} as const;

function weeksTotal(weeks: TeamView["weeks"]) {
  const t = { planned: 0, onTime: 0, late: 0, slipped: 0, dropped: 0 };
  for (const w of weeks) {
    t.planned += w.planned;
    t.onTime += w.onTime;
    t.late += w.late;
    t.slipped += w.slipped;
    t.dropped += w.dropped;
  }
  return t;
}

function reviewLinks(weeks: TeamView["weeks"]): Html {
  // A week's review is named by its last day (the Sunday after the Monday it starts).
  return html`<p class="muted">Weekly reviews: ${weeks
    .slice(0, -1)
    .reverse()
    .map((w, i) => {
      const end = new Date(`${w.week}T12:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 6);
      const date = end.toISOString().slice(0, 10);
      return html`${i ? " · " : ""}<a href="/app/reviews/${date}">${date}</a>`;
    })}</p>`;
}

export function teamPage(view: TeamView, chrome: Chrome): string {
  const { viewer, now } = view;
  const total = weeksTotal(view.weeks);
  const scope = viewer.people
    ? html`<p class="muted">You see your own work and your teams' (${plural(viewer.people.length, "person", "people")} in the channels coo runs a standup or review in with you).</p>`
    : html`<p class="muted">You see everyone in ${viewer.workspaceName}.</p>`;
  return layout(
    "Team",
    html`<h1>Are we landing what we promised?</h1>${scope}
    <section><h2>Last twelve weeks</h2>
      <p>${plural(total.planned, "commitment")} planned · ${total.onTime} done on time · ${total.late} late · ${total.slipped} slipped · ${total.dropped} dropped · on-time rate ${percent(onTimeRate(total))}</p>
      ${weeklyChart(view.weeks, "Commitments planned per week and how they ended")}
      ${reviewLinks(view.weeks)}
      ${exportLinks({ from: view.weeks[0]?.week })}
    </section>
    <section><h2>By person</h2>${figuresTable(view.people, "person", (r) => personLink(r.key, view.names))}${rateNote}</section>
    <section><h2>By workstream</h2>${figuresTable(view.workstreams, "workstream", (r) => streamLink(r.key))}</section>
    <section><h2>Open blockers by age</h2>${blockersTable(view.blockers, view.names, viewer.timeZone, now)}</section>
    <section><h2>The slip ladder now</h2>
      <p>${Object.entries(view.ladder.counts).map(
        ([step, n], i) => html`${i ? " · " : ""}${stepNames[step as keyof typeof stepNames]}: ${n}`,
      )}</p>
      ${
        view.ladder.items.length
          ? html`<div class="scroll"><table><thead><tr><th>commitment</th><th>owner</th><th>due</th><th>last step</th></tr></thead><tbody>
          ${view.ladder.items.map(
            (
              l,
            ) => html`<tr><td class="t">C${l.number} ${l.title}</td><td>${personLink(l.ownerId, view.names)}</td>
              <td class="late">${day(l.dueAt, viewer.timeZone)}</td><td>${stepNames[l.step]}, ${duration(now.getTime() - l.sentAt.getTime())} ago</td></tr>`,
          )}</tbody></table></div>`
          : html`<p class="muted">No open commitment is being chased.</p>`
      }
    </section>`,
    chrome,
  );
}

function blockersTable(
  blockers: TeamView["blockers"],
  names: Map<string, string>,
  timeZone: string,
  now: Date,
): Html {
  if (blockers.length === 0) return html`<p class="muted">No open blockers.</p>`;
  const ages = { "under 1 day": 0, "1–3 days": 0, "3–7 days": 0, "over 7 days": 0 };
  for (const b of blockers) {
    const d = (now.getTime() - b.openedAt.getTime()) / 86_400_000;
    ages[d < 1 ? "under 1 day" : d < 3 ? "1–3 days" : d < 7 ? "3–7 days" : "over 7 days"]++;
  }
  return html`<p>${Object.entries(ages).map(([age, n], i) => html`${i ? " · " : ""}${age}: ${n}`)}</p>
    <div class="scroll"><table><thead><tr><th>blocker</th><th>raised by</th><th>waiting on</th><th>open since</th></tr></thead><tbody>
    ${blockers.slice(0, 30).map(
      (b) => html`<tr><td class="t">B${b.number} ${b.text}</td><td>${personLink(b.reporterId, names)}</td>
        <td>${b.waitingOnId ? personLink(b.waitingOnId, names) : (b.waitingOnText ?? "–")}</td>
        <td>${day(b.openedAt, timeZone)} (${duration(now.getTime() - b.openedAt.getTime())})</td></tr>`,
    )}</tbody></table></div>`;
}

const changeWords = {
  created: "recorded",
  redated: "moved",
  reassigned: "handed over",
  done: "done",
  dropped: "dropped",
  confirmed: "confirmed on track",
  snoozed: "snoozed",
} as const;

export function personPage(view: PersonView, chrome: Chrome): string {
  const tz = chrome.viewer.timeZone;
  const own = view.userId === chrome.viewer.userId;
  return layout(
    view.name,
    html`<h1>${own ? "My work" : view.name}</h1>
    <section><h2>Last twelve weeks</h2>
      <p>${plural(view.total.planned, "commitment")} planned · on-time rate ${percent(view.total.onTimeRate)} ·
        standups answered: ${view.total.asked ? `${view.total.answered} of ${view.total.asked}` : "none asked"}</p>
      ${weeklyChart(view.weeks, `${view.name}: commitments planned per week and how they ended`)}
      ${exportLinks({ person: view.userId, from: view.weeks[0]?.week })}
    </section>
    <section><h2>Ledger</h2>${
      view.commitments.length
        ? html`<div class="scroll"><table><thead><tr><th>commitment</th><th>workstream</th><th>status</th><th>due</th><th>first promised</th></tr></thead><tbody>
        ${view.commitments.map(
          (c) => html`<tr><td class="t">C${c.number} ${c.title}</td>
            <td>${c.workstream ? streamLink(c.workstream.name) : "–"}</td>
            <td>${c.status === "open" && c.dueAt < view.now ? html`<span class="late">overdue</span>` : c.status}</td>
            <td>${day(c.dueAt, tz)}</td><td>${c.originalDueAt.getTime() === c.dueAt.getTime() ? "same" : day(c.originalDueAt, tz)}</td></tr>`,
        )}</tbody></table></div>`
        : html`<p class="muted">No commitments in these twelve weeks.</p>`
    }</section>
    <section><h2>Open blockers</h2>${blockersTable(view.blockers, view.names, tz, view.now)}</section>
    <section><h2>History</h2>${
      view.history.length
        ? html`<ul class="plain">${view.history.map(
            (
              h,
            ) => html`<li>${day(h.at, tz)}: C${h.commitment.number} ${h.commitment.title}: ${changeWords[h.kind]}
              ${h.kind === "redated" && h.toDueAt ? html` to ${day(h.toDueAt, tz)}` : ""}
              ${h.kind === "reassigned" && h.toOwnerId ? html` to ${view.names.get(h.toOwnerId) ?? h.toOwnerId}` : ""}
              ${h.actorId !== view.userId ? html` by ${view.names.get(h.actorId) ?? h.actorId}` : ""}
              ${h.reason ? html` (“${h.reason}”)` : ""}</li>`,
          )}</ul>`
        : html`<p class="muted">Nothing has changed yet.</p>`
    }</section>`,
    chrome,
  );
}

export function workstreamPage(view: WorkstreamView, chrome: Chrome): string {
  const tz = chrome.viewer.timeZone;
  return layout(
    `#${view.name}`,
    html`<h1>#${view.name}</h1><p class="muted">Owned by ${personLink(view.ownerId, view.names)}</p>
    <section><h2>Last twelve weeks</h2>${weeklyChart(view.weeks, `#${view.name}: commitments planned per week and how they ended`)}
    ${exportLinks({ workstream: view.name, from: view.weeks[0]?.week })}</section>
    <section><h2>By person</h2>${figuresTable(view.people, "person", (r) => personLink(r.key, view.names))}${rateNote}</section>
    <section><h2>Open work</h2>${
      view.open.length
        ? html`<div class="scroll"><table><thead><tr><th>commitment</th><th>owner</th><th>due</th></tr></thead><tbody>
        ${view.open.map(
          (
            c,
          ) => html`<tr><td class="t">C${c.number} ${c.title}</td><td>${personLink(c.ownerId, view.names)}</td>
            <td${c.dueAt < view.now ? html` class="late"` : ""}>${day(c.dueAt, tz)}</td></tr>`,
        )}</tbody></table></div>`
        : html`<p class="muted">Nothing open.</p>`
    }</section>`,
    chrome,
  );
}

export function reviewPage(
  input: { review: WeeklyReview; names: Map<string, string>; now: Date; date: string },
  chrome: Chrome,
): string {
  const { review, names, now } = input;
  const tz = chrome.viewer.timeZone;
  const tally = (t: WeeklyReview["total"]) =>
    html`<td class="n">${t.planned}</td><td class="n">${t.done}</td><td class="n">${t.slipped}</td><td class="n">${t.planned ? `${Math.round((t.onTime / t.planned) * 100)}%` : "–"}</td>`;
  const head = html`<thead><tr><th></th><th class="n">planned</th><th class="n">done</th><th class="n">slipped</th><th class="n">on time</th></tr></thead>`;
  return layout(
    `Review to ${input.date}`,
    html`<h1>Weekly review for the week to ${day(new Date(review.slot.getTime() - 1), tz)}</h1>
    <p class="muted">The figures the review cadence posts. Risks and blockers are as of now.</p>
    ${
      review.bets.items.length
        ? html`<section><h2>Bets (${review.bets.total} open)</h2><ul class="plain">${review.bets.items.map(
            (b) =>
              html`<li>G${b.bet.number} ${b.bet.title}${b.bet.targetDate ? html` · by ${day(b.bet.targetDate, tz)}` : ""}</li>`,
          )}</ul></section>`
        : ""
    }
    <section><h2>Planned against done</h2><div class="scroll"><table>${head}<tbody>
      <tr><td><strong>everyone</strong></td>${tally(review.total)}</tr>
      ${[...review.byOwner.entries()].map(([id, t]) => html`<tr><td>${personLink(id, names)}</td>${tally(t)}</tr>`)}
      ${[...review.byStream.entries()].map(([name, t]) => html`<tr><td>${streamLink(name)}</td>${tally(t)}</tr>`)}
    </tbody></table></div></section>
    <section><h2>Open blockers by age</h2><p>${Object.entries(review.blockerAges).map(
      ([age, n], i) => html`${i ? " · " : ""}${age}: ${n}`,
    )}</p><p>${plural(review.handoffs.open, "open handoff")}</p></section>
    <section><h2>Biggest risks</h2>${
      review.risks.length
        ? html`<ul class="plain">${review.risks.map((r) =>
            r.kind === "overdue"
              ? html`<li>C${r.commitment.number} ${r.commitment.title} (${names.get(r.commitment.ownerId) ?? r.commitment.ownerId}) is overdue since ${day(r.commitment.dueAt, tz)}</li>`
              : html`<li>B${r.blocker.number} ${r.blocker.text} has blocked ${names.get(r.blocker.reporterId) ?? r.blocker.reporterId} for ${duration(now.getTime() - r.blocker.openedAt.getTime())}</li>`,
          )}</ul>`
        : html`<p class="muted">None.</p>`
    }</section>`,
    chrome,
  );
}

/** A page that only says something: signed out, refused, not found. */
export function notePage(
  title: string,
  text: string,
  chrome?: Chrome,
  link?: { href: string; text: string },
): string {
  return layout(
    title,
    html`<h1>${title}</h1><section><p>${text}</p>${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ""}</section>`,
    chrome,
  );
}

/** Links to CSV and JSON exports with a page's filters (the export feature decides what the viewer may have). */
export function exportLinks(filters: Record<string, string | undefined>): Html {
  const query = new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  const q = query ? `?${query}` : "";
  return html`<p class="muted">Export: ${(["commitments", "blockers", "standups", "handoffs"] as const).map(
    (kind, i) =>
      html`${i ? " · " : ""}${kind} <a href="/app/export/${kind}.csv${q}" download>CSV</a> <a href="/app/export/${kind}.json${q}" download>JSON</a>`,
  )}</p>`;
}

export function tokensPage(tokens: TokenSummary[], chrome: Chrome): string {
  const tz = chrome.viewer.timeZone;
  return layout(
    "API tokens",
    html`<h1>API tokens</h1>
    <p class="muted">A token reads this workspace through /api/v1/ (read only). coo keeps only its hash: it is shown once, when it is made.</p>
    <section><h2>New token</h2>
      <form method="post" action="/app/tokens/create">
        <input type="hidden" name="csrf" value="${chrome.csrfToken}">
        <label>Label <input name="label" maxlength="80" required placeholder="reporting"></label>
        <button type="submit">Create token</button>
      </form></section>
    <section><h2>Tokens</h2>${
      tokens.length
        ? html`<div class="scroll"><table><thead><tr><th>id</th><th>label</th><th>made</th><th>last used</th><th></th></tr></thead><tbody>
        ${tokens.map(
          (t) => html`<tr><td>${t.id}</td><td class="t">${t.label}</td><td>${day(t.createdAt, tz)}</td>
            <td>${t.lastUsedAt ? day(t.lastUsedAt, tz) : "never"}</td>
            <td>${
              t.revokedAt
                ? html`revoked ${day(t.revokedAt, tz)}`
                : html`<form method="post" action="/app/tokens/revoke"><input type="hidden" name="csrf" value="${chrome.csrfToken}"><input type="hidden" name="id" value="${t.id}"><button type="submit">Revoke ${t.id}</button></form>`
            }</td></tr>`,
        )}</tbody></table></div>`
        : html`<p class="muted">No tokens yet.</p>`
    }</section>`,
    chrome,
  );
}

export function tokenCreatedPage(made: { id: string; token: string }, chrome: Chrome): string {
  return layout(
    "Token created",
    html`<h1>Token ${made.id} created</h1>
    <section><p>Copy it now: coo keeps only its hash and will not show it again.</p>
    <p><code id="token">${made.token}</code></p>
    <p><a href="/app/tokens">Back to the tokens</a></p></section>`,
    chrome,
  );
}
