import { cadreFitsDates } from "../fit.js";
import type { MipBackend } from "../mip/types.js";
import type { UnscheduledReason } from "../types.js";
import { nameCadres, type OpenBatch, openBatches } from "./assign.js";
import { formulate, type Relaxation } from "./formulation.js";
import type { Instance } from "./instance.js";
import { solveLexicographic } from "./lexicographic.js";
import { coverageStages } from "./stages.js";

// Why an eligible cadre stays home. NO_COMPATIBLE_BATCH and PRIORITY are read off the schedule; the resource
// reasons come from re-solving with that one resource unlimited: a cadre who would then go was kept out by it.
// Where no single resource suffices, the resources relaxed together are named.

const RESOURCES: [UnscheduledReason, Relaxation][] = [
  ["BUDGET", { budget: true }],
  ["CAPACITY", { capacity: true }],
  ["STAFF", { staff: true }],
];

export interface Explanation {
  reasons: Map<string, UnscheduledReason[]>;
  /** False when a relaxed solve ran out of time: its answer is feasible but may not be the most it allows. */
  complete: boolean;
}

function scheduledWith(
  instance: Instance,
  backend: MipBackend,
  relax: Relaxation,
  lastTier: number,
  deadline: number,
  solution: Float64Array,
) {
  const formulation = formulate(instance, { relax });
  let session: ReturnType<MipBackend["open"]>;
  try {
    session = backend.open(formulation.model);
  } catch {
    // The backend's instance erred earlier and is gone: no claim from this relaxation, and it is unproven.
    return { ids: new Set<string>(), proven: false };
  }
  try {
    // The schedule's own answer is feasible under any relaxation (columns line up; per-person ones come last).
    const start = solution.slice(0, formulation.model.columns.length);
    const result = solveLexicographic(
      session,
      start,
      coverageStages(instance, formulation, lastTier),
      deadline,
    );
    const batches = openBatches(instance, formulation, result.values);
    nameCadres(instance, batches);
    return { ids: new Set(batches.flatMap((b) => b.cadreIds)), proven: result.proven };
  } finally {
    session.dispose();
  }
}

/**
 * The reasons read off the plan alone (no batch could ever take the cadre), and the waiting cadres whose
 * reasons take re-solves: a schedule stored before those are done still carries these.
 */
export function settledReasons(instance: Instance, batches: readonly OpenBatch[]) {
  const scheduled = new Set(batches.flatMap((b) => b.cadreIds));
  const waiting = instance.eligible.filter((e) => !scheduled.has(e.cadre.id));
  const reasons = new Map<string, UnscheduledReason[]>();
  for (const e of waiting) {
    if (instance.unplaceable.has(e.cadre.id)) reasons.set(e.cadre.id, ["NO_COMPATIBLE_BATCH"]);
    const stranded = instance.stranded.get(e.cadre.id);
    if (stranded) reasons.set(e.cadre.id, stranded);
  }
  return { reasons, placeable: waiting.filter((e) => !reasons.has(e.cadre.id)) };
}

export function explainUnscheduled(
  instance: Instance,
  batches: OpenBatch[],
  solution: Float64Array,
  backend: MipBackend,
  deadline: number,
  /** A relaxation should not cost much more than the schedule itself; its claims stay true when cut short. */
  budgetPerRun: number,
): Explanation {
  const { reasons, placeable } = settledReasons(instance, batches);
  if (placeable.length === 0) return { reasons, complete: true };
  const lastTier = Math.max(...placeable.map((e) => e.tier));
  let complete = true;
  const relaxedRuns = RESOURCES.map(([code, relax], i) => {
    const remaining = deadline - performance.now();
    const run = scheduledWith(
      instance,
      backend,
      relax,
      lastTier,
      performance.now() + Math.min(remaining / (RESOURCES.length - i), budgetPerRun),
      solution,
    );
    complete &&= run.proven;
    return { code, ids: run.ids };
  });
  let joint: { ids: Set<string>; proven: boolean } | null = null;
  for (const e of placeable) {
    const id = e.cadre.id;
    const list: UnscheduledReason[] = relaxedRuns.filter((r) => r.ids.has(id)).map((r) => r.code);
    if (batches.some((b) => cadreFitsDates(e.cadre, instance.policy, b.slot.dates))) list.push("PRIORITY");
    if (list.length === 0) {
      if (joint === null) {
        const run = scheduledWith(
          instance,
          backend,
          { budget: true, capacity: true, staff: true },
          lastTier,
          Math.max(deadline, performance.now() + 2000),
          solution,
        );
        complete &&= run.proven;
        joint = { ids: run.ids, proven: run.proven };
      }
      if (joint.ids.has(id)) list.push(...RESOURCES.map(([code]) => code));
      // Even with every resource unlimited they stay home: the only batches they fit cannot reach their
      // minimum size without the cadres ranked before them, who are placed elsewhere.
      else if (joint.proven) list.push("PRIORITY");
      // A cut-short run proves nothing either way; the claim stays unproven and `complete` says so.
      else list.push(...RESOURCES.map(([code]) => code));
    }
    reasons.set(id, sortReasons(list));
  }
  return { reasons, complete };
}

const ORDER: UnscheduledReason[] = ["BUDGET", "CAPACITY", "STAFF", "NO_COMPATIBLE_BATCH", "PRIORITY"];

function sortReasons(list: UnscheduledReason[]): UnscheduledReason[] {
  return ORDER.filter((code) => list.includes(code));
}
