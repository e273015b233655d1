import {
  assessEligibility,
  batchCost,
  cadreTripCost,
  effectivePolicy,
  excludedVenues,
  type Plan,
  possibleStarts,
  type ScheduledBatch,
  type ScheduleToValidate,
  toIso,
  type Venue,
  type Violation,
  validateSchedule,
} from "../../../solver/index.js";
import { compareLex } from "../compare-lex.js";

// An independent reference optimizer for MICRO plans: it enumerates schedules and keeps the
// lexicographically best tier vector (RULES.md §6.1) among those the validator accepts. It shares nothing
// with solver/optimize or solver/mip: the rules come from the public helpers and from the validator,
// which is the ground truth; the search is plain enumeration.
//
// The search space is every set of batches (venue, start, parallel copies up to maxConcurrentBatches),
// every staff set for each batch, and every assignment of cadres to batches. It is pruned only by
// necessary conditions, each a rule the validator states:
//   - a batch structure (dates and staff, no cadres yet) must already pass the rules that do not depend
//     on the cadres (dates, venue load, staff availability, overlap and limit, medical cover, and the
//     budget, which cadres only raise), as the validator rules on the structure itself;
//   - a cadre goes only into a batch the validator lets them join (age on the start day, free dates);
//   - batch sizes stay inside [max(minBatchSize, min × S), min(capacity, max × S)] and the cost inside
//     the budget;
//   - a branch that cannot beat the best vector found so far, even if every remaining cadre who fits some
//     batch went, is cut (branch and bound on the lexicographic order).
// Every schedule that improves on the best is then checked by validateSchedule in full; only
// PRIORITY_INVERSION is set aside, since inversions are a tie-break, not feasibility.

/** Rules a schedule must pass before any cadre joins (adding cadres never mends them). */
const STRUCTURAL_RULES = new Set<Violation["rule"]>([
  "UNKNOWN_VENUE",
  "UNKNOWN_STAFF",
  "DUPLICATE_BATCH_ID",
  "VENUE_EXCLUDED",
  "BATCH_LENGTH",
  "BATCH_WEEKDAY",
  "BATCH_WINDOW",
  "BATCH_BLACKOUT",
  "VENUE_LOAD",
  "MEDICAL_COVER",
  "STAFF_AVAILABILITY",
  "STAFF_OVERLAP",
  "STAFF_BATCH_LIMIT",
  "STAFF_DUPLICATE_IN_BATCH",
  "BUDGET",
]);

/** Rules that say a cadre cannot join a batch at all, whatever else is in it. */
const CADRE_FIT_RULES = new Set<Violation["rule"]>([
  "UNKNOWN_CADRE",
  "CADRE_INELIGIBLE",
  "CADRE_AGE",
  "CADRE_AVAILABILITY",
]);

export interface BruteForceResult {
  /** Scheduled cadres per tier 1–6: the lexicographic maximum over valid schedules. */
  vector: number[];
  /** One schedule reaching it (possibly with priority inversions). */
  schedule: ScheduleToValidate;
  /** Batch structures that passed the structural rules, and complete schedules given to the validator. */
  stats: { structures: number; validated: number };
}

interface Slot {
  venue: Venue;
  start: number;
}

interface Structure {
  slots: Slot[];
  staff: string[][];
}

function toBatches(plan: Plan, structure: Structure, cadreIds: readonly string[][]): ScheduledBatch[] {
  return structure.slots.map((slot, b) => {
    const cadres = cadreIds[b] ?? [];
    const staff = structure.staff[b] ?? [];
    return {
      id: `B${b + 1}`,
      venueId: slot.venue.id,
      start: toIso(slot.start),
      end: toIso(slot.start + slot.venue.days - 1),
      cadreIds: cadres,
      staffIds: staff,
      cost: batchCost(plan, slot.venue, cadres.length, staff.length),
    };
  });
}

function violationsApartFromPriority(plan: Plan, schedule: ScheduleToValidate): Violation[] {
  return validateSchedule(plan, schedule).filter((v) => v.rule !== "PRIORITY_INVERSION");
}

