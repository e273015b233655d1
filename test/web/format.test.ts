import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatMoney, formatPercent, formatRange } from "../../web/src/format.js";

// The page writes dates and money one way everywhere: 2027年4月5日, ¥379,543.
describe("the workbench's formats", () => {
  it("writes a contract date as written, whatever the time zone", () => {
    expect(formatDate("2027-04-05")).toBe("2027年4月5日");
    expect(formatDate("2027-12-31")).toBe("2027年12月31日");
    expect(formatRange({ start: "2027-09-13", end: "2027-10-24" })).toBe("2027年9月13日 至 2027年10月24日");
    expect(formatDate(null)).toBe("—");
  });

  it("writes a timestamp as its day and time in Asia/Shanghai", () => {
    expect(formatDateTime("2027-04-04T16:30:00Z")).toBe("2027年4月5日 00:30");
  });

  it("writes money with the yuan sign and thousands, fen only when there are any", () => {
    expect(formatMoney(379543)).toBe("¥379,543");
    expect(formatMoney(1978.43)).toBe("¥1,978.43");
    expect(formatMoney(-250)).toBe("-¥250");
    expect(formatPercent(0.9)).toBe("90.0%");
  });
});
