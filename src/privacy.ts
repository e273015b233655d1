import type { PlanInput } from "./contract/index.js";

// Names, birth dates and health are personal data: never logged, and shown to planners only.
export const PERSONAL_FIELDS = ["name", "birthDate", "health"] as const;

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

function omitPersonal<T extends object>(record: T): WithoutPersonal<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([key]) => !PERSONAL.has(key)),
  ) as WithoutPersonal<T>;
}

export function withoutPersonalData(plan: PlanInput): ViewerPlan {
  return { ...plan, cadres: plan.cadres.map(omitPersonal), staff: plan.staff.map(omitPersonal) };
}
