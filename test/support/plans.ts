import type { Cadre, Organizer, Plan, Policy, Venue } from "../../solver/index.js";

// Pieces of the hand-written plans that several test files build alike. Each one meets every rule, so a
// plan made of them is valid until a test changes the one thing it is about.

export const JINING_CITY: Organizer = { level: "city", province: "山东省", city: "济宁市", county: null };
export const RENCHENG_COUNTY: Organizer = {
  level: "county",
  province: "山东省",
  city: "济宁市",
  county: "任城区",
};
export const CYCLE_2027: Plan["cycle"] = { id: "2027", start: "2027-01-01", end: "2027-12-31" };

/** As far as the articles go (Art. 6, 7, 10), with a medic on every batch and no trip out of the province. */
export const POLICY_AT_ARTICLE_LIMITS: Policy = {
  maxDays: 7,
  cadresPerStaff: { min: 5, max: 10 },
  maxAge: 80,
  requireMedicalStaff: true,
  allowOutOfProvince: false,
};

/** In scope of both organizers above (Art. 2, 18). */
export const RENCHENG_PLACEMENT: Cadre["placement"] = {
  province: "山东省",
  city: "济宁市",
  county: "任城区",
  institution: "任城区军休所",
  managedByVeteranAffairs: true,
};

/** Declared, and nothing in it excludes (Art. 7). */
export const HEALTHY = { infectiousDisease: false, mentalIllness: false, criticalIllness: false };

/** Every consent and approval Art. 7 asks for. */
export const APPLIED = { voluntary: true, familyConsent: true, institutionApproved: true };

/** A venue with every field the contract (and so the roster sheet) has, each set. */
export const TAIAN_VENUE: Venue = {
  id: "V01",
  name: "泰安市军休疗养基地",
  ownership: "system",
  province: "山东省",
  city: "泰安市",
  days: 6,
  capacityPerBatch: 30,
  maxConcurrentBatches: 1,
  pricePerPersonDay: 260,
  transportPerPerson: 120,
  fixedCostPerBatch: 1500,
  startWeekdays: [1, 4],
  available: [{ start: "2027-04-01", end: "2027-06-30" }],
  blackout: [{ start: "2027-05-01", end: "2027-05-05" }],
};

/**
 * The plan with a contracted venue beside its first (system-owned) one, cheaper and smaller: the most coverage
 * is cheapest there, and each more place in a system-owned venue costs more (its places curve is not flat).
 */
export function withCheaperContractedVenue(plan: Plan): Plan {
  const own = plan.venues[0];
  if (own === undefined) throw new Error("the plan has no venue");
  const contracted: Venue = {
    ...own,
    id: "V_CONTRACTED",
    name: "威海市签约疗养院",
    ownership: "contracted",
    city: "威海市",
    capacityPerBatch: 20,
    pricePerPersonDay: 250,
    transportPerPerson: 100,
  };
  return { ...plan, venues: [...plan.venues, contracted] };
}
