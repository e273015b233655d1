import { cadreTripCost, staffTripCost } from "../cost.js";
import type { DayRange } from "../dates.js";
import { toDay } from "../dates.js";
import { assessEligibility, type EligibleCadre, type Tier } from "../eligibility.js";
import { cadreFitsDates, isQualifiedMedicFor, staffFitsDates } from "../fit.js";
import { type EffectivePolicy, effectivePolicy } from "../policy.js";
import type { Plan, ScheduledBatch, Staff, Venue } from "../types.js";
import { at } from "../util.js";
import { excludedVenues, possibleStarts } from "../venues.js";

// The plan reduced to what the optimizer decides over: slots (one potential batch: a venue, a start day,
// and which of the venue's maxConcurrentBatches parallel batches it would be), date groups (slots that share their dates, which is all a cadre's fit
// depends on), and cadre classes (cadres of one tier who fit the same date groups, so interchangeable).

export interface Slot {
  index: number;
  venue: Venue;
  dates: DayRange;
  group: number;
  /** 0 for the first batch at this venue and start, 1 for a second one running alongside, … */
  copy: number;
  system: boolean;
  fixedCost: number;
  cadreCost: number;
  staffCost: number;
  /** Indices into Instance.staff of everyone who could accompany a batch here, in plan order. */
  staffFit: number[];
  medicalFit: number[];
}

export interface DateGroup {
  dates: DayRange;
  slots: number[];
}

export interface CadreClass {
  tier: Tier;
  /** In priority order. */
  members: EligibleCadre[];
  /** The date groups every member fits; null when they fit every group. */
  groups: number[] | null;
  /** The same as seat groups; null when they fit every group. */
  seatGroups: number[] | null;
}

/** Date groups that exactly the same classes fit: to the model, one pool of seats. */
export interface SeatGroup {
  groups: number[];
  slots: number[];
}

/**
 * A batch already promised: published (participants told), or departed and completed (frozen). The model
 * keeps it whole or, if published, may release it; its kept cadres and staff are the ones who can still go.
 */
export interface PinnedBatch {
  batchId: string;
  slot: number;
  frozen: boolean;
  /** Cadres of the batch who are still eligible and still fit its dates, in priority order. */
  kept: EligibleCadre[];
  /** Staff indices of the batch who can still travel on its dates. */
  keptStaff: number[];
  /** Cadres of the batch who can no longer go (withdrew, became ineligible, no longer fit). */
  dropped: string[];
}

export interface Commitment {
  batch: ScheduledBatch;
  frozen: boolean;
}

export interface Instance {
  plan: Plan;
  policy: EffectivePolicy;
  eligible: EligibleCadre[];
  staff: readonly Staff[];
  slots: Slot[];
  groups: DateGroup[];
  seatGroups: SeatGroup[];
  classes: CadreClass[];
  /** Eligible cadres that fit no possible batch at all (dates, age): NO_COMPATIBLE_BATCH. */
  unplaceable: Set<string>;
  /**
   * Eligible cadres whose every possible batch can never run, with why: no staff or medic free for it
   * (STAFF), or too few places or fellow cadres to reach the minimum batch size (CAPACITY).
   */
  stranded: Map<string, ("STAFF" | "CAPACITY")[]>;
  pinned: PinnedBatch[];
  /** Published batches whose venue and dates can no longer run at all: their cadres are released. */
  unrunnable: string[];
}

function rangeKey(dates: DayRange): string {
  return `${dates.start}:${dates.end}`;
}

interface CandidateSlot {
  venue: Venue;
  dates: DayRange;
}

function candidateSlots(plan: Plan): CandidateSlot[] {
  const excluded = new Set(excludedVenues(plan).map((e) => e.venue.id));
  return plan.venues
    .filter((venue) => !excluded.has(venue.id))
    .flatMap((venue) =>
      possibleStarts(plan, venue).map((start) => ({ venue, dates: { start, end: start + venue.days - 1 } })),
    );
}

/** Which of the distinct date ranges each eligible cadre fits, as sorted indices. */
function fitsByCadre(
  eligible: EligibleCadre[],
  policy: EffectivePolicy,
  ranges: DayRange[],
): Map<string, number[]> {
  const fits = new Map<string, number[]>();
  for (const e of eligible) {
    const list: number[] = [];
    ranges.forEach((dates, i) => {
      if (cadreFitsDates(e.cadre, policy, dates)) list.push(i);
    });
    fits.set(e.cadre.id, list);
  }
  return fits;
}

