import { rangesOverlap } from "../dates.js";
import { at, pushTo } from "../util.js";
import type { Formulation } from "./formulation.js";
import type { Instance, Slot } from "./instance.js";

// A feasible first answer built by hand: fill the cheapest slots with cadres in priority order, with real
// people as staff. It satisfies every row of the model, so the solver starts from it and, on plans too large
// to prove within the time limit, has a sound schedule to improve on instead of none.

interface Opened {
  slot: Slot;
  cadres: string[];
  staff: number[];
  /** Index into Instance.pinned when this is a promised batch kept whole. */
  pin?: number | undefined;
}

/** Cost of one more cadre at this slot, with the fixed cost and staff spread over a full batch. */
function costPerPlace(instance: Instance, slot: Slot): number {
  const { staffRatioMax } = instance.policy;
  const full = slot.venue.capacityPerBatch;
  return slot.cadreCost + slot.staffCost / staffRatioMax + slot.fixedCost / full;
}

export function greedyStart(instance: Instance, formulation: Formulation): Float64Array {
  const { policy, slots, plan } = instance;
  const fitsGroups = new Map<string, Set<number> | null>();
  for (const cls of instance.classes)
    for (const m of cls.members) fitsGroups.set(m.cadre.id, cls.groups === null ? null : new Set(cls.groups));
  const waiting = instance.eligible.filter((e) => fitsGroups.has(e.cadre.id));
  const placed = new Set<string>();
  const staffBatches = new Map<number, Slot[]>();
  const opened: Opened[] = [];
  const openedAt = new Map<number, Opened>();
  let budgetLeft = plan.budget.total;
  const smallest = Math.max(policy.minBatchSize, policy.staffRatioMin);
  const staffFor = (n: number) => Math.ceil(n / policy.staffRatioMax);

  /** Opens the slot with `kept` cadres and staff first, topped up in priority order; false if it cannot run. */
  const tryOpen = (slot: Slot, kept: string[], keptStaff: number[], pin?: number): boolean => {
    // A parallel copy runs only beside the one before it, and is no fuller (the model's symmetry rows).
    const previous = slot.copy > 0 ? openedAt.get(slot.index - 1) : undefined;
    if ((slot.copy > 0 && !previous) || openedAt.has(slot.index)) return false;
    const overlapping = opened.filter(
      (o) => o.slot.venue.id === slot.venue.id && rangesOverlap(o.slot.dates, slot.dates),
    );
    if (overlapping.length >= (slot.venue.maxConcurrentBatches ?? 1)) return false;
    if (kept.some((id) => placed.has(id))) return false;
    const others = waiting.filter((e) => {
      if (placed.has(e.cadre.id) || kept.includes(e.cadre.id)) return false;
      const groups = fitsGroups.get(e.cadre.id);
      return groups === null || (groups?.has(slot.group) ?? false);
    });
    const candidates = [...kept, ...others.map((e) => e.cadre.id)];
    const free = freeStaff(instance, staffBatches, slot);
    if (keptStaff.some((person) => !free.includes(person))) return false;
    const medics = free.filter((person) => slot.medicalFit.includes(person));
    if (policy.requireMedicalStaff && medics.length === 0) return false;
    const cost = (n: number) =>
      slot.fixedCost + n * slot.cadreCost + Math.max(staffFor(n), keptStaff.length) * slot.staffCost;
    const fits = (n: number) =>
      cost(n) <= budgetLeft &&
      policy.staffRatioMin * Math.max(staffFor(n), keptStaff.length) <= n &&
      staffFor(n) <= free.length;
    let size = Math.min(
      slot.venue.capacityPerBatch,
      candidates.length,
      previous?.cadres.length ?? Number.POSITIVE_INFINITY,
    );
    while (size >= Math.max(smallest, kept.length) && !fits(size)) size--;
    if (size < Math.max(smallest, kept.length)) return false;
    const need = Math.max(staffFor(size), keptStaff.length);
    const team = pickTeam(instance, keptStaff, medics, free, need);
    if (team.length > need && policy.staffRatioMin * team.length > size) return false;
    const batch: Opened = { slot, cadres: candidates.slice(0, size), staff: team, pin };
    for (const id of batch.cadres) placed.add(id);
    for (const person of team) pushTo(staffBatches, person, slot);
    budgetLeft -= slot.fixedCost + size * slot.cadreCost + team.length * slot.staffCost;
    opened.push(batch);
    openedAt.set(slot.index, batch);
    return true;
  };

  // Promised batches first, frozen ones before published ones.
  const pins = instance.pinned
    .map((pin, p) => ({ pin, p }))
    .sort((a, b) => Number(b.pin.frozen) - Number(a.pin.frozen));
  for (const { pin, p } of pins) {
    const ok = tryOpen(
      at(slots, pin.slot),
      pin.kept.map((e) => e.cadre.id),
      pin.keptStaff,
      p,
    );
    if (!ok && pin.frozen) throw new Error(`batch ${pin.batchId} has happened but no longer fits the plan`);
  }
  for (const slot of fillOrder(instance)) tryOpen(slot, [], []);
  return toValues(instance, formulation, opened);
}

