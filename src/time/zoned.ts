/** Wall-clock arithmetic in IANA time zones, without a date library. */

export type WallTime = { year: number; month: number; day: number; hour: number; minute: number };
export type ZonedParts = WallTime & { second: number; weekday: number };

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The ways coo reads or writes a time in a zone: a locale and Intl's options. */
const styles = {
  /** Every field, as numbers: what the wall-clock arithmetic reads. */
  parts: [
    "en-US",
    {
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    },
  ],
  /** "Fri, 27 Nov, 17:00" */
  instant: [
    "en-GB",
    {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    },
  ],
  /** "Sat, 4 Dec 2027, 17:00": an instant in another year than the reader's. */
  instantWithYear: [
    "en-GB",
    {
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    },
  ],
  /** "Thu, 3 Dec" */
  day: ["en-GB", { weekday: "short", day: "numeric", month: "short" }],
  /** "Sat, 4 Dec 2027" */
  dayWithYear: ["en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric" }],
} satisfies Record<string, [string, Intl.DateTimeFormatOptions]>;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per style and zone: building one costs far more than using it. */
export function formatterFor(style: keyof typeof styles, timeZone: string): Intl.DateTimeFormat {
  const key = `${style} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const [locale, options] = styles[style];
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** The wall clock in `timeZone` at `instant`, read from Intl; weekday 0 is Sunday. */
function readWallClock(instant: Date, timeZone: string): ZonedParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor("parts", timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: weekdays[parts.weekday ?? "Sun"] ?? 0,
  };
}

// Intl's formatToParts is the slow part of every date a command reads or
// writes. Since 1970 every zone's offset is a whole number of minutes and
// changes only on a quarter hour (UTC), so one offset serves a zone for each
// 15-minute bucket. Earlier instants are read from Intl every time.
const bucketMs = 15 * 60_000;
const offsets = new Map<string, number>();

/** Offset of `timeZone` from UTC at `instant`, in milliseconds (east positive). */
export function offsetMs(instant: Date, timeZone: string): number {
  const t = instant.getTime();
  const bucket = Math.floor(t / bucketMs);
  const key = `${timeZone} ${bucket}`;
  const cached = t >= 0 ? offsets.get(key) : undefined;
  if (cached !== undefined) return cached;
  const w = readWallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offset = asUtc - Math.floor(t / 1000) * 1000;
  if (t >= 0) {
    if (offsets.size >= 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The wall clock in `timeZone` at `instant`; weekday 0 is Sunday. */
export function wallClock(instant: Date, timeZone: string): ZonedParts {
  const local = new Date(instant.getTime() + offsetMs(instant, timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    weekday: local.getUTCDay(),
  };
}

/**
 * The instant at which the wall clock in `timeZone` shows `wall`. A time that
 * does not exist (the hour skipped when clocks go forward) moves forward by the
 * gap; a time that exists twice (clocks go back) takes the first.
 */
export function zonedToUtc(wall: WallTime, timeZone: string): Date {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const day = 24 * 3600_000;
  const before = naive - offsetMs(new Date(naive - day), timeZone);
  const after = naive - offsetMs(new Date(naive + day), timeZone);
  const shows = (t: number) => {
    const w = wallClock(new Date(t), timeZone);
    return (
      w.year === wall.year &&
      w.month === wall.month &&
      w.day === wall.day &&
      w.hour === wall.hour &&
      w.minute === wall.minute
    );
  };
  const valid = [before, after].filter(shows);
  // Twice (clocks went back): the first. Never (clocks went forward): the
  // pre-change offset, which lands just after the gap.
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

/**
 * Saturday and Sunday: the days off coo assumes for everyone (the slip sweep's
 * working hours and the weekend note on due dates). There is no per-workspace
 * setting for them yet.
 */
export const isWeekend = (weekday: number) => weekday === 0 || weekday === 6;

/** Adds whole days to a wall date (calendar arithmetic, not 24-hour steps). */
export function addDays(wall: WallTime, days: number): WallTime {
  const d = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2026-12-03" for the wall date of `instant` in `timeZone`. */
export function isoDate(instant: Date, timeZone: string): string {
  const w = wallClock(instant, timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}
