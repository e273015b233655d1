import { batchCost } from "./cost.js";
import { type DayRange, rangesOverlap, toDay } from "./dates.js";
import { assessEligibility, type EligibleCadre } from "./eligibility.js";
import { cadreFitsDates, isCadreFree, isQualifiedMedicFor, isWithinAgeOn, staffFitsDates } from "./fit.js";
import { type EffectivePolicy, effectivePolicy } from "./policy.js";
import { RULE_CODES, type RuleCode } from "./reasons.js";
import type { Cadre, Plan, ScheduledBatch, ScheduleToValidate, Staff, Venue } from "./types.js";
import { groupBy, pushTo } from "./util.js";
import {
  excludedVenues,
  hasVenueLength,
  isClearOfBlackout,
  isInsideVenueWindows,
  startsOnVenueWeekday,
} from "./venues.js";

// The referee: checks any schedule against every rule, whoever made it. It never looks at how a schedule
// was found, only at what it says.

export interface Violation {
  rule: RuleCode;
  article: number;
  message: string;
  batchId?: string;
  cadreId?: string;
  staffId?: string;
}

interface Ids {
  batchId?: string | undefined;
  cadreId?: string | undefined;
  staffId?: string | undefined;
}

function violation(rule: RuleCode, ids: Ids = {}): Violation {
  const { article, message } = RULE_CODES[rule];
  const v: Violation = { rule, article, message };
  if (ids.batchId !== undefined) v.batchId = ids.batchId;
  if (ids.cadreId !== undefined) v.cadreId = ids.cadreId;
  if (ids.staffId !== undefined) v.staffId = ids.staffId;
  return v;
}

/** A batch whose venue is known, with its dates as days. */
interface PlacedBatch {
  batch: ScheduledBatch;
  venue: Venue;
  dates: DayRange;
}

interface Context {
  plan: Plan;
  policy: EffectivePolicy;
  placed: PlacedBatch[];
  cadres: Map<string, Cadre>;
  staff: Map<string, Staff>;
  eligible: Map<string, EligibleCadre>;
  batches: readonly ScheduledBatch[];
  committed: Set<string>;
}

/** Every batch names a known venue, known cadres and known staff, under a unique id. */
function checkReferences(ctx: Context, venues: Map<string, Venue>): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const batch of ctx.batches) {
    if (seen.has(batch.id)) out.push(violation("DUPLICATE_BATCH_ID", { batchId: batch.id }));
    seen.add(batch.id);
    if (!venues.has(batch.venueId)) out.push(violation("UNKNOWN_VENUE", { batchId: batch.id }));
    for (const cadreId of batch.cadreIds)
      if (!ctx.cadres.has(cadreId)) out.push(violation("UNKNOWN_CADRE", { batchId: batch.id, cadreId }));
    for (const staffId of batch.staffIds)
      if (!ctx.staff.has(staffId)) out.push(violation("UNKNOWN_STAFF", { batchId: batch.id, staffId }));
  }
  return out;
}

/** Art. 6, 14: no batch uses a venue that RULES.md §3 excludes. */
function checkVenueAllowed(ctx: Context): Violation[] {
  const excluded = new Set(excludedVenues(ctx.plan).map((e) => e.venue.id));
  return ctx.placed
    .filter((p) => excluded.has(p.venue.id))
    .map((p) => violation("VENUE_EXCLUDED", { batchId: p.batch.id }));
}

/** Art. 6: a batch lasts the venue's days (≤ maxDays), starts on a departure weekday, inside the windows, clear of blackouts. */
function checkBatchDates(ctx: Context): Violation[] {
  const out: Violation[] = [];
  for (const { batch, venue, dates } of ctx.placed) {
    const ids = { batchId: batch.id };
    if (!hasVenueLength(venue, dates) || dates.end - dates.start + 1 > ctx.policy.maxDays)
      out.push(violation("BATCH_LENGTH", ids));
    if (!startsOnVenueWeekday(venue, dates)) out.push(violation("BATCH_WEEKDAY", ids));
    if (!isInsideVenueWindows(ctx.plan, venue, dates)) out.push(violation("BATCH_WINDOW", ids));
    if (!isClearOfBlackout(venue, dates)) out.push(violation("BATCH_BLACKOUT", ids));
  }
  return out;
}

/** RULES.md §4: on no day does a venue run more than its maxConcurrentBatches batches. */
function checkVenueLoad(ctx: Context): Violation[] {
  const out: Violation[] = [];
  for (const batches of groupBy(ctx.placed, (p) => p.venue.id).values()) {
    const limit = batches[0]?.venue.maxConcurrentBatches ?? 1;
    for (const p of batches) {
      // Concurrency peaks on some batch's first day, so checking each start day covers every day.
      const running = batches.filter((q) => q.dates.start <= p.dates.start && p.dates.start <= q.dates.end);
      if (running.length > limit) out.push(violation("VENUE_LOAD", { batchId: p.batch.id }));
    }
  }
  return out;
}

