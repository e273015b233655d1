import { describe, expect, it } from "vitest";
import { isCalendarDay, isoWeekday, toDay, toIso } from "../../solver/dates.js";

// The core's calendar: days since 1970-01-01, counted by luxon in UTC (solver/dates.ts).

describe("calendar days", () => {
  it("counts days from 1970-01-01 and writes them back", () => {
    expect(toDay("1970-01-01")).toBe(0);
    expect(toDay("1969-12-31")).toBe(-1);
    expect(toDay("2028-03-01") - toDay("2028-02-28")).toBe(2);
    for (const iso of ["0050-06-30", "1948-02-29", "1991-09-15", "2026-12-31", "9999-12-31"])
      expect(toIso(toDay(iso))).toBe(iso);
  });

  it("knows which yyyy-mm-dd strings name a day, years before 100 included", () => {
    expect(["2024-02-29", "0004-02-29", "0050-01-01", "2000-02-29"].map(isCalendarDay)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ["2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-1-01", ""].map(
        isCalendarDay,
      ),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(() => toDay("2026-02-29")).toThrow(RangeError);
  });

  it("gives ISO weekdays, Monday 1 to Sunday 7", () => {
    expect(isoWeekday(toDay("2026-12-07"))).toBe(1);
    expect(isoWeekday(toDay("2026-12-13"))).toBe(7);
    expect(isoWeekday(toDay("1970-01-01"))).toBe(4);
  });
});
