import { toDay } from "./dates.js";
import type { Plan, ScheduledBatch, ScheduleKpis, ScheduleSummary } from "./types.js";

/** Reads the batches' people and dates, not their costs: a draft's batches will do. */
export function scheduleKpis(
  plan: Plan,
  schedule: { batches: readonly Omit<ScheduledBatch, "cost">[]; summary: ScheduleSummary },
): ScheduleKpis {
  const { summary } = schedule;
  const countyOf = new Map(plan.cadres.map((c) => [c.id, c.placement.county ?? ""]));
  const counties = new Set(schedule.batches.flatMap((b) => b.cadreIds.map((id) => countyOf.get(id) ?? "")));
  return {
    coverageByTier: summary.eligibleByTier.map((eligible, i) =>
      eligible === 0 ? null : Math.round(((summary.scheduledByTier[i] ?? 0) / eligible) * 10_000) / 10_000,
    ),
    scheduled: summary.scheduled,
    totalCost: summary.totalCost,
    budgetLeft: plan.budget.total - summary.totalCost,
    batches: schedule.batches.length,
    staffDays: schedule.batches.reduce(
      (sum, b) => sum + b.staffIds.length * (toDay(b.end) - toDay(b.start) + 1),
      0,
    ),
    systemVenueShare: summary.systemVenueShare,
    countiesReached: counties.size,
  };
}