/** Art. 6: minBatchSize ≤ cadres ≤ the venue's capacity per batch. */
function checkBatchSize(ctx: Context): Violation[] {
  return ctx.placed
    .filter(
      ({ batch, venue }) =>
        batch.cadreIds.length < ctx.policy.minBatchSize || batch.cadreIds.length > venue.capacityPerBatch,
    )
    .map(({ batch }) => violation("BATCH_SIZE", { batchId: batch.id }));
}

/** Art. 10: with N cadres and S staff, min × S ≤ N ≤ max × S. */
function checkStaffRatio(ctx: Context): Violation[] {
  const { staffRatioMin, staffRatioMax } = ctx.policy;
  return ctx.batches
    .filter((b) => {
      const n = b.cadreIds.length;
      const s = b.staffIds.length;
      return n < staffRatioMin * s || n > staffRatioMax * s;
    })
    .map((b) => violation("STAFF_RATIO", { batchId: b.id }));
}

/** Art. 10: every batch has a medic qualified through its last day (isQualifiedMedicFor), where required. */
function checkMedicalCover(ctx: Context): Violation[] {
  if (!ctx.policy.requireMedicalStaff) return [];
  return ctx.batches
    .filter((b) => {
      const dates = { start: toDay(b.start), end: toDay(b.end) };
      return !b.staffIds.some((id) => {
        const staff = ctx.staff.get(id);
        return staff !== undefined && isQualifiedMedicFor(staff, dates);
      });
    })
    .map((b) => violation("MEDICAL_COVER", { batchId: b.id }));
}

/** Art. 10: staff travel only inside their available ranges and clear of their unavailable ones. */
function checkStaffAvailability(ctx: Context): Violation[] {
  const out: Violation[] = [];
  for (const { batch, dates } of ctx.placed)
    for (const staffId of batch.staffIds) {
      const staff = ctx.staff.get(staffId);
      if (staff && !staffFitsDates(ctx.plan, staff, dates))
        out.push(violation("STAFF_AVAILABILITY", { batchId: batch.id, staffId }));
    }
  return out;
}

/** Art. 10: one person cannot accompany two batches that share a day, nor appear twice in one batch. */
function checkStaffOverlap(ctx: Context): Violation[] {
  const out: Violation[] = [];
  const byStaff = staffAssignments(ctx);
  for (const [staffId, batches] of byStaff)
    for (let i = 0; i < batches.length; i++)
      for (let j = i + 1; j < batches.length; j++) {
        const a = batches[i] as PlacedBatch;
        const b = batches[j] as PlacedBatch;
        if (a.batch === b.batch)
          out.push(violation("STAFF_DUPLICATE_IN_BATCH", { batchId: a.batch.id, staffId }));
        else if (rangesOverlap(a.dates, b.dates))
          out.push(violation("STAFF_OVERLAP", { batchId: b.batch.id, staffId }));
      }
  return out;
}

/** RULES.md §4: nobody accompanies more than policy.staffMaxBatches batches in the plan. */
function checkStaffBatchLimit(ctx: Context): Violation[] {
  return [...staffAssignments(ctx)]
    .filter(([, batches]) => new Set(batches.map((p) => p.batch)).size > ctx.policy.staffMaxBatches)
    .map(([staffId]) => violation("STAFF_BATCH_LIMIT", { staffId }));
}

function staffAssignments(ctx: Context): Map<string, PlacedBatch[]> {
  const byStaff = new Map<string, PlacedBatch[]>();
  for (const p of ctx.placed) for (const id of p.batch.staffIds) pushTo(byStaff, id, p);
  return byStaff;
}

/** Art. 7, RULES.md §4: each cadre is within the age limit on the start date and free on every day. */
function checkCadreFit(ctx: Context): Violation[] {
  const out: Violation[] = [];
  for (const { batch, dates } of ctx.placed)
    for (const cadreId of batch.cadreIds) {
      const cadre = ctx.cadres.get(cadreId);
      if (!cadre) continue;
      const ids = { batchId: batch.id, cadreId };
      if (!isWithinAgeOn(cadre, ctx.policy, dates.start)) out.push(violation("CADRE_AGE", ids));
      if (!isCadreFree(cadre, dates)) out.push(violation("CADRE_AVAILABILITY", ids));
    }
  return out;
}

/** Art. 2, 4, 7, 8: only eligible cadres travel. */
function checkCadresEligible(ctx: Context): Violation[] {
  const out: Violation[] = [];
  for (const batch of ctx.batches)
    for (const cadreId of batch.cadreIds)
      if (ctx.cadres.has(cadreId) && !ctx.eligible.has(cadreId))
        out.push(violation("CADRE_INELIGIBLE", { batchId: batch.id, cadreId }));
  return out;
}

