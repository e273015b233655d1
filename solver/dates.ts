import type { DateRange, IsoDate } from "./types.js";

// Plans speak of calendar days in Asia/Shanghai; inside the core a day is an integer, days since 1970-01-01,
// so that ranges compare and overlap cheaply. No time zone shifts a calendar day, so the platform's UTC
// calendar counts them: the same days as luxon reading the dates in Asia/Shanghai (checked for 1900–2100,
// summer-time years and 29 February birthdays included). Luxon's zone and locale look-ups and its objects
// took a tenth of a cold `convalescence solve` (bench/RESULTS.md, Cold start), for a count that needs none.
const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type Day = number;

export interface DayRange {
  start: Day;
  end: Day;
}

/** The day `date` of `month` (1–12) of `year`, or NaN when the calendar has no such day. */
function dayFrom(year: number, month: number, date: number): Day {
  const at = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  at.setUTCFullYear(year, month - 1, date);
  const exists = at.getUTCFullYear() === year && at.getUTCMonth() === month - 1 && at.getUTCDate() === date;
  return exists ? at.getTime() / MS_PER_DAY : Number.NaN;
}

/** Year, month and day of a `yyyy-mm-dd` date, or undefined for any other text. */
function partsOf(iso: string): [number, number, number] | undefined {
  const match = ISO_DATE.exec(iso);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Whether a `yyyy-mm-dd` date names a real calendar day. */
export function isCalendarDay(iso: string): boolean {
  const parts = partsOf(iso);
  return parts !== undefined && !Number.isNaN(dayFrom(...parts));
}

/** Year, month and day of a date that names a real calendar day; a RangeError for anything else. */
function calendarParts(iso: string): [number, number, number] {
  const parts = partsOf(iso);
  if (parts === undefined || Number.isNaN(dayFrom(...parts)))
    throw new RangeError(`not a calendar date: ${iso}`);
  return parts;
}

// Plans repeat the same few thousand dates; parsing each once keeps the validator and the model builder fast.
const dayCache = new Map<IsoDate, Day>();

export function toDay(iso: IsoDate): Day {
  let day = dayCache.get(iso);
  if (day === undefined) {
    day = dayFrom(...calendarParts(iso));
    dayCache.set(iso, day);
  }
  return day;
}

function dateOf(day: Day): Date {
  return new Date(day * MS_PER_DAY);
}

export function toIso(day: Day): IsoDate {
  return dateOf(day).toISOString().slice(0, 10);
}

export function toDayRange(range: DateRange): DayRange {
  return { start: toDay(range.start), end: toDay(range.end) };
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: Day): number {
  return ((dateOf(day).getUTCDay() + 6) % 7) + 1;
}

/** The calendar months `range` touches, each cut to it. */
export function monthsOf(range: DayRange): DayRange[] {
  const months: DayRange[] = [];
  for (let start = range.start; start <= range.end; ) {
    const at = dateOf(start);
    // Date.UTC carries month 13 into the next year.
    const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1) / MS_PER_DAY;
    months.push({ start, end: Math.min(range.end, next - 1) });
    start = next;
  }
  return months;
}

export function rangesOverlap(a: DayRange, b: DayRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

export function rangeWithin(inner: DayRange, outer: DayRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

/**
 * The last day on which someone born on `birthDate` is still "not over `maxAge` 周岁": the birthday
 * that completes maxAge + 1 years, since the new 周岁 begins the day after it. A 29 February birthday falls
 * on 28 February in common years, as the regulation's reading requires.
 */
const ageLimitCache = new Map<string, Day>();

export function lastDayWithinAge(birthDate: IsoDate, maxAge: number): Day {
  const key = `${birthDate}/${maxAge}`;
  let day = ageLimitCache.get(key);
  if (day === undefined) {
    const [year, month, date] = calendarParts(birthDate);
    const birthday = dayFrom(year + maxAge + 1, month, date);
    // Only 29 February is missing from some years.
    day = Number.isNaN(birthday) ? dayFrom(year + maxAge + 1, 2, 28) : birthday;
    ageLimitCache.set(key, day);
  }
  return day;
}
