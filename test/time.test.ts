import { expect, test } from "vitest";
import { describeInstant, offDay, parseWhen } from "../src/time/when.js";
import { wallClock, zonedToUtc } from "../src/time/zoned.js";

// Wednesday 2 December 2026, 15:00 UTC.
const now = new Date("2026-12-02T15:00:00Z");
const at = (text: string, timeZone: string) => parseWhen(text, { now, timeZone })?.at.toISOString();

test("a weekday without a time means the end of that working day in the owner's zone", () => {
  expect(at("Friday", "America/New_York")).toBe("2026-12-04T22:00:00.000Z");
  expect(at("by Friday", "Europe/Berlin")).toBe("2026-12-04T16:00:00.000Z");
  expect(at("friday", "Asia/Kolkata")).toBe("2026-12-04T11:30:00.000Z");
});

test("explicit dates, times and relative phrases", () => {
  expect(at("tomorrow 5pm", "America/New_York")).toBe("2026-12-03T22:00:00.000Z");
  expect(at("2026-12-03", "Europe/Berlin")).toBe("2026-12-03T16:00:00.000Z");
  expect(at("in 3 days", "UTC")).toBe("2026-12-05T17:00:00.000Z");
  expect(at("Dec 24 9:30", "UTC")).toBe("2026-12-24T09:30:00.000Z");
});

test("a time written with its own offset is that instant, whatever the owner's zone", () => {
  expect(at("2026-12-09T15:00:00Z", "America/New_York")).toBe("2026-12-09T15:00:00.000Z");
  expect(at("2026-12-09T15:00:00+02:00", "Asia/Tokyo")).toBe("2026-12-09T13:00:00.000Z");
  expect(at("2026-12-09T15:00:00Z", "UTC")).toBe("2026-12-09T15:00:00.000Z");
  expect(at("tomorrow 5pm UTC", "America/New_York")).toBe("2026-12-03T17:00:00.000Z");
  // Counted from now, in any zone.
  expect(at("in 3 hours", "America/New_York")).toBe("2026-12-02T18:00:00.000Z");
  expect(at("in 3 hours", "Asia/Tokyo")).toBe("2026-12-02T18:00:00.000Z");
});

test("'today' after the working day ends means the end of today, not a time already gone", () => {
  const late = new Date("2026-12-02T18:30:00Z");
  expect(parseWhen("today", { now: late, timeZone: "UTC" })?.at.toISOString()).toBe(
    "2026-12-02T23:59:00.000Z",
  );
});

test("text that is not wholly a date is not a date", () => {
  expect(parseWhen("soon", { now, timeZone: "UTC" })).toBeUndefined();
  expect(parseWhen("friday fish", { now, timeZone: "UTC" })).toBeUndefined();
  expect(parseWhen("", { now, timeZone: "UTC" })).toBeUndefined();
});

test("dates across a daylight-saving change keep their wall time", () => {
  // New York enters DST on 14 Mar 2027: 10:00 is 15:00Z before and 14:00Z after.
  const winter = new Date("2027-03-05T15:00:00Z");
  expect(parseWhen("2027-03-12 10:00", { now: winter, timeZone: "America/New_York" })?.at.toISOString()).toBe(
    "2027-03-12T15:00:00.000Z",
  );
  expect(parseWhen("2027-03-15 10:00", { now: winter, timeZone: "America/New_York" })?.at.toISOString()).toBe(
    "2027-03-15T14:00:00.000Z",
  );
  expect(parseWhen("2027-03-05 23:00", { now: winter, timeZone: "America/New_York" })?.at.toISOString()).toBe(
    "2027-03-06T04:00:00.000Z",
  );
});

test("a wall time skipped by the spring-forward gap moves to the first real instant after it", () => {
  // Berlin jumps from 02:00 to 03:00 on 28 Mar 2027.
  const instant = zonedToUtc({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }, "Europe/Berlin");
  expect(wallClock(instant, "Europe/Berlin").hour).toBe(3);
});

