import { scaleBand, scaleLinear } from "d3-scale";
import { line, stack } from "d3-shape";
import type { Week } from "../dashboard/use-cases.js";
import { type Html, html, trusted } from "./html.js";

/** The outcomes stacked in each week's bar, bottom up, with their colours and names. */
export const series = [
  { key: "onTime", label: "done on time", color: "#2e7d32" },
  { key: "late", label: "done late", color: "#f9a825" },
  { key: "slipped", label: "slipped", color: "#c62828" },
  { key: "dropped", label: "dropped", color: "#9e9e9e" },
] as const;

const width = 640;
const height = 260;
const margin = { top: 16, right: 12, bottom: 40, left: 36 };

/**
 * Commitments planned per week (a line) against how they ended (stacked
 * bars), as SVG made on the server with d3-scale and d3-shape: no script in
 * the browser. It scales to the page's width (viewBox).
 */
export function weeklyChart(weeks: Week[], title: string): Html {
  const x = scaleBand<string>()
    .domain(weeks.map((w) => w.week))
    .range([margin.left, width - margin.right])
    .padding(0.2);
  const top = Math.max(
    1,
    ...weeks.map((w) => Math.max(w.planned, w.onTime + w.late + w.slipped + w.dropped)),
  );
  const y = scaleLinear()
    .domain([0, top])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const stacked = stack<Week>().keys(series.map((s) => s.key))(weeks);
  const bars = stacked
    .map((layer, i) =>
      layer
        .map((point) => {
          const w = point.data;
          const h = y(point[0]) - y(point[1]);
          if (h <= 0) return "";
          return `<rect x="${num(x(w.week) ?? 0)}" y="${num(y(point[1]))}" width="${num(x.bandwidth())}" height="${num(h)}" fill="${series[i]?.color}"><title>${w.week}: ${w[series[i]?.key ?? "onTime"]} ${series[i]?.label}</title></rect>`;
        })
        .join(""),
    )
    .join("");
  const plannedLine =
    line<Week>()
      .x((w) => (x(w.week) ?? 0) + x.bandwidth() / 2)
      .y((w) => y(w.planned))(weeks) ?? "";
  const dots = weeks
    .map(
      (w) =>
        `<circle cx="${num((x(w.week) ?? 0) + x.bandwidth() / 2)}" cy="${num(y(w.planned))}" r="3" fill="#1565c0"><title>${w.week}: ${w.planned} planned</title></circle>`,
    )
    .join("");
  const yTicks = y
    .ticks(5)
    .filter((t) => Number.isInteger(t))
    .map(
      (t) =>
        `<g><line x1="${margin.left}" x2="${width - margin.right}" y1="${num(y(t))}" y2="${num(y(t))}" stroke="#e0e0e0"/><text x="${margin.left - 6}" y="${num(y(t) + 4)}" text-anchor="end">${t}</text></g>`,
    )
    .join("");
  const xTicks = weeks
    .map((w, i) =>
      i % 2 === weeks.length % 2
        ? ""
        : `<text x="${num((x(w.week) ?? 0) + x.bandwidth() / 2)}" y="${height - margin.bottom + 16}" text-anchor="middle">${w.week.slice(5)}</text>`,
    )
    .join("");
  const svg = `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">${escapeSvg(title)}</title>${yTicks}${bars}<path d="${plannedLine}" fill="none" stroke="#1565c0" stroke-width="2"/>${dots}${xTicks}<text x="${margin.left}" y="${height - 6}">weeks starting (month-day)</text></svg>`;
  return html`<figure>
    ${trusted(svg)}
    <figcaption class="legend">
      <span><i style="background:#1565c0"></i>planned</span>
      ${series.map((s) => html`<span><i style="background:${s.color}"></i>${s.label}</span>`)}
    </figcaption>
  </figure>`;
}

const num = (n: number) => (Number.isFinite(n) ? Math.round(n * 10) / 10 : 0);
const escapeSvg = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
