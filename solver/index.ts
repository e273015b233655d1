// The core's one public entry: pure functions over plans and schedules, no I/O.

export { type BottleneckReport, bottlenecks, type MonthLoad } from "./bottlenecks.js";
export { type BatchDraft, type CompletedSchedule, completeSchedule } from "./complete.js";
export { batchCost, cadreTripCost, staffTripCost } from "./cost.js";
export { isCalendarDay, toDay, toIso } from "./dates.js";
export { diffSchedules, type Placement, type ScheduleDiff } from "./diff.js";
export {
  assessEligibility,
  countByTier,
  type Eligibility,
  type EligibleCadre,
  type IneligibleCadre,
  TIERS,
  type Tier,
} from "./eligibility.js";
export { isQualifiedMedicFor } from "./fit.js";
export { scheduleKpis } from "./kpis.js";
export {
  budgetFrontier,
  type Frontier,
  type FrontierCheckpoint,
  type FrontierOptions,
  type FrontierStep,
  frontierAt,
  joinFrontiers,
  knownCoverageAt,
} from "./optimize/frontier.js";
export {
  joinPlacesCurves,
  type PlacesCheckpoint,
  type PlacesCurve,
  type PlacesCurveOptions,
  type PlacesStep,
  placesCurve,
} from "./optimize/places-curve.js";
export {
  explainSchedule,
  InvalidScheduleError,
  prepareBackend,
  type ReplanOptions,
  replanPlan,
  ScheduleChangedError,
  solvePlan,
} from "./optimize/solve.js";
export { CANDIDATES, type Candidate } from "./optimize/stages.js";
export { type LeastBudget, leastBudgetForTiers } from "./optimize/whatif.js";
export { type EffectivePolicy, effectivePolicy, STATUTORY } from "./policy.js";
export {
  ELIGIBILITY_CODES,
  REASONS_PENDING_SENTENCE,
  type Reason,
  RULE_CODES,
  UNSCHEDULED_CODES,
  unscheduledSentence,
  VENUE_CODES,
} from "./reasons.js";
export { type EligibilityReport, eligibilityReport } from "./report.js";
export type * from "./types.js";
export { groupBy, pushTo } from "./util.js";
export type { ValidateOptions } from "./validate.js";
export { type Violation, validateSchedule } from "./validate.js";
export { type ExcludedVenue, excludedVenues, possibleStarts } from "./venues.js";
