import { cadreTripCost } from "./cost.js";
import { type DayRange, isoWeekday, rangesOverlap, rangeWithin, toDayRange } from "./dates.js";
import { effectivePolicy } from "./policy.js";
import { type Reason, type VenueCode, venueReason } from "./reasons.js";
import type { Plan, Venue } from "./types.js";

/** Art. 6: outside the organizer's province, where the plan does not allow it (原则上安排在省内). */
export function isOutOfProvince(plan: Plan, venue: Venue): boolean {
  return venue.province !== plan.organizer.province && !effectivePolicy(plan).allowOutOfProvince;
}

/** Art. 6: the whole trip, travel included, is longer than the plan allows. */
export function isTooLong(plan: Plan, venue: Venue): boolean {
  return venue.days > effectivePolicy(plan).maxDays;
}

/** Art. 14: a cadre's all-in trip costs more than the cost standard (per day × days, or per trip). */
export function isOverCostStandard(plan: Plan, venue: Venue): boolean {
  const standard = plan.budget.costStandard;
  const cost = cadreTripCost(plan, venue);
  const perDay = standard?.perPersonPerDay;
  const perTrip = standard?.perPersonPerTrip;
  return (perDay !== undefined && cost > perDay * venue.days) || (perTrip !== undefined && cost > perTrip);
}

/** RULES.md §3: every reason the venue may not be used. */
export function venueExclusions(plan: Plan, venue: Venue): Reason[] {
  const codes: VenueCode[] = [];
  if (isOutOfProvince(plan, venue)) codes.push("ART6_OUT_OF_PROVINCE");
  if (isTooLong(plan, venue)) codes.push("ART6_TOO_LONG");
  if (isOverCostStandard(plan, venue)) codes.push("ART14_OVER_COST_STANDARD");
  return codes.map(venueReason);
}

export interface ExcludedVenue {
  venue: Venue;
  reasons: Reason[];
}

export function excludedVenues(plan: Plan): ExcludedVenue[] {
  return plan.venues
    .map((venue) => ({ venue, reasons: venueExclusions(plan, venue) }))
    .filter((v) => v.reasons.length > 0);
}

/** Art. 6: a trip lasts exactly the venue's days, start and end included. */
export function hasVenueLength(venue: Venue, dates: DayRange): boolean {
  return dates.end - dates.start + 1 === venue.days;
}

/** RULES.md §4: the trip starts on one of the venue's departure weekdays (none listed: any day). */
export function startsOnVenueWeekday(venue: Venue, dates: DayRange): boolean {
  const weekdays = venue.startWeekdays;
  return weekdays === undefined || weekdays.length === 0 || weekdays.includes(isoWeekday(dates.start));
}

/** RULES.md §4: the whole trip lies in the planning window and inside one of the venue's open ranges. */
export function isInsideVenueWindows(plan: Plan, venue: Venue, dates: DayRange): boolean {
  const window = toDayRange(plan.planningWindow);
  if (!rangeWithin(dates, window)) return false;
  const open = venue.available ?? [];
  return open.length === 0 || open.some((range) => rangeWithin(dates, toDayRange(range)));
}

/** RULES.md §4: the trip touches none of the venue's blackout days. */
export function isClearOfBlackout(venue: Venue, dates: DayRange): boolean {
  return !(venue.blackout ?? []).some((range) => rangesOverlap(dates, toDayRange(range)));
}

/** RULES.md §4: every start day on which a batch of this venue could run, in date order. */
export function possibleStarts(plan: Plan, venue: Venue): number[] {
  const window = toDayRange(plan.planningWindow);
  const starts: number[] = [];
  for (let start = window.start; start + venue.days - 1 <= window.end; start++) {
    const dates = { start, end: start + venue.days - 1 };
    if (
      startsOnVenueWeekday(venue, dates) &&
      isInsideVenueWindows(plan, venue, dates) &&
      isClearOfBlackout(venue, dates)
    )
      starts.push(start);
  }
  return starts;
}
