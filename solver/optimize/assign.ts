import { INFINITY, type MipBackend, type MipModel } from "../mip/types.js";
import { at, pushTo } from "../util.js";
import { type Formulation, overlapCliques } from "./formulation.js";
import type { Instance, Slot } from "./instance.js";

// From the model's counts to named people. Staff: an exact feasibility problem over the batches that run.
// Cadres: the seats form a transversal matroid, so taking cadres greedily in priority order, each if the
// seats can still be rearranged to hold them, gives the lexicographically best set, with nobody passed over
// for a cadre ranked after them (RULES.md §6.2).

export interface OpenBatch {
  slot: Slot;
  /** The promised batch (Instance.pinned) this one keeps, if any. */
  pin?: number | undefined;
  cadres: number;
  staff: number;
  staffIndices: number[];
  cadreIds: string[];
}

export function openBatches(instance: Instance, formulation: Formulation, values: Float64Array): OpenBatch[] {
  const open: OpenBatch[] = [];
  const pinOfSlot = new Map<number, number>();
  instance.pinned.forEach((pin, p) => {
    if ((values[at(formulation.keepColumns, p)] ?? 0) > 0.5) pinOfSlot.set(pin.slot, p);
  });
  instance.slots.forEach((slot, t) => {
    const col = at(formulation.slotColumns, t);
    if ((values[col.batches] ?? 0) < 0.5) return;
    open.push({
      slot,
      pin: pinOfSlot.get(t),
      cadres: Math.round(values[col.cadres] ?? 0),
      staff: Math.round(values[col.staff] ?? 0),
      staffIndices: [],
      cadreIds: [],
    });
  });
  return open;
}

/** Staff named by the model itself, when it was built with one binary per person. */
export function staffFromModel(formulation: Formulation, batches: OpenBatch[], values: Float64Array): void {
  for (const batch of batches) {
    const columns = formulation.personColumns.get(batch.slot.index) ?? new Map<number, number>();
    batch.staffIndices = [...columns].filter(([, col]) => (values[col] ?? 0) > 0.5).map(([person]) => person);
  }
}

interface NamingModel {
  model: MipModel;
  /** Per batch, one binary column per person who could go with it. */
  columnOf: { person: number; column: number }[][];
  personOfColumn: number[];
}

/** Art. 10, RULES.md §4 per person: each batch its head count and a medic, nobody twice at once or over the limit. */
function staffNamingModel(instance: Instance, batches: OpenBatch[]): NamingModel {
  const { policy } = instance;
  const model: MipModel = { columns: [], rows: [] };
  const personOfColumn: number[] = [];
  const columnOf = batches.map((batch) =>
    batch.slot.staffFit.map((person) => {
      // Staff of a kept promised batch stay with it.
      const kept = batch.pin !== undefined && at(instance.pinned, batch.pin).keptStaff.includes(person);
      model.columns.push({
        name: `z${person}_${batch.slot.index}`,
        lower: kept ? 1 : 0,
        upper: 1,
        integer: true,
      });
      personOfColumn.push(person);
      return { person, column: model.columns.length - 1 };
    }),
  );
  batches.forEach((batch, b) => {
    const entries = at(columnOf, b);
    model.rows.push({
      name: `head${b}`,
      lower: batch.staff,
      upper: batch.staff,
      indices: entries.map((e) => e.column),
      values: entries.map(() => 1),
    });
    if (policy.requireMedicalStaff) {
      const medics = entries.filter((e) => batch.slot.medicalFit.includes(e.person));
      model.rows.push({
        name: `medic${b}`,
        lower: 1,
        upper: INFINITY,
        indices: medics.map((e) => e.column),
        values: medics.map(() => 1),
      });
    }
  });
  const byPerson = new Map<number, { batch: number; column: number }[]>();
  columnOf.forEach((entries, b) => {
    for (const e of entries) pushTo(byPerson, e.person, { batch: b, column: e.column });
  });
  for (const [person, list] of byPerson) {
    overlapCliques(list, (e) => at(batches, e.batch).slot.dates).forEach((clique, i) => {
      model.rows.push({
        name: `busy${person}_${i}`,
        lower: -INFINITY,
        upper: 1,
        indices: clique.map((e) => e.column),
        values: clique.map(() => 1),
      });
    });
    if (Number.isFinite(policy.staffMaxBatches))
      model.rows.push({
        name: `trips${person}`,
        lower: -INFINITY,
        upper: policy.staffMaxBatches,
        indices: list.map((e) => e.column),
        values: list.map(() => 1),
      });
  }
  return { model, columnOf, personOfColumn };
}