/** Art. 8: a cadre goes at most once in the cycle. */
function checkOncePerCycle(ctx: Context): Violation[] {
  const out: Violation[] = [];
  const seen = new Set<string>();
  for (const batch of ctx.batches)
    for (const cadreId of batch.cadreIds) {
      if (seen.has(cadreId)) out.push(violation("ONCE_PER_CYCLE", { batchId: batch.id, cadreId }));
      seen.add(cadreId);
    }
  return out;
}

/** Art. 14: each batch states the cost the cost standards give for its venue and head count. */
function checkBatchCosts(ctx: Context): Violation[] {
  return ctx.placed
    .filter(({ batch, venue }) => {
      const expected = batchCost(ctx.plan, venue, batch.cadreIds.length, batch.staffIds.length);
      const stated = batch.cost;
      return (
        stated.fixed !== expected.fixed ||
        stated.cadres !== expected.cadres ||
        stated.staff !== expected.staff ||
        stated.total !== expected.total
      );
    })
    .map(({ batch }) => violation("COST_MISMATCH", { batchId: batch.id }));
}

/** Art. 15: the plan's total cost, computed from the cost standards, stays within the budget. */
function checkBudget(ctx: Context): Violation[] {
  const total = ctx.placed.reduce(
    (sum, { batch, venue }) =>
      sum + batchCost(ctx.plan, venue, batch.cadreIds.length, batch.staffIds.length).total,
    0,
  );
  return total > ctx.plan.budget.total ? [violation("BUDGET")] : [];
}

/**
 * Art. 8 ¶2, RULES.md §6.2: no eligible cadre waits while a cadre of a lower tier, or of the same tier
 * ranked after them, goes on a batch they could have taken instead.
 */
function checkPriority(ctx: Context): Violation[] {
  const out: Violation[] = [];
  const scheduled = new Set(ctx.batches.flatMap((b) => b.cadreIds));
  // In priority order, so the scan below can stop at the batch's last place.
  const waiting = [...ctx.eligible.values()].filter((e) => !scheduled.has(e.cadre.id));
  for (const { batch, dates } of ctx.placed) {
    let lastPlace = -1;
    for (const id of batch.cadreIds)
      if (!ctx.committed.has(id)) lastPlace = Math.max(lastPlace, ctx.eligible.get(id)?.order ?? -1);
    for (const w of waiting) {
      if (w.order >= lastPlace) break;
      if (cadreFitsDates(w.cadre, ctx.policy, dates))
        out.push(violation("PRIORITY_INVERSION", { batchId: batch.id, cadreId: w.cadre.id }));
    }
  }
  return out;
}

/** Every rule the schedule breaks, each with its article and the ids involved; empty when it is valid. */
export interface ValidateOptions {
  /**
   * Cadres whose place was promised (a published batch: told, agreement signed, Art. 7). Keeping a promise is
   * not a priority inversion, so they are exempt from that one rule; every other rule still applies to them.
   */
  committedCadreIds?: readonly string[] | undefined;
}

export function validateSchedule(
  plan: Plan,
  schedule: ScheduleToValidate,
  options: ValidateOptions = {},
): Violation[] {
  const venues = new Map(plan.venues.map((v) => [v.id, v]));
  const placed: PlacedBatch[] = [];
  for (const batch of schedule.batches) {
    const venue = venues.get(batch.venueId);
    if (venue) placed.push({ batch, venue, dates: { start: toDay(batch.start), end: toDay(batch.end) } });
  }
  const ctx: Context = {
    plan,
    policy: effectivePolicy(plan),
    placed,
    cadres: new Map(plan.cadres.map((c) => [c.id, c])),
    staff: new Map(plan.staff.map((s) => [s.id, s])),
    eligible: new Map(assessEligibility(plan).eligible.map((e) => [e.cadre.id, e])),
    batches: schedule.batches,
    committed: new Set(options.committedCadreIds ?? []),
  };
  return [
    ...checkReferences(ctx, venues),
    ...checkVenueAllowed(ctx),
    ...checkBatchDates(ctx),
    ...checkVenueLoad(ctx),
    ...checkBatchSize(ctx),
    ...checkStaffRatio(ctx),
    ...checkMedicalCover(ctx),
    ...checkStaffAvailability(ctx),
    ...checkStaffOverlap(ctx),
    ...checkStaffBatchLimit(ctx),
    ...checkCadreFit(ctx),
    ...checkCadresEligible(ctx),
    ...checkOncePerCycle(ctx),
    ...checkBatchCosts(ctx),
    ...checkBudget(ctx),
    ...checkPriority(ctx),
  ];
}
