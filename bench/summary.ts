// The one table issue 18 asks of every bench run: each figure with its goal
// beside it. A part left out by BENCH_ONLY shows as "not run".

import { median, type StartTimes } from "./start.js";

export type AckRatio = { database: string; what: string; p99: number; baseline: number };

export type Figures = {
  rssMb: Map<string, number>;
  start?: StartTimes;
  acks: AckRatio[];
  /** Issue 17: the dashboard's team view, 100 people and 50,000 commitments, on Postgres (p99 ms). */
  dashboardP99?: number | undefined;
};

/** `ratio`: the figure over its goal (1.0 or less: met). */
type Line = { figure: string; value: string; goal: string; ratio?: number };

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function memory(figures: Figures, key: string, label: string, goalMb: number): Line {
  const mb = figures.rssMb.get(key);
  return {
    figure: `idle memory, ${label}`,
    value: mb === undefined ? "not run" : `${mb.toFixed(0)} MB`,
    goal: `<= ${goalMb} MB`,
    ratio: mb === undefined ? undefined : mb / goalMb,
  };
}

function ack(figures: Figures, database: string, what: string, goal: number): Line {
  const row = figures.acks.find((r) => r.database === database && r.what.startsWith(what));
  const ratio = row ? row.p99 / row.baseline : undefined;
  return {
    figure: `p99 ack at 50 in flight, ${database}, ${what}`,
    value: row && ratio !== undefined ? `${ratio.toFixed(1)}x (${row.p99.toFixed(0)} ms)` : "not run",
    goal: `<= ${goal}x bare Bolt`,
    ratio: ratio === undefined ? undefined : ratio / goal,
  };
}

export function goalsTable(figures: Figures): string[] {
  const start = figures.start;
  const second = start ? median(start.secondMs) : undefined;
  const lines: Line[] = [
    memory(figures, "pglite", "embedded PGlite, after a restart", 250),
    memory(figures, "pglite first", "embedded PGlite, after its first start", 250),
    memory(figures, "postgres", "Postgres, after a restart", 120),
    memory(figures, "postgres first", "Postgres, after its first start", 120),
    {
      figure: "start to healthy, second start (PGlite)",
      value: second === undefined ? "not run" : seconds(second),
      goal: "<= 2 s",
      ratio: second === undefined ? undefined : second / 2000,
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
    {
      figure: "dashboard team view p99, 100 people, 50,000 commitments, Postgres",
      value: figures.dashboardP99 === undefined ? "not run" : `${figures.dashboardP99.toFixed(0)} ms`,
      goal: "<= 300 ms",
      ratio: figures.dashboardP99 === undefined ? undefined : figures.dashboardP99 / 300,
    },
  ];
  const width = Math.max(...lines.map((l) => l.figure.length));
  const goalWidth = Math.max(...lines.map((l) => l.goal.length));
  return lines.map((l) => {
    const verdict =
      l.ratio === undefined ? "" : `  ${l.ratio.toFixed(2)} of the goal, ${l.ratio <= 1 ? "met" : "not yet"}`;
    return `${l.figure.padEnd(width)}  ${l.value.padStart(16)}  goal ${l.goal.padEnd(goalWidth)}${verdict}`;
  });
}