/** Names the staff of each batch: its head count, a medic where required, nobody twice at once, nobody over the limit. */
export function nameStaff(
  instance: Instance,
  batches: OpenBatch[],
  backend: MipBackend,
  timeLimitSeconds: number,
): boolean {
  const { model, columnOf, personOfColumn } = staffNamingModel(instance, batches);
  if (model.columns.length === 0) return batches.length === 0;
  const session = backend.open(model);
  try {
    // Any feasible naming will do; preferring people earlier in the plan's list makes the choice explainable.
    const result = session.solve(
      {
        sense: "min",
        indices: personOfColumn.map((_, i) => i),
        values: personOfColumn.map((person) => 1 + person / (personOfColumn.length + 1)),
      },
      { timeLimitSeconds, absoluteGap: 1e-9 },
    );
    if (result.status !== "optimal" && result.status !== "feasible") return false;
    columnOf.forEach((entries, b) => {
      at(batches, b).staffIndices = entries
        .filter((e) => (result.values[e.column] ?? 0) > 0.5)
        .map((e) => e.person);
    });
    return true;
  } finally {
    session.dispose();
  }
}

/** Who may sit where, and the cadres and seats already fixed, while cadres are named. */
interface Seating {
  batches: OpenBatch[];
  /** Empty seats per batch. */
  free: number[];
  /** Kept cadres of promised batches: they hold their seats and never move to make room for others. */
  fixed: Set<string>;
  classOf: Map<string, number>;
  fits: (cadreId: string, b: number) => boolean;
}

/** Greedy by priority with augmenting paths over batches: who fills the seats. */
export function nameCadres(instance: Instance, batches: OpenBatch[]): void {
  const groupsOf = new Map<string, Set<number> | null>();
  const classOf = new Map<string, number>();
  instance.classes.forEach((cls, c) => {
    for (const m of cls.members) {
      groupsOf.set(m.cadre.id, cls.groups === null ? null : new Set(cls.groups));
      classOf.set(m.cadre.id, c);
    }
  });
  const fits = (cadreId: string, b: number): boolean => {
    const groups = groupsOf.get(cadreId);
    return groups === null || (groups?.has(at(batches, b).slot.group) ?? false);
  };
  const seating: Seating = { batches, free: batches.map((b) => b.cadres), fixed: new Set(), classOf, fits };
  batches.forEach((batch, b) => {
    if (batch.pin === undefined) return;
    for (const e of at(instance.pinned, batch.pin).kept) {
      batch.cadreIds.push(e.cadre.id);
      seating.fixed.add(e.cadre.id);
      seating.free[b] = at(seating.free, b) - 1;
    }
  });
  let freeSeats = seating.free.reduce((a, b) => a + b, 0);
  const failedClasses = new Set<number>();
  for (const cadre of instance.eligible) {
    if (freeSeats === 0) break;
    if (seating.fixed.has(cadre.cadre.id)) continue;
    const cls = classOf.get(cadre.cadre.id);
    if (cls === undefined || failedClasses.has(cls)) continue;
    // Matroid property: once a class cannot be added, no later member of it can be.
    if (seatCadre(seating, cadre.cadre.id)) freeSeats--;
    else failedClasses.add(cls);
  }
  // The model's flow guarantees a full matching; an empty seat means the model and this disagree.
  if (freeSeats > 0) throw new Error(`cadre naming left ${freeSeats} seats empty`);
}

/** Seats the cadre if the seated can be rearranged to make room: a breadth-first augmenting path over batches. */
function seatCadre({ batches, free, fixed, classOf, fits }: Seating, id: string): boolean {
  // parent records which member moves out of which batch to make room.
  const parent = new Map<number, { from: number; mover: string } | null>();
  const queue: number[] = [];
  batches.forEach((_, b) => {
    if (fits(id, b)) {
      parent.set(b, null);
      queue.push(b);
    }
  });
  for (let head = 0; head < queue.length; head++) {
    const b = at(queue, head);
    if (at(free, b) > 0) {
      // Walk back: each mover goes into the batch after it on the path, the new cadre into the first.
      let target = b;
      let link = parent.get(target) ?? null;
      while (link !== null) {
        const list = at(batches, link.from).cadreIds;
        list.splice(list.indexOf(link.mover), 1);
        at(batches, target).cadreIds.push(link.mover);
        target = link.from;
        link = parent.get(target) ?? null;
      }
      at(batches, target).cadreIds.push(id);
      free[b] = at(free, b) - 1;
      return true;
    }
    const seenClasses = new Set<number>();
    const members = at(batches, b).cadreIds;
    for (let i = members.length - 1; i >= 0; i--) {
      const mover = at(members, i);
      if (fixed.has(mover)) continue;
      const cls = classOf.get(mover) ?? -1;
      if (seenClasses.has(cls)) continue;
      seenClasses.add(cls);
      batches.forEach((_, next) => {
        if (!parent.has(next) && fits(mover, next)) {
          parent.set(next, { from: b, mover });
          queue.push(next);
        }
      });
    }
  }
  return false;
}
