import { lastDayWithinAge, toDay } from "./dates.js";
import { effectivePolicy } from "./policy.js";
import { type EligibilityCode, eligibilityReason, type Reason, takenElsewhereReason } from "./reasons.js";
import type { Cadre, CountyExpansion, CycleCommitment, Honor, OrganizerLevel, Plan } from "./types.js";

export type Tier = 1 | 2 | 3 | 4 | 5 | 6;
export const TIERS: readonly Tier[] = [1, 2, 3, 4, 5, 6];

export interface EligibleCadre {
  cadre: Cadre;
  tier: Tier;
  /** 1-based place inside the tier (RULES.md §2). */
  rank: number;
  /** 0-based place in the whole priority order: tier first, then rank. */
  order: number;
}

export interface IneligibleCadre {
  cadre: Cadre;
  reasons: Reason[];
}

export interface Eligibility {
  /** In priority order. */
  eligible: EligibleCadre[];
  ineligible: IneligibleCadre[];
}

/** Art. 2, 18: a retired cadre or NCO placed with and managed by this organizer's veteran-affairs system. */
export function isInScope(plan: Plan, cadre: Cadre): boolean {
  const { organizer } = plan;
  const { placement } = cadre;
  const inCategory = cadre.category === "retired_cadre" || cadre.category === "retired_nco";
  const sameArea = placement.province === organizer.province && placement.city === organizer.city;
  const sameCounty = organizer.level !== "county" || placement.county === organizer.county;
  return inCategory && placement.managedByVeteranAffairs === true && sameArea && sameCounty;
}

/** Art. 4 (RULES.md §2 table): the tier one honor earns, wartime merit counting one class higher. */
export function honorTier(honor: Honor): Tier | null {
  switch (honor.kind) {
    case "honorary_title":
      return 2;
    case "merit": {
      const effectiveClass = honor.wartime === true ? honor.class - 1 : honor.class;
      if (effectiveClass <= 1) return 2;
      if (effectiveClass === 2) return 3;
      return 5;
    }
    case "commendation":
      if (honor.period === "service") {
        if (honor.level === "cmc" || honor.level === "military_region") return 3;
        if (honor.level === "deputy_military_region") return 5;
        return null;
      }
      return honor.level === "county" ? 5 : 4;
    case "advanced_cadre":
      return honor.level === "county" ? 5 : 4;
  }
}

/** Art. 4: the lowest tier number an organizer of this level accepts as a qualification. */
function lowestQualifyingTier(level: OrganizerLevel): Tier {
  return level === "city" ? 4 : 5;
}

/** Art. 4: the best honor that qualifies at the organizer's level, or null. */
export function qualifyingHonorTier(cadre: Cadre, level: OrganizerLevel): Tier | null {
  let best: Tier | null = null;
  for (const honor of cadre.honors ?? []) {
    const tier = honorTier(honor);
    if (tier !== null && tier <= lowestQualifyingTier(level) && (best === null || tier < best)) best = tier;
  }
  return best;
}

/** Art. 4 ¶2: a county expansion counts once it has grounds, an approval, and a public notice without objection. */
export function isCountyExpansionComplete(expansion: CountyExpansion): boolean {
  return (
    (expansion.grounds?.length ?? 0) > 0 &&
    expansion.approvedBy != null &&
    expansion.publicNoticeEnded != null &&
    expansion.objection !== true
  );
}

/** Art. 7: over the age limit on every day of the planning window (the limit itself is checked per batch). */
export function isOverAgeThroughoutWindow(plan: Plan, cadre: Cadre): boolean {
  return lastDayWithinAge(cadre.birthDate, effectivePolicy(plan).maxAge) < toDay(plan.planningWindow.start);
}

/** Art. 7, 17: the cadre has declared their health. */
export function hasHealthDeclaration(cadre: Cadre): boolean {
  return cadre.health != null;
}

/** Art. 7: no infectious disease, mental illness or critical illness declared. */
export function isHealthExcluded(cadre: Cadre): boolean {
  const h = cadre.health;
  return (
    h != null && (h.infectiousDisease === true || h.mentalIllness === true || h.criticalIllness === true)
  );
}

/** Art. 7: applied voluntarily, with the family's consent and the institution's approval. */
export function hasCompleteApplication(cadre: Cadre): boolean {
  const a = cadre.application;
  return a != null && a.voluntary === true && a.familyConsent === true && a.institutionApproved === true;
}

/** Art. 8: already on an honorary convalescence, at any level, in this cycle, or taken by another plan of it. */
export function isAlreadyInCycle(plan: Plan, cadre: Cadre): boolean {
  return (
    (cadre.history ?? []).some((entry) => entry.cycleId === plan.cycle.id) ||
    takenElsewhere(plan, cadre) !== undefined
  );
}

