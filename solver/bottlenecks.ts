import { DateTime } from "luxon";
import { cadreTripCost } from "./cost.js";
import { type DayRange, rangeWithin, toDay, toDayRange, toIso } from "./dates.js";
import { isQualifiedMedicFor, staffFitsDates } from "./fit.js";
import type { Plan, Schedule } from "./types.js";
import { excludedVenues, possibleStarts } from "./venues.js";

// Which resource binds, month by month: a planner's view of why the schedule stops where it does.

export interface MonthLoad {
  /** yyyy-mm */
  month: string;
  /** Days on which each staff member could travel, added up; and the days they do travel. */
  staffDaysAvailable: number;
  staffDaysUsed: number;
  /** Medical staff free on at least one day of the month; batches running in it. */
  medicsAvailable: number;
  batchesRunning: number;
  /** Days on which every medic free that day is already with a batch. */
  daysWithoutSpareMedic: number;
  /** Places of the batches that could start in the month (one batch at a time per parallel slot). */
  placesOffered: number;
  placesUsed: number;
}

export interface BottleneckReport {
  budget: { total: number; used: number; left: number; cheapestPlace: number | null; binding: boolean };
  months: MonthLoad[];
  /** Resources that bind: the budget, or a month where staff, medics or places run out (≥ 90 % used). */
  binding: { resource: "BUDGET" | "STAFF" | "MEDICAL" | "CAPACITY"; month?: string; message: string }[];
}

const TIGHT = 0.9;

function monthOf(day: number): string {
  return toIso(day).slice(0, 7);
}

function daysIn(range: DayRange, month: DayRange): number {
  return Math.max(0, Math.min(range.end, month.end) - Math.max(range.start, month.start) + 1);
}

function countDaysWithoutSpareMedic(
  plan: Plan,
  running: Pick<Schedule, "batches">["batches"],
  month: DayRange,
): number {
  let days = 0;
  for (let d = month.start; d <= month.end; d++) {
    const batches = running.filter((b) => toDay(b.start) <= d && d <= toDay(b.end)).length;
    if (batches === 0) continue;
    const medics = plan.staff.filter(
      (s) => isQualifiedMedicFor(s, { start: d, end: d }) && staffFitsDates(plan, s, { start: d, end: d }),
    ).length;
    if (batches >= medics) days++;
  }
  return days;
}

/** The calendar months of the planning window, each cut to the window. */
function monthsOf(plan: Plan): (DayRange & { key: string })[] {
  const window = toDayRange(plan.planningWindow);
  const months: (DayRange & { key: string })[] = [];
  for (
    let m = DateTime.fromISO(plan.planningWindow.start).startOf("month");
    toDay(m.toISODate() ?? "") <= window.end;
    m = m.plus({ months: 1 })
  ) {
    const start = Math.max(window.start, toDay(m.toISODate() ?? ""));
    const end = Math.min(window.end, toDay(m.endOf("month").toISODate() ?? ""));
    months.push({ key: monthOf(start), start, end });
  }
  return months;
}

export function bottlenecks(plan: Plan, schedule: Pick<Schedule, "batches">): BottleneckReport {
  const months = monthsOf(plan);
  const usable = plan.venues.filter((v) => !excludedVenues(plan).some((e) => e.venue.id === v.id));
  const loads: MonthLoad[] = months.map((month) => {
    const freeDays = (staffId: number) => {
      const staff = plan.staff[staffId];
      if (!staff) return 0;
      let days = 0;
      for (let d = month.start; d <= month.end; d++)
        if (staffFitsDates(plan, staff, { start: d, end: d })) days++;
      return days;
    };
    const staffDays = plan.staff.map((_, i) => freeDays(i));
    const running = schedule.batches.filter((b) => daysIn(toDayRange(b), month) > 0);
    return {
      month: month.key,
      staffDaysAvailable: staffDays.reduce((a, b) => a + b, 0),
      staffDaysUsed: running.reduce((sum, b) => sum + b.staffIds.length * daysIn(toDayRange(b), month), 0),
      medicsAvailable: plan.staff.filter(
        (s, i) => isQualifiedMedicFor(s, { start: month.start, end: month.start }) && (staffDays[i] ?? 0) > 0,
      ).length,
      batchesRunning: running.length,
      daysWithoutSpareMedic: countDaysWithoutSpareMedic(plan, running, month),
      placesOffered: usable.reduce((sum, venue) => {
        const starts = possibleStarts(plan, venue).filter((d) => d >= month.start && d <= month.end);
        // Batches of one venue cannot overlap beyond its parallel limit: at most one per `days` per slot.
        let count = 0;
        let nextFree = Number.NEGATIVE_INFINITY;
        for (const d of starts)
          if (d >= nextFree) {
            count++;
            nextFree = d + venue.days;
          }
        return sum + count * venue.capacityPerBatch * (venue.maxConcurrentBatches ?? 1);
      }, 0),
      placesUsed: schedule.batches
        .filter((b) => rangeWithin({ start: toDay(b.start), end: toDay(b.start) }, month))
        .reduce((sum, b) => sum + b.cadreIds.length, 0),
    };
  });

  const used = schedule.batches.reduce((sum, b) => sum + b.cost.total, 0);
  const cheapest = usable.length ? Math.min(...usable.map((v) => cadreTripCost(plan, v))) : null;
  const left = plan.budget.total - used;
  const budgetBinding = cheapest !== null && left < cheapest;
  const binding: BottleneckReport["binding"] = [];
  if (budgetBinding)
    binding.push({
      resource: "BUDGET",
      message: `预算余额 ${left} 元，不足以再安排一人（最低人均 ${cheapest} 元）`,
    });
  for (const load of loads) {
    if (load.staffDaysAvailable > 0 && load.staffDaysUsed >= TIGHT * load.staffDaysAvailable)
      binding.push({
        resource: "STAFF",
        month: load.month,
        message: `${load.month} 服务保障人员可出行天数基本用尽`,
      });
    if (load.daysWithoutSpareMedic > 0)
      binding.push({ resource: "MEDICAL", month: load.month, message: `${load.month} 医护人员已全部随队` });
    if (load.placesOffered > 0 && load.placesUsed >= TIGHT * load.placesOffered)
      binding.push({
        resource: "CAPACITY",
        month: load.month,
        message: `${load.month} 疗养地点名额基本用尽`,
      });
  }
  return {
    budget: { total: plan.budget.total, used, left, cheapestPlace: cheapest, binding: budgetBinding },
    months: loads,
    binding,
  };
}