/** Every k-subset of items, in lexicographic order of indices. */
function subsets<T>(items: readonly T[], k: number): T[][] {
  const out: T[][] = [];
  const pick = (from: number, chosen: T[]) => {
    if (chosen.length === k) {
      out.push([...chosen]);
      return;
    }
    for (let i = from; i < items.length; i++) pick(i + 1, [...chosen, items[i] as T]);
  };
  pick(0, []);
  return out;
}

/** Every multiset of slot indices of size 1..maxBatches, each slot at most its venue's maxConcurrentBatches times. */
function slotMultisets(slots: readonly Slot[], maxBatches: number): number[][] {
  const out: number[][] = [];
  const grow = (from: number, chosen: number[]) => {
    if (chosen.length > 0) out.push([...chosen]);
    if (chosen.length === maxBatches) return;
    for (let i = from; i < slots.length; i++) {
      const slot = slots[i] as Slot;
      const copies = chosen.filter((j) => j === i).length;
      if (copies < (slot.venue.maxConcurrentBatches ?? 1)) grow(i, [...chosen, i]);
    }
  };
  grow(0, []);
  return out;
}

export function bruteForce(plan: Plan): BruteForceResult {
  const policy = effectivePolicy(plan);
  const eligible = assessEligibility(plan).eligible; // in priority order
  const excluded = new Set(excludedVenues(plan).map((e) => e.venue.id));
  const slots: Slot[] = plan.venues
    .filter((v) => !excluded.has(v.id))
    .flatMap((venue) => possibleStarts(plan, venue).map((start) => ({ venue, start })));
  const staffIds = plan.staff.map((s) => s.id);
  const stats = { structures: 0, validated: 0 };

  // The empty schedule is always a candidate.
  const empty: ScheduleToValidate = { batches: [] };
  const emptyViolations = violationsApartFromPriority(plan, empty);
  if (emptyViolations.length > 0)
    throw new Error(`the empty schedule is invalid: ${JSON.stringify(emptyViolations)}`);
  let best = { vector: [0, 0, 0, 0, 0, 0], schedule: empty };

  // Which cadre may join which slot, as the validator rules on a batch holding that cadre alone.
  const fits = slots.map((slot) =>
    eligible.map((e) => {
      const probe = toBatches(plan, { slots: [slot], staff: [[]] }, [[e.cadre.id]]);
      return !validateSchedule(plan, { batches: probe }).some(
        (v) => v.cadreId === e.cadre.id && CADRE_FIT_RULES.has(v.rule),
      );
    }),
  );

  const smallestBatch = Math.max(policy.minBatchSize, policy.staffRatioMin);
  const maxBatches = Math.floor(eligible.length / smallestBatch);

  for (const multiset of slotMultisets(slots, maxBatches)) {
    // Staff sets per batch: S with min × S ≤ N ≤ max × S for some N in [minBatchSize, capacity].
    const staffChoices = multiset.map((i) => {
      const venue = (slots[i] as Slot).venue;
      const sizes: string[][] = [];
      for (let s = 1; s <= staffIds.length; s++) {
        const lo = Math.max(policy.minBatchSize, policy.staffRatioMin * s);
        const hi = Math.min(venue.capacityPerBatch, policy.staffRatioMax * s);
        if (lo <= hi) sizes.push(...subsets(staffIds, s));
      }
      return sizes;
    });
    const pickStaff = (b: number, chosen: string[][]) => {
      if (b === multiset.length) {
        searchCadres({ slots: multiset.map((i) => slots[i] as Slot), staff: chosen }, multiset);
        return;
      }
      const choices = staffChoices[b] ?? [];
      // Copies of the same slot are interchangeable: give them staff sets in non-decreasing order.
      const sameAsPrevious = b > 0 && multiset[b] === multiset[b - 1];
      const floor = sameAsPrevious ? choices.findIndex((c) => c.join() === chosen[b - 1]?.join()) : 0;
      for (let k = Math.max(0, floor); k < choices.length; k++)
        pickStaff(b + 1, [...chosen, choices[k] as string[]]);
    };
    pickStaff(0, []);
  }
  return { ...best, stats };

  function searchCadres(structure: Structure, slotIndex: readonly number[]): void {
    const empty = toBatches(plan, structure, []);
    const structural = validateSchedule(plan, { batches: empty }).filter((v) => STRUCTURAL_RULES.has(v.rule));
    if (structural.length > 0) return;
    stats.structures++;
    const nb = structure.slots.length;
    const lo = structure.slots.map((_slot, b) =>
      Math.max(policy.minBatchSize, policy.staffRatioMin * (structure.staff[b]?.length ?? 0)),
    );
    const hi = structure.slots.map((slot, b) =>
      Math.min(slot.venue.capacityPerBatch, policy.staffRatioMax * (structure.staff[b]?.length ?? 0)),
    );
    const placeCost = structure.slots.map((slot) => cadreTripCost(plan, slot.venue));
    const baseCost = empty.reduce((sum, b) => sum + b.cost.total, 0);
    // Candidates: eligible cadres who fit at least one batch of the structure, in priority order.
    const candidates = eligible
      .map((e, c) => ({
        id: e.cadre.id,
        tier: e.tier,
        batches: slotIndex.map((i, b) => (fits[i]?.[c] ? b : -1)).filter((b) => b >= 0),
      }))
      .filter((c) => c.batches.length > 0);
    const n = candidates.length;
    // Suffix sums: how many of candidates i.. are of each tier, and how many fit each batch.
    const tierSuffix: number[][] = Array.from({ length: n + 1 }, () => [0, 0, 0, 0, 0, 0]);
    const fitSuffix: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(nb).fill(0));
    for (let i = n - 1; i >= 0; i--) {
      const cand = candidates[i] as (typeof candidates)[number];
      const tiers = [...(tierSuffix[i + 1] as number[])];
      tiers[cand.tier - 1] = (tiers[cand.tier - 1] ?? 0) + 1;
      tierSuffix[i] = tiers;
      const fit = [...(fitSuffix[i + 1] as number[])];
      for (const b of cand.batches) fit[b] = (fit[b] ?? 0) + 1;
      fitSuffix[i] = fit;
    }
    const counts = new Array<number>(nb).fill(0);
    const members: string[][] = Array.from({ length: nb }, () => []);
    const vector = [0, 0, 0, 0, 0, 0];
    let cost = baseCost;

    const visit = (i: number): void => {
      const upper = vector.map((x, t) => x + (tierSuffix[i]?.[t] ?? 0));
      if (compareLex(upper, best.vector) <= 0) return;
      for (let b = 0; b < nb; b++) if ((counts[b] ?? 0) + (fitSuffix[i]?.[b] ?? 0) < (lo[b] ?? 0)) return;
      if (i === n) {
        // Every batch is inside its size bounds here (the checks above), and the vector beats the best.
        const schedule = {
          batches: toBatches(
            plan,
            structure,
            members.map((m) => [...m]),
          ),
        };
        stats.validated++;
        if (violationsApartFromPriority(plan, schedule).length === 0)
          best = { vector: [...vector], schedule };
        return;
      }
      const cand = candidates[i] as (typeof candidates)[number];
      for (const b of cand.batches) {
        const extra = placeCost[b] ?? 0;
        if ((counts[b] ?? 0) >= (hi[b] ?? 0) || cost + extra > plan.budget.total) continue;
        counts[b] = (counts[b] ?? 0) + 1;
        members[b]?.push(cand.id);
        vector[cand.tier - 1] = (vector[cand.tier - 1] ?? 0) + 1;
        cost += extra;
        visit(i + 1);
        cost -= extra;
        vector[cand.tier - 1] = (vector[cand.tier - 1] ?? 0) - 1;
        members[b]?.pop();
        counts[b] = (counts[b] ?? 0) - 1;
      }
      visit(i + 1);
    };
    visit(0);
  }
}