const takenByPlan = new WeakMap<Plan, Map<string, CycleCommitment>>();

/** Art. 8 across levels: where another plan of the cycle took the cadre (the first commitment given), if it did. */
export function takenElsewhere(plan: Plan, cadre: Cadre): CycleCommitment | undefined {
  if (plan.committedElsewhere === undefined) return undefined;
  let taken = takenByPlan.get(plan);
  if (taken === undefined) {
    taken = new Map();
    for (const c of plan.committedElsewhere) if (!taken.has(c.cadreId)) taken.set(c.cadreId, c);
    takenByPlan.set(plan, taken);
  }
  return taken.get(cadre.id);
}

/** Art. 8 ¶2: meets the ministerial or provincial conditions, so goes first. */
export function isNominee(cadre: Cadre): boolean {
  return cadre.nominee === "ministerial" || cadre.nominee === "provincial";
}

interface Assessment {
  codes: EligibilityCode[];
  tier: Tier | null;
}

/** RULES.md §1 and §2: every reason that applies, in the table's order, and the tier if none does. */
export function assessCadre(plan: Plan, cadre: Cadre): Assessment {
  const codes: EligibilityCode[] = [];
  if (!isInScope(plan, cadre)) codes.push("ART2_NOT_IN_SCOPE");
  let tier: Tier | null = qualifyingHonorTier(cadre, plan.organizer.level);
  if (tier === null) {
    const expansion = plan.organizer.level === "county" ? cadre.countyExpansion : null;
    if (expansion == null) codes.push("ART4_NO_QUALIFYING_HONOR");
    else if (isCountyExpansionComplete(expansion)) tier = 6;
    else codes.push("ART4_EXPANSION_NOT_APPROVED");
  }
  if (isOverAgeThroughoutWindow(plan, cadre)) codes.push("ART7_AGE");
  if (!hasHealthDeclaration(cadre)) codes.push("ART7_HEALTH_UNDECLARED");
  if (isHealthExcluded(cadre)) codes.push("ART7_HEALTH_EXCLUDED");
  if (!hasCompleteApplication(cadre)) codes.push("ART7_NOT_APPLIED");
  if (isAlreadyInCycle(plan, cadre)) codes.push("ART8_ALREADY_IN_CYCLE");
  if (codes.length > 0) return { codes, tier: null };
  return { codes, tier: isNominee(cadre) ? 1 : tier };
}

/** RULES.md §2: the day of the cadre's last honorary convalescence, or -Infinity for never. */
function lastConvalescenceDay(cadre: Cadre): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const entry of cadre.history ?? []) last = Math.max(last, toDay(entry.end ?? entry.start));
  return last;
}

/** RULES.md §2: longest since the last convalescence first (never first of all), then the older, then id. */
export function compareInsideTier(a: Cadre, b: Cadre): number {
  const lastA = lastConvalescenceDay(a);
  const lastB = lastConvalescenceDay(b);
  if (lastA !== lastB) return lastA < lastB ? -1 : 1;
  if (a.birthDate !== b.birthDate) return a.birthDate < b.birthDate ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The reason for a code; Art. 8 names the other plan of the cycle where one took the cadre. */
function reasonFor(plan: Plan, cadre: Cadre, code: EligibilityCode): Reason {
  const taken = code === "ART8_ALREADY_IN_CYCLE" ? takenElsewhere(plan, cadre) : undefined;
  return taken === undefined ? eligibilityReason(code) : takenElsewhereReason(taken);
}

/** RULES.md §1–§2 for the whole roster: the eligible in priority order, the ineligible with every reason. */
export function assessEligibility(plan: Plan): Eligibility {
  const byTier = new Map<Tier, Cadre[]>(TIERS.map((t) => [t, []]));
  const ineligible: IneligibleCadre[] = [];
  for (const cadre of plan.cadres) {
    const { codes, tier } = assessCadre(plan, cadre);
    if (tier === null) ineligible.push({ cadre, reasons: codes.map((code) => reasonFor(plan, cadre, code)) });
    else byTier.get(tier)?.push(cadre);
  }
  const eligible: EligibleCadre[] = [];
  for (const tier of TIERS) {
    const members = (byTier.get(tier) ?? []).sort(compareInsideTier);
    members.forEach((cadre, i) => {
      eligible.push({ cadre, tier, rank: i + 1, order: eligible.length });
    });
  }
  return { eligible, ineligible };
}

export function countByTier(cadres: readonly { tier: Tier }[]): number[] {
  const counts = [0, 0, 0, 0, 0, 0];
  for (const { tier } of cadres) counts[tier - 1] = (counts[tier - 1] ?? 0) + 1;
  return counts;
}
