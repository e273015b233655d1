import { DateTime } from "luxon";
import type { DateRange, IsoDate } from "./types.js";

// Plans speak of calendar days in Asia/Shanghai; inside the core a day is an integer so that ranges compare
// and overlap cheaply. The integer counts calendar days, which no time zone shifts, so dates are read in UTC:
// the same days as reading them in Asia/Shanghai (checked for 1900–2100, summer-time years and 29 February
// birthdays included) without a zone's offsets looked up through Intl. The fixed locale spares luxon asking
// Intl for the system's on first use; ISO dates do not depend on it. Both were a tenth of a cold
// `convalescence solve` (bench/RESULTS.md, Cold start).
const UTC = { zone: "utc", locale: "en-US" } as const;
const MS_PER_DAY = 86_400_000;

export type Day = number;

export interface DayRange {
  start: Day;
  end: Day;
}

/** Whether an ISO date names a real calendar day (the contract checks the `yyyy-mm-dd` shape itself). */
export function isCalendarDay(iso: string): boolean {
  return DateTime.fromISO(iso, UTC).isValid;
}

function parse(iso: IsoDate): DateTime {
  const dt = DateTime.fromISO(iso, UTC);
  if (!dt.isValid) throw new RangeError(`not a calendar date: ${iso}`);
  return dt;
}

function dayOf(dt: DateTime): Day {
  return dt.toMillis() / MS_PER_DAY;
}

// Plans repeat the same few thousand dates; parsing each once keeps the validator and the model builder fast.
const dayCache = new Map<IsoDate, Day>();

export function toDay(iso: IsoDate): Day {
  let day = dayCache.get(iso);
  if (day === undefined) {
    day = dayOf(parse(iso));
    dayCache.set(iso, day);
  }
  return day;
}

function fromDay(day: Day): DateTime {
  return DateTime.fromMillis(day * MS_PER_DAY, UTC);
}

export function toIso(day: Day): IsoDate {
  return fromDay(day).toISODate() ?? "";
}

export function toDayRange(range: DateRange): DayRange {
  return { start: toDay(range.start), end: toDay(range.end) };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  return fromDay(day).weekday;
}

export function rangesOverlap(a: DayRange, b: DayRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function rangeWithin(inner: DayRange, outer: DayRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * The last day on which someone born on `birthDate` is still "not over `maxAge` 周岁": the birthday
 * that completes maxAge + 1 years, since the new 周岁 begins the day after it. Luxon maps 29 February
 * to 28 February in common years, as the regulation's reading requires.
 */
const ageLimitCache = new Map<string, Day>();

export function lastDayWithinAge(birthDate: IsoDate, maxAge: number): Day {
  const key = `${birthDate}/${maxAge}`;
  let day = ageLimitCache.get(key);
  if (day === undefined) {
    day = dayOf(parse(birthDate).plus({ years: maxAge + 1 }));
    ageLimitCache.set(key, day);
  }
  return day;
}
