/** Counting and durations as a person writes them: "1 blocker", "3 blockers", "5 minutes". */

/** "1,000": a number as a person reads it. */
export const count = (n: number) => n.toLocaleString("en-US");

/** "1 commitment", "1,000 commitments"; `many` for irregular plurals ("1 person", "2 people"). */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** The verb after a count: "1 commitment needs", "2 commitments need". */
export function agree(n: number, singular: string, pluralForm: string): string {
  return n === 1 ? singular : pluralForm;
}

const minute = 60_000;

/** "less than a minute", "1 minute", "5 minutes", "3 hours" (under two days), "4 days". */
export function duration(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / minute));
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return plural(hours, "hour");
  return plural(Math.floor(hours / 24), "day");
}
