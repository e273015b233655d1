import type { BatchCost, Plan, Venue } from "./types.js";

// RULES.md §5. Absent amounts are 0; money is in yuan.

/** Art. 7, 14: lodging, meals and activities, the round trip and the accident insurance of one cadre. */
export function cadreTripCost(plan: Plan, venue: Venue): number {
  return (
    venue.days * (venue.pricePerPersonDay ?? 0) +
    (venue.transportPerPerson ?? 0) +
    (plan.budget.insurancePerPerson ?? 0)
  );
}

/** Art. 10: staff travel under the business-trip rules, unless the plan leaves staff costs out. */
export function staffTripCost(plan: Plan, venue: Venue): number {
  if (plan.budget.includeStaffCosts === false) return 0;
  return venue.days * (plan.budget.staffPerDay ?? 0) + (venue.transportPerPerson ?? 0);
}

/** Art. 14, 15: the cost of one batch of `cadres` cadres and `staff` staff at `venue`. */
export function batchCost(plan: Plan, venue: Venue, cadres: number, staff: number): BatchCost {
  const fixed = venue.fixedCostPerBatch ?? 0;
  const cadreCost = cadres * cadreTripCost(plan, venue);
  const staffCost = staff * staffTripCost(plan, venue);
  return { fixed, cadres: cadreCost, staff: staffCost, total: fixed + cadreCost + staffCost };
}
