// The one table issue 18 asks of every bench run: each figure with its goal
// beside it. A part left out by BENCH_ONLY shows as "not run".

import { median, type StartTimes } from "./start.js";

export type AckRatio = { database: string; what: string; p99: number; baseline: number };

export type Figures = {
  rssMb: Map<string, number>;
  start?: StartTimes;
  acks: AckRatio[];
};

type Line = { figure: string; value: string; goal: string; met?: boolean };

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function memory(figures: Figures, kind: string, label: string, goalMb: number): Line {
  const mb = figures.rssMb.get(kind);
  return {
    figure: `idle memory, ${label}`,
    value: mb === undefined ? "not run" : `${mb.toFixed(0)} MB`,
    goal: `<= ${goalMb} MB`,
    met: mb === undefined ? undefined : mb <= goalMb,
  };
}

function ack(figures: Figures, database: string, what: string, goal: number): Line {
  const row = figures.acks.find((r) => r.database === database && r.what.startsWith(what));
  const ratio = row ? row.p99 / row.baseline : undefined;
  return {
    figure: `p99 ack at 50 in flight, ${database}, ${what}`,
    value: row && ratio !== undefined ? `${ratio.toFixed(1)}x (${row.p99.toFixed(0)} ms)` : "not run",
    goal: `<= ${goal}x bare Bolt`,
    met: ratio === undefined ? undefined : ratio <= goal,
  };
}

export function goalsTable(figures: Figures): string[] {
  const start = figures.start;
  const second = start ? median(start.secondMs) : undefined;
  const lines: Line[] = [
    memory(figures, "pglite", "embedded PGlite", 250),
    memory(figures, "postgres", "Postgres", 120),
    {
      figure: "start to healthy, second start (PGlite)",
      value: second === undefined ? "not run" : seconds(second),
      goal: "<= 2 s",
      met: second === undefined ? undefined : second <= 2000,
    },
    {
      figure: "start to healthy, first start (PGlite)",
      value: start ? seconds(median(start.firstMs)) : "not run",
      goal: "-",
    },
    {
      figure: "npm start's build check, build current",
      value: start ? seconds(median(start.checkMs)) : "not run",
      goal: "-",
    },
    ack(figures, "pglite", "/coo blockers", 4),
    ack(figures, "pglite", "/coo commit", 4),
    ack(figures, "postgres", "/coo blockers", 2),
    ack(figures, "postgres", "/coo commit", 2),
  ];
  const width = Math.max(...lines.map((l) => l.figure.length));
  return lines.map((l) => {
    const verdict = l.met === undefined ? "" : l.met ? "  met" : "  not yet";
    return `${l.figure.padEnd(width)}  ${l.value.padStart(16)}  goal ${l.goal}${verdict}`;
  });
}
