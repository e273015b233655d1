import { DateTime } from "luxon";
import type { DateRange, IsoDate } from "./types.js";

// Plans speak of calendar days in Asia/Shanghai; inside the core a day is an integer so that
// ranges compare and overlap cheaply.
export const ZONE = "Asia/Shanghai";
const MS_PER_DAY = 86_400_000;

export type Day = number;

export interface DayRange {
  start: Day;
  end: Day;
}

function parse(iso: IsoDate): DateTime {
  const dt = DateTime.fromISO(iso, { zone: ZONE });
  if (!dt.isValid) throw new RangeError(`not a calendar date: ${iso}`);
  return dt;
}

function dayOf(dt: DateTime): Day {
  // The offset term keeps the day exact across the 1986–1991 summer-time years in China.
  return Math.round((dt.toMillis() + dt.offset * 60_000) / MS_PER_DAY);
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

export function toIso(day: Day): IsoDate {
  return DateTime.fromMillis(day * MS_PER_DAY, { zone: "utc" }).toISODate() ?? "";
}

export function toDayRange(range: DateRange): DayRange {
  return { start: toDay(range.start), end: toDay(range.end) };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  return DateTime.fromMillis(day * MS_PER_DAY, { zone: "utc" }).weekday;
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
