import { type DayRange, lastDayWithinAge, rangesOverlap, rangeWithin, toDay, toDayRange } from "./dates.js";
import type { EffectivePolicy } from "./policy.js";
import type { Cadre, DateRange, Plan, Staff } from "./types.js";

function isClearOf(ranges: readonly DateRange[] | undefined, dates: DayRange): boolean {
  return !(ranges ?? []).some((range) => rangesOverlap(dates, toDayRange(range)));
}

/** Art. 7: on the batch's start date the cadre is not over the age limit (up to and including the birthday). */
export function isWithinAgeOn(cadre: Cadre, policy: EffectivePolicy, start: number): boolean {
  return start <= lastDayWithinAge(cadre.birthDate, policy.maxAge);
}

/** RULES.md §4: the cadre has declared no unavailability on any day of the batch. */
export function isCadreFree(cadre: Cadre, dates: DayRange): boolean {
  return isClearOf(cadre.unavailable, dates);
}

/** RULES.md §4: whether the cadre could go on a batch with these dates. */
export function cadreFitsDates(cadre: Cadre, policy: EffectivePolicy, dates: DayRange): boolean {
  return isWithinAgeOn(cadre, policy, dates.start) && isCadreFree(cadre, dates);
}

/** Art. 10, RULES.md §4: the batch lies inside one of the staff member's available ranges and clear of the rest. */
export function staffFitsDates(plan: Plan, staff: Staff, dates: DayRange): boolean {
  const available = staff.available ?? [];
  const inside =
    available.length === 0
      ? rangeWithin(dates, toDayRange(plan.planningWindow))
      : available.some((range) => rangeWithin(dates, toDayRange(range)));
  return inside && isClearOf(staff.unavailable, dates);
}

/**
 * Art. 10 (医护人员应当具备相应的从业资质): a medic counts for a batch only while their certificate is valid
 * through its last day. A medic with no qualification recorded counts as the plan says (`medical: true`),
 * as before qualifications were recorded: the plan's word stands where it gives no certificate.
 */
export function isQualifiedMedicFor(staff: Staff, dates: DayRange): boolean {
  if (!staff.medical) return false;
  const until = staff.qualification?.validUntil;
  return until === undefined || toDay(until) >= dates.end;
}