test("a wall time that happens twice when clocks go back resolves to the first", () => {
  // New York repeats 01:00-02:00 on 1 Nov 2026: first at 05:30Z (EDT), again at 06:30Z (EST).
  expect(
    zonedToUtc({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "America/New_York").toISOString(),
  ).toBe("2026-11-01T05:30:00.000Z");
});

test("instants are described in the zone they belong to", () => {
  const now = new Date("2026-12-02T15:00:00Z");
  expect(describeInstant(new Date("2026-12-04T22:00:00Z"), "America/New_York", now)).toBe(
    "Fri 4 Dec 17:00 (America/New_York)",
  );
});

test("the cached wall clock agrees with Intl minute by minute across 2026's offset changes", () => {
  // Zones with DST in either hemisphere, a 45-minute offset, a half-hour DST
  // shift (Lord Howe, which changes at 15:30 UTC) and one without DST, read
  // every seven minutes and a bit through the year, so each change is crossed.
  const zones = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "Asia/Tokyo",
  ];
  const start = Date.UTC(2026, 0, 1);
  const end = Date.UTC(2027, 0, 1);
  for (const timeZone of zones) {
    const intl = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    for (let t = start; t < end; t += 7 * 60_000 + 1_234) {
      const parts = Object.fromEntries(intl.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
      const w = wallClock(new Date(t), timeZone);
      const got = [w.year, w.month, w.day, w.hour, w.minute, w.second].join(" ");
      const want = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second]
        .map(Number)
        .join(" ");
      if (got !== want)
        expect(`${timeZone} ${new Date(t).toISOString()}: ${got}`).toBe(
          `${timeZone} ${new Date(t).toISOString()}: ${want}`,
        );
    }
  }
});

// Issue 12: "by Friday" typed on a Friday afternoon meant today, not next week.
test("a weekday named on that very day means today: 17:00 while it is ahead, else the end of today", () => {
  const fridayAfternoon = new Date("2026-12-04T21:30:00Z"); // 16:30 in New York
  const fridayEvening = new Date("2026-12-04T22:30:00Z"); // 17:30 in New York
  const ny = (text: string, now: Date) =>
    parseWhen(text, { now, timeZone: "America/New_York" })?.at.toISOString();
  expect(ny("by Friday", fridayAfternoon)).toBe("2026-12-04T22:00:00.000Z");
  expect(ny("fri", fridayAfternoon)).toBe("2026-12-04T22:00:00.000Z");
  expect(ny("this friday", fridayAfternoon)).toBe("2026-12-04T22:00:00.000Z");
  expect(ny("Friday", fridayEvening)).toBe("2026-12-05T04:59:00.000Z");
  // "next Friday" and a time already gone today still mean next week.
  expect(ny("next friday", fridayAfternoon)).toBe("2026-12-11T22:00:00.000Z");
  expect(ny("friday 10am", fridayAfternoon)).toBe("2026-12-11T15:00:00.000Z");
  // Another weekday is unchanged: Thursday on a Friday is next Thursday.
  expect(ny("thursday", fridayAfternoon)).toBe("2026-12-10T22:00:00.000Z");
});

test("a due date on a weekend is named, with the next working day at the same time", () => {
  const saturday = new Date("2026-12-05T22:00:00Z"); // Sat 17:00 in New York
  expect(offDay(saturday, "America/New_York")).toEqual({
    dayName: "Saturday",
    nextWorkingDay: new Date("2026-12-07T22:00:00Z"),
  });
  expect(offDay(new Date("2026-12-06T22:00:00Z"), "America/New_York")?.dayName).toBe("Sunday");
  // Late Friday in New York is already Saturday in Berlin: the zone decides.
  expect(offDay(new Date("2026-12-05T02:00:00Z"), "America/New_York")).toBeUndefined();
  expect(offDay(new Date("2026-12-05T02:00:00Z"), "Europe/Berlin")?.dayName).toBe("Saturday");
  expect(offDay(new Date("2026-12-04T22:00:00Z"), "America/New_York")).toBeUndefined();
});
