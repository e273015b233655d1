import { batchCost } from "./cost.js";
import { assessEligibility, countByTier, type Tier } from "./eligibility.js";
import { scheduleKpis } from "./kpis.js";
import type { BatchCost, Plan, ReasonEntry, ScheduledBatch, ScheduleKpis, ScheduleSummary } from "./types.js";
import { excludedVenues } from "./venues.js";

// A schedule's derived parts follow from the plan and its batches alone. The optimizer builds its schedules
// with this, and a planner's own draft (batches only) is completed with it, so both are computed one way.

/** A batch as a planner may draft it: where, when and who; its cost follows. */
export type BatchDraft = Omit<ScheduledBatch, "cost">;

export interface CompletedSchedule {
  /** The batches in the order given, each with the cost the cost standards give; null at an unknown venue. */
  costs: (BatchCost | null)[];
  summary: ScheduleSummary;
  /** Eligible cadres in no batch, in priority order; why they wait takes the optimizer (reasons left empty). */
  unscheduled: { cadreId: string; tier: Tier; reasons: [] }[];
  ineligible: { cadreId: string; reasons: ReasonEntry[] }[];
  excludedVenues: { venueId: string; reasons: ReasonEntry[] }[];
  kpis: ScheduleKpis;
}

/** Every part of a schedule that follows from the plan and the batches (RULES.md §1, §3, §5; CONTRACT.md). */
export function completeSchedule(plan: Plan, batches: readonly BatchDraft[]): CompletedSchedule {
  const venues = new Map(plan.venues.map((v) => [v.id, v]));
  const costs = batches.map((b) => {
    const venue = venues.get(b.venueId);
    return venue ? batchCost(plan, venue, b.cadreIds.length, b.staffIds.length) : null;
  });
  const scheduled = new Set(batches.flatMap((b) => b.cadreIds));
  const { eligible, ineligible } = assessEligibility(plan);
  const scheduledCadres = eligible.filter((e) => scheduled.has(e.cadre.id));
  const places = batches.reduce((sum, b) => sum + b.cadreIds.length, 0);
  const systemPlaces = batches
    .filter((b) => venues.get(b.venueId)?.ownership === "system")
    .reduce((sum, b) => sum + b.cadreIds.length, 0);
  const summary: ScheduleSummary = {
    eligibleByTier: countByTier(eligible),
    scheduledByTier: countByTier(scheduledCadres),
    eligible: eligible.length,
    scheduled: scheduledCadres.length,
    totalCost: costs.reduce((sum, cost) => sum + (cost?.total ?? 0), 0),
    budget: plan.budget.total,
    systemVenueShare: places === 0 ? 0 : Math.round((systemPlaces / places) * 10_000) / 10_000,
  };
  return {
    costs,
    summary,
    unscheduled: eligible
      .filter((e) => !scheduled.has(e.cadre.id))
      .map((e) => ({ cadreId: e.cadre.id, tier: e.tier, reasons: [] })),
    ineligible: ineligible.map((i) => ({ cadreId: i.cadre.id, reasons: i.reasons })),
    excludedVenues: excludedVenues(plan).map((e) => ({ venueId: e.venue.id, reasons: e.reasons })),
    kpis: scheduleKpis(plan, { batches, summary }),
  };
}
