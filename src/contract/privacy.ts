import type { ELIGIBILITY_CODES, Schedule } from "../../solver/index.js";
import type { PlanInput } from "./index.js";

// Names, birth dates, health and phone numbers are personal data: never logged, and shown to planners only.
// That includes a schedule's health reasons for ineligibility, which name the cadre.
export const PERSONAL_FIELDS = ["name", "birthDate", "health", "phone"] as const;

type Personal = (typeof PERSONAL_FIELDS)[number];
// Omit<> would lose the known keys of the contract's loose objects, which have an index signature.
type Without<T, Keys extends PropertyKey> = { [K in keyof T as K extends Keys ? never : K]: T[K] };
type WithoutPersonal<T> = Without<T, Personal>;

/** The plan as a viewer may see it: no cadre's name, birth date or health, no staff member's name. */
export type ViewerPlan = Without<PlanInput, "cadres" | "staff"> & {
  cadres: WithoutPersonal<PlanInput["cadres"][number]>[];
  staff: WithoutPersonal<PlanInput["staff"][number]>[];
};

const PERSONAL: ReadonlySet<string> = new Set(PERSONAL_FIELDS);

export function omitPersonal<T extends object>(record: T): WithoutPersonal<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => !PERSONAL.has(key)),
  ) as WithoutPersonal<T>;
}

export function withoutPersonalData(plan: PlanInput): ViewerPlan {
  return { ...plan, cadres: plan.cadres.map(omitPersonal), staff: plan.staff.map(omitPersonal) };
}

/** Ineligibility reasons that tell a cadre's health. */
export const HEALTH_REASON_CODES: readonly (keyof typeof ELIGIBILITY_CODES)[] = [
  "ART7_HEALTH_EXCLUDED",
  "ART7_HEALTH_UNDECLARED",
];
const HEALTH_CODES: ReadonlySet<string> = new Set(HEALTH_REASON_CODES);

export const HEALTH_WITHHELD = {
  code: "ART7_HEALTH_WITHHELD",
  article: 7,
  message: "涉及个人健康信息，仅对计划员显示",
} as const;

/**
 * A schedule as a viewer may see it: a cadre's health reasons become one withheld reason in their place
 * (one, however many there were, so the count tells nothing either).
 */
export function withoutHealthReasons(schedule: Schedule): Schedule {
  return { ...schedule, ineligible: schedule.ineligible.map(withHealthWithheld) };
}

/** One ineligible cadre's entry as a viewer sees it. */
export function withHealthWithheld<T extends { reasons: readonly { code: string }[] }>(entry: T): T {
  const first = entry.reasons.findIndex((reason) => HEALTH_CODES.has(reason.code));
  if (first < 0) return entry;
  const reasons = entry.reasons.filter((reason, i) => i === first || !HEALTH_CODES.has(reason.code));
  reasons[first] = { ...HEALTH_WITHHELD };
  return { ...entry, reasons };
}
