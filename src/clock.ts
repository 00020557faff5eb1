/** The one source of "now". Tests and the demo pass their own. */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

const checkedZones = new Map<string, boolean>();

/** node-cron accepts any string as a time zone and throws later; check with Intl first. */
export function isValidTimeZone(name: string): boolean {
  if (!name.includes("/") && name !== "UTC") return false;
  const known = checkedZones.get(name);
  if (known !== undefined) return known;
  let valid = true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
  } catch {
    valid = false;
  }
  // Bounded: names come from Slack profiles and from what people type.
  if (checkedZones.size < 1000) checkedZones.set(name, valid);
  return valid;
}