/** System venues first (Art. 9), then the cheapest place, then the earliest date; copies in order. */
function fillOrder(instance: Instance): Slot[] {
  return [...instance.slots].sort(
    (a, b) =>
      Number(b.system) - Number(a.system) ||
      costPerPlace(instance, a) - costPerPlace(instance, b) ||
      a.dates.start - b.dates.start ||
      a.index - b.index,
  );
}

/** Art. 10, RULES.md §4: who could go with a batch in the slot, given the batches they already accompany. */
function freeStaff(instance: Instance, staffBatches: Map<number, Slot[]>, slot: Slot): number[] {
  return slot.staffFit.filter((person) => {
    const busy = staffBatches.get(person) ?? [];
    return (
      busy.length < instance.policy.staffMaxBatches &&
      !busy.some((other) => rangesOverlap(other.dates, slot.dates))
    );
  });
}

/** Kept staff first, then a medic where one is required, then whoever comes first in the plan's list, up to need. */
function pickTeam(
  instance: Instance,
  keptStaff: number[],
  medics: number[],
  free: number[],
  need: number,
): number[] {
  const team = [...keptStaff];
  const firstMedic = medics.find((person) => !team.includes(person));
  if (
    instance.policy.requireMedicalStaff &&
    !team.some((p) => medics.includes(p)) &&
    firstMedic !== undefined
  )
    team.push(firstMedic);
  for (const person of free) if (team.length < need && !team.includes(person)) team.push(person);
  return team;
}

function toValues(instance: Instance, formulation: Formulation, opened: Opened[]): Float64Array {
  const values = new Float64Array(formulation.model.columns.length);
  const add = (column: number, amount: number) => {
    values[column] = (values[column] ?? 0) + amount;
  };
  const seatGroupOf = new Map<number, number>();
  instance.seatGroups.forEach((sg, i) => {
    for (const g of sg.groups) seatGroupOf.set(g, i);
  });
  const classOf = new Map<string, number>();
  instance.classes.forEach((cls, c) => {
    for (const m of cls.members) classOf.set(m.cadre.id, c);
  });
  const venueOf = new Map<number, { batches: number; cadres: number; staff: number }>();
  for (const v of formulation.venueColumns.values()) for (const t of v.slots) venueOf.set(t, v);
  for (const { slot, cadres, staff, pin } of opened) {
    const col = at(formulation.slotColumns, slot.index);
    const kept = new Set(pin === undefined ? [] : at(instance.pinned, pin).kept.map((e) => e.cadre.id));
    if (pin !== undefined) add(at(formulation.keepColumns, pin), 1);
    const venue = venueOf.get(slot.index);
    add(col.batches, 1);
    add(col.cadres, cadres.length);
    add(col.staff, staff.length);
    if (venue) {
      add(venue.batches, 1);
      add(venue.cadres, cadres.length);
      add(venue.staff, staff.length);
    }
    const people = formulation.personColumns.get(slot.index);
    if (people) for (const person of staff) add(people.get(person) as number, 1);
    for (const id of cadres) {
      if (kept.has(id)) continue;
      const c = classOf.get(id) as number;
      const cls = at(instance.classes, c);
      if (cls.seatGroups === null) add(formulation.flexibleColumns.get(cls.tier) as number, 1);
      else {
        const seatGroup = seatGroupOf.get(slot.group);
        const entry = formulation.classColumns.get(c)?.find((e) => e.seatGroup === seatGroup);
        if (entry) add(entry.column, 1);
      }
    }
  }
  return values;
}