export function buildInstance(plan: Plan, commitments: readonly Commitment[] = []): Instance {
  const policy = effectivePolicy(plan);
  const { eligible } = assessEligibility(plan);
  const candidates = candidateSlots(plan);
  const ranges = distinctRanges(candidates);
  const fits = fitsByCadre(eligible, policy, ranges);
  const unplaceable = new Set(
    eligible.filter((e) => (fits.get(e.cadre.id) ?? []).length === 0).map((e) => e.cadre.id),
  );
  const cadresPerRange = ranges.map(() => 0);
  for (const list of fits.values()) for (const r of list) cadresPerRange[r] = (cadresPerRange[r] ?? 0) + 1;
  const { slots, groups, groupOfRange, prunedBecause } = buildSlots(
    plan,
    policy,
    candidates,
    ranges,
    cadresPerRange,
    commitments,
  );
  const classes = cadreClasses(eligible, fits, groupOfRange, groups.length);
  const seatGroups = poolSeats(classes, groups);
  return {
    plan,
    policy,
    eligible,
    staff: plan.staff,
    slots,
    groups,
    seatGroups,
    classes,
    unplaceable,
    stranded: strandedCadres(eligible, fits, groupOfRange, prunedBecause),
    ...pinBatches(plan, policy, eligible, slots, commitments),
  };
}

