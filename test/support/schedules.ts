import type { ScheduleSummary } from "../../solver/index.js";

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
