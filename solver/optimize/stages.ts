import { toDay } from "../dates.js";
import { countByTier, TIERS } from "../eligibility.js";
import { type MipObjective, objectiveValue } from "../mip/types.js";
import type { Schedule } from "../types.js";
import { at } from "../util.js";
import type { Formulation } from "./formulation.js";
import type { Instance } from "./instance.js";
import type { Stage } from "./lexicographic.js";

function weighted(parts: { objective: MipObjective; weight: number }[]): MipObjective {
  const indices: number[] = [];
  const values: number[] = [];
  for (const { objective, weight } of parts)
    objective.indices.forEach((col, i) => {
      indices.push(col);
      values.push((objective.values[i] ?? 0) * weight);
    });
  return { sense: "max", indices, values };
}

/**
 * RULES.md §6.1: most tier-1 cadres, then most tier-2, … each stage boosted by the tiers after it and, below
 * them, by the tie-break.
 */
export function coverageStages(
  instance: Instance,
  formulation: Formulation,
  lastTier = 6,
  /** Places (each an eligible cadre's, so at most one per cadre) the boosted solves also reach for. */
  tieBreak?: MipObjective,
  /** The lexicographic maximum by tier, already proven elsewhere (the plan's frontier at this budget). */
  known?: readonly number[],
): Stage[] {
  const eligibleByTier = countByTier(instance.eligible);
  const tiers = TIERS.filter((tier) => tier <= lastTier && (eligibleByTier[tier - 1] ?? 0) > 0);
  // One more than the most the tie-break can count: no number of places outweighs one cadre of any tier.
  const tierUnit = tieBreak ? instance.eligible.length + 1 : 1;
  return tiers.map((tier, i) => {
    const later = tiers.slice(i + 1);
    // One more than everyone in the later tiers together: no number of them outweighs one of this tier.
    const weight = later.reduce((sum, t) => sum + (eligibleByTier[t - 1] ?? 0), 0) + 1;
    const objective = formulation.coverage(tier);
    const lower = [
      ...later.map((t) => ({ objective: formulation.coverage(t), weight: tierUnit })),
      ...(tieBreak ? [{ objective: tieBreak, weight: 1 }] : []),
    ];
    return {
      name: `tier${tier}`,
      objective,
      integral: true,
      boosted:
        lower.length === 0 ? undefined : weighted([{ objective, weight: weight * tierUnit }, ...lower]),
      // A known maximum bounds this tier only while every tier before it is at its own (proven so far).
      ceiling: (_, provenSoFar) =>
        known !== undefined && provenSoFar ? known[tier - 1] : eligibleByTier[tier - 1],
    };
  });
}

/** A stage's value in a schedule known to be optimal at every stage: the stage ends there (proven so far). */
function knownBest(objective: MipObjective, optimum: Float64Array | undefined) {
  const best = optimum && objectiveValue(objective, optimum);
  return (_: Float64Array, provenSoFar: boolean) => (provenSoFar ? best : undefined);
}

function costStage(formulation: Formulation, optimum?: Float64Array): Stage {
  const cost = formulation.cost();
  return {
    name: "cost",
    objective: cost,
    integral: cost.values.every(Number.isInteger),
    ceiling: knownBest(cost, optimum),
  };
}

function systemPlacesStage(formulation: Formulation, optimum?: Float64Array): Stage {
  const places = formulation.places();
  const systemPlaces = formulation.systemPlaces();
  const known = knownBest(systemPlaces, optimum);
  return {
    name: "system-places",
    objective: systemPlaces,
    integral: true,
    // With coverage proven optimal the number of places is fixed, so all of them in system venues is the most.
    ceiling: (values, provenSoFar) =>
      known(values, provenSoFar) ?? (provenSoFar ? objectiveValue(places, values) : undefined),
  };
}

/** What the plan's frontier proved of the priority candidate at this budget (SolveOptions.known). */
export interface KnownPriority {
  /** The lexicographic maximum by tier. */
  scheduledByTier: readonly number[];
  /** A schedule optimal at every priority stage at this budget, when one is known. */
  optimum?: Float64Array | undefined;
}

/** The candidate schedules a planner can put side by side; `priority` is RULES.md §6 itself. */
export const CANDIDATES = ["priority", "economy", "system-only", "fewest-batches"] as const;
export type Candidate = (typeof CANDIDATES)[number];

/** How many tiers `economy` keeps at the priority schedule's coverage. */
export const ECONOMY_TIERS = 3;

/**
 * The stages of each candidate:
 * - priority (RULES.md §6): coverage by tier, then places in system-owned venues (Art. 9), then the least cost;
 * - economy: priority's coverage of tiers 1–3, then the least cost (what the top tiers alone cost);
 * - system-only: priority's stages with contracted venues left out (the caller drops them from the plan);
 * - fewest-batches: priority's coverage, then the fewest batches, then the fewest staff-days, then the least cost.
 */
export function candidateStages(
  candidate: Candidate,
  instance: Instance,
  formulation: Formulation,
  /** What the plan's frontier proved of the priority candidate at this budget. */
  known?: KnownPriority,
): Stage[] {
  const proven = candidate === "priority" ? known : undefined;
  switch (candidate) {
    case "priority":
    case "system-only":
      return [
        ...coverageStages(instance, formulation, 6, formulation.systemPlaces(), proven?.scheduledByTier),
        systemPlacesStage(formulation, proven?.optimum),
        costStage(formulation, proven?.optimum),
      ];
    case "economy":
      return [...coverageStages(instance, formulation, ECONOMY_TIERS), costStage(formulation)];
    case "fewest-batches":
      return [
        ...coverageStages(instance, formulation),
        { name: "batches", objective: formulation.batches(), integral: true },
        { name: "staff-days", objective: formulation.staffDays(), integral: true },
        costStage(formulation),
      ];
  }
}

/** Replanning: before anything else, the most promised cadres keep their batch (empty on a first solve). */
export function keepStages(instance: Instance, formulation: Formulation): Stage[] {
  if (instance.pinned.length === 0) return [];
  const total = instance.pinned.reduce((sum, pin) => sum + pin.kept.length, 0);
  return [
    { name: "kept-promises", objective: formulation.keptCadres(), integral: true, ceiling: () => total },
  ];
}

/**
 * Replanning, last of all: among equally good schedules, the one that runs the most of the previous version's
 * unpublished batches on their dates, so nobody's plans change for nothing.
 */
export function stayStages(
  instance: Instance,
  formulation: Formulation,
  previous: Pick<Schedule, "batches"> | undefined,
): Stage[] {
  if (!previous) return [];
  const pinnedSlots = new Set(instance.pinned.map((pin) => pin.slot));
  const before = new Set(previous.batches.map((b) => `${b.venueId}@${toDay(b.start)}`));
  const indices = instance.slots
    .filter((slot) => !pinnedSlots.has(slot.index) && before.has(`${slot.venue.id}@${slot.dates.start}`))
    .map((slot) => at(formulation.slotColumns, slot.index).batches);
  return indices.length === 0
    ? []
    : [
        {
          name: "unchanged-batches",
          objective: { sense: "max", indices, values: indices.map(() => 1) },
          integral: true,
        },
      ];
}