/** The distinct date ranges of the candidate slots, in order of first appearance. */
function distinctRanges(candidates: CandidateSlot[]): DayRange[] {
  const seen = new Set<string>();
  return candidates
    .map((c) => c.dates)
    .filter((dates) => {
      const key = rangeKey(dates);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

interface Slots {
  slots: Slot[];
  groups: DateGroup[];
  /** Date group of each range that kept a slot. */
  groupOfRange: Map<number, number>;
  /** Why each range lost its slots, where it did. */
  prunedBecause: Map<number, Set<"STAFF" | "CAPACITY">>;
}

/**
 * Art. 6, 10: the slots worth a column. A candidate nobody could staff, or too few cadres could fill, is
 * dropped unless a batch was promised there; a venue's parallel copies are as many as the staff could cover.
 */
function buildSlots(
  plan: Plan,
  policy: EffectivePolicy,
  candidates: CandidateSlot[],
  ranges: DayRange[],
  cadresPerRange: number[],
  commitments: readonly Commitment[],
): Slots {
  const rangeIndex = new Map(ranges.map((dates, i) => [rangeKey(dates), i]));
  const staffNeeded = Math.ceil(policy.minBatchSize / policy.staffRatioMax);
  // A promised batch keeps its slot even where a new batch could not be formed from scratch.
  const promised = new Map<string, number>();
  for (const { batch } of commitments) {
    const key = `${batch.venueId}@${toDay(batch.start)}`;
    promised.set(key, (promised.get(key) ?? 0) + 1);
  }
  const out: Slots = { slots: [], groups: [], groupOfRange: new Map(), prunedBecause: new Map() };
  for (const { venue, dates } of candidates) {
    const range = rangeIndex.get(rangeKey(dates)) as number;
    const { staffFit, medicalFit } = staffFitFor(plan, dates);
    const staffable =
      staffFit.length >= staffNeeded && (!policy.requireMedicalStaff || medicalFit.length > 0);
    const fillable =
      (cadresPerRange[range] ?? 0) >= policy.minBatchSize && venue.capacityPerBatch >= policy.minBatchSize;
    const promisedHere = promised.get(`${venue.id}@${dates.start}`) ?? 0;
    if ((!staffable || !fillable) && promisedHere === 0) {
      const causes = out.prunedBecause.get(range) ?? new Set();
      if (!staffable) causes.add("STAFF");
      if (!fillable) causes.add("CAPACITY");
      out.prunedBecause.set(range, causes);
      continue;
    }
    let group = out.groupOfRange.get(range);
    if (group === undefined) {
      group = out.groups.length;
      out.groupOfRange.set(range, group);
      out.groups.push({ dates, slots: [] });
    }
    // Parallel batches need people of their own, so there are never more than the staff could cover.
    const parallel = Math.max(
      promisedHere,
      Math.min(
        venue.maxConcurrentBatches ?? 1,
        policy.requireMedicalStaff ? medicalFit.length : staffFit.length,
      ),
    );
    for (let copy = 0; copy < parallel; copy++) {
      const slot: Slot = {
        index: out.slots.length,
        venue,
        dates,
        group,
        copy,
        system: venue.ownership === "system",
        fixedCost: venue.fixedCostPerBatch ?? 0,
        cadreCost: cadreTripCost(plan, venue),
        staffCost: staffTripCost(plan, venue),
        staffFit,
        medicalFit,
      };
      out.groups[group]?.slots.push(slot.index);
      out.slots.push(slot);
    }
  }
  return out;
}

/** Art. 10: indices of the staff, and of the medics qualified through the last day among them, who could travel on these dates. */
function staffFitFor(plan: Plan, dates: DayRange): { staffFit: number[]; medicalFit: number[] } {
  const staffFit: number[] = [];
  const medicalFit: number[] = [];
  plan.staff.forEach((s, i) => {
    if (!staffFitsDates(plan, s, dates)) return;
    staffFit.push(i);
    if (isQualifiedMedicFor(s, dates)) medicalFit.push(i);
  });
  return { staffFit, medicalFit };
}

/** Places each promised batch on its slot and sorts its people into those who can still go and those who cannot. */
function pinBatches(
  plan: Plan,
  policy: EffectivePolicy,
  eligible: EligibleCadre[],
  slots: Slot[],
  commitments: readonly Commitment[],
): { pinned: PinnedBatch[]; unrunnable: string[] } {
  const byId = new Map(eligible.map((e) => [e.cadre.id, e]));
  const staffIndex = new Map(plan.staff.map((s, i) => [s.id, i]));
  const taken = new Set<number>();
  const pinned: PinnedBatch[] = [];
  const unrunnable: string[] = [];
  for (const { batch, frozen } of commitments) {
    const start = toDay(batch.start);
    const slot = slots.find(
      (s) => s.venue.id === batch.venueId && s.dates.start === start && !taken.has(s.index),
    );
    if (!slot) {
      if (frozen)
        throw new Error(`batch ${batch.id} has happened but its venue and dates are no longer in the plan`);
      unrunnable.push(batch.id);
      continue;
    }
    taken.add(slot.index);
    const kept = batch.cadreIds
      .map((id) => byId.get(id))
      .filter((e): e is EligibleCadre => e !== undefined && cadreFitsDates(e.cadre, policy, slot.dates))
      .sort((a, b) => a.order - b.order);
    const keptIds = new Set(kept.map((e) => e.cadre.id));
    pinned.push({
      batchId: batch.id,
      slot: slot.index,
      frozen,
      kept,
      keptStaff: batch.staffIds
        .map((id) => staffIndex.get(id))
        .filter((i): i is number => i !== undefined && slot.staffFit.includes(i)),
      dropped: batch.cadreIds.filter((id) => !keptIds.has(id)),
    });
  }
  return { pinned, unrunnable };
}

/** Merges date groups that no class tells apart, and records each restricted class's seat groups. */
function poolSeats(classes: CadreClass[], groups: DateGroup[]): SeatGroup[] {
  const restricted = classes.filter((c) => c.groups !== null);
  const fitSets = restricted.map((c) => new Set(c.groups));
  const bySignature = new Map<string, number>();
  const seatGroups: SeatGroup[] = [];
  const seatOf = groups.map((group, g) => {
    const signature = fitSets.map((set) => (set.has(g) ? "1" : "0")).join("");
    let seat = bySignature.get(signature);
    if (seat === undefined) {
      seat = seatGroups.length;
      bySignature.set(signature, seat);
      seatGroups.push({ groups: [], slots: [] });
    }
    at(seatGroups, seat).groups.push(g);
    at(seatGroups, seat).slots.push(...group.slots);
    return seat;
  });
  for (const cls of restricted)
    cls.seatGroups = [...new Set((cls.groups ?? []).map((g) => at(seatOf, g)))].sort((a, b) => a - b);
  return seatGroups;
}

function strandedCadres(
  eligible: EligibleCadre[],
  fits: Map<string, number[]>,
  groupOfRange: Map<number, number>,
  prunedBecause: Map<number, Set<"STAFF" | "CAPACITY">>,
): Map<string, ("STAFF" | "CAPACITY")[]> {
  const stranded = new Map<string, ("STAFF" | "CAPACITY")[]>();
  for (const e of eligible) {
    const ranges = fits.get(e.cadre.id) ?? [];
    if (ranges.length === 0 || ranges.some((r) => groupOfRange.has(r))) continue;
    const causes = new Set(ranges.flatMap((r) => [...(prunedBecause.get(r) ?? [])]));
    stranded.set(
      e.cadre.id,
      (["CAPACITY", "STAFF"] as const).filter((c) => causes.has(c)),
    );
  }
  return stranded;
}

/** Cadres of one tier who fit exactly the same date groups are interchangeable to the model. */
function cadreClasses(
  eligible: EligibleCadre[],
  fits: Map<string, number[]>,
  groupOfRange: Map<number, number>,
  groupCount: number,
): CadreClass[] {
  const byKey = new Map<string, CadreClass>();
  const classes: CadreClass[] = [];
  for (const e of eligible) {
    const groups = (fits.get(e.cadre.id) ?? [])
      .map((r) => groupOfRange.get(r))
      .filter((g): g is number => g !== undefined)
      .sort((a, b) => a - b);
    if (groups.length === 0) continue;
    const flexible = groups.length === groupCount;
    const key = `${e.tier}|${flexible ? "*" : groups.join(",")}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { tier: e.tier, members: [], groups: flexible ? null : groups, seatGroups: null };
      byKey.set(key, cls);
      classes.push(cls);
    }
    cls.members.push(e);
  }
  return classes;
}
