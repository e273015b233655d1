import { assessEligibility } from "./eligibility.js";
import type { Reason } from "./reasons.js";
import type { Plan } from "./types.js";
import { excludedVenues } from "./venues.js";

export interface EligibilityReport {
  eligible: { cadreId: string; tier: number; rank: number }[];
  ineligible: { cadreId: string; reasons: Reason[] }[];
  excludedVenues: { venueId: string; reasons: Reason[] }[];
}

/** Who may go (tier and rank), who may not and why, and which venues may not be used (RULES.md §1–§3). */
export function eligibilityReport(plan: Plan): EligibilityReport {
  const { eligible, ineligible } = assessEligibility(plan);
  return {
    eligible: eligible.map((e) => ({ cadreId: e.cadre.id, tier: e.tier, rank: e.rank })),
    ineligible: ineligible.map((i) => ({ cadreId: i.cadre.id, reasons: i.reasons })),
    excludedVenues: excludedVenues(plan).map((e) => ({ venueId: e.venue.id, reasons: e.reasons })),
  };
}
