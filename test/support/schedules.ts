import type { ScheduledBatch, ScheduleSummary } from "../../solver/index.js";

// For tests that store or pass on a schedule without reading its summary.

/** The summary of a schedule that covers no one. */
export const EMPTY_SUMMARY: ScheduleSummary = {
  eligibleByTier: [0, 0, 0, 0, 0, 0],
  scheduledByTier: [0, 0, 0, 0, 0, 0],
  eligible: 0,
  scheduled: 0,
  totalCost: 0,
  budget: 0,
  systemVenueShare: 0,
};

/** A schedule's batches as a planner drafts them: venue, dates, cadres and staff; no ids, no costs. */
export function draftedBatches(schedule: { batches: readonly ScheduledBatch[] }): Record<string, unknown>[] {
  return schedule.batches.map(({ venueId, start, end, cadreIds, staffIds }) => ({
    venueId,
    start,
    end,
    cadreIds: [...cadreIds],
    staffIds: [...staffIds],
  }));
}
