import { TIERS } from "../eligibility.js";
import { cadreFitsDates } from "../fit.js";
import type { MipBackend } from "../mip/types.js";
import type { UnscheduledReason } from "../types.js";
import { nameCadres, type OpenBatch, openBatches } from "./assign.js";
import { formulate, type Relaxation } from "./formulation.js";
import type { Instance } from "./instance.js";
import { type Stage, solveLexicographic } from "./lexicographic.js";

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
) {
  const formulation = formulate(instance, { relax });
  const session = backend.open(formulation.model);
  try {
    const start = new Float64Array(formulation.model.columns.length);
    const stages: Stage[] = TIERS.filter((tier) => tier <= lastTier).map((tier) => ({
      name: `tier${tier}`,
      objective: formulation.coverage(tier),
      integral: true,
    }));
    const result = solveLexicographic(session, start, stages, deadline);
    const batches = openBatches(instance, formulation, result.values);
    nameCadres(instance, batches);
    return { ids: new Set(batches.flatMap((b) => b.cadreIds)), proven: result.proven };
  } finally {
    session.dispose();
  }
}

export function explainUnscheduled(
  instance: Instance,
  batches: OpenBatch[],
  backend: MipBackend,
  deadline: number,
): Explanation {
  const scheduled = new Set(batches.flatMap((b) => b.cadreIds));
  const waiting = instance.eligible.filter((e) => !scheduled.has(e.cadre.id));
  const reasons = new Map<string, UnscheduledReason[]>();
  if (waiting.length === 0) return { reasons, complete: true };
  const lastTier = Math.max(...waiting.map((e) => e.tier));
  let complete = true;
  const relaxedRuns = RESOURCES.map(([code, relax]) => {
    const run = scheduledWith(instance, backend, relax, lastTier, deadline);
    complete &&= run.proven;
    return { code, ids: run.ids };
  });
  let joint: Set<string> | null = null;
  for (const e of waiting) {
    const id = e.cadre.id;
    if (instance.unplaceable.has(id)) {
      reasons.set(id, ["NO_COMPATIBLE_BATCH"]);
      continue;
    }
    const list: UnscheduledReason[] = relaxedRuns.filter((r) => r.ids.has(id)).map((r) => r.code);
    if (batches.some((b) => cadreFitsDates(e.cadre, instance.policy, b.slot.dates))) list.push("PRIORITY");
    if (list.length === 0) {
      if (joint === null) {
        const run = scheduledWith(
          instance,
          backend,
          { budget: true, capacity: true, staff: true },
          lastTier,
          deadline,
        );
        complete &&= run.proven;
        joint = run.ids;
      }
      // Only all resources together would let them go, or the batches they fit never run for lack of people.
      list.push(...(joint.has(id) ? RESOURCES.map(([code]) => code) : (["STAFF"] as UnscheduledReason[])));
    }
    reasons.set(id, sortReasons(list));
  }
  return { reasons, complete };
}

const ORDER: UnscheduledReason[] = ["BUDGET", "CAPACITY", "STAFF", "NO_COMPATIBLE_BATCH", "PRIORITY"];

function sortReasons(list: UnscheduledReason[]): UnscheduledReason[] {
  return ORDER.filter((code) => list.includes(code));
}
