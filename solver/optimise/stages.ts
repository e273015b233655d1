import { countByTier, TIERS } from "../eligibility.js";
import { type MipObjective, objectiveValue } from "../mip/types.js";
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

/** RULES.md §6.1: most tier-1 cadres, then most tier-2, … each stage boosted by the tiers after it. */
export function coverageStages(instance: Instance, formulation: Formulation, lastTier = 6): Stage[] {
  const eligibleByTier = countByTier(instance.eligible);
  const tiers = TIERS.filter((tier) => tier <= lastTier && (eligibleByTier[tier - 1] ?? 0) > 0);
  return tiers.map((tier, i) => {
    const later = tiers.slice(i + 1);
    // One more than everyone in the later tiers together: no number of them outweighs one of this tier.
    const weight = later.reduce((sum, t) => sum + (eligibleByTier[t - 1] ?? 0), 0) + 1;
    const objective = formulation.coverage(tier);
    return {
      name: `tier${tier}`,
      objective,
      integral: true,
      boosted:
        later.length === 0
          ? undefined
          : weighted([
              { objective, weight },
              ...later.map((t) => ({ objective: formulation.coverage(t), weight: 1 })),
            ]),
      ceiling: () => eligibleByTier[tier - 1],
    };
  });
}

/** RULES.md §6: coverage by tier, then places in system-owned venues (Art. 9), then the least cost. */
export function priorityStages(instance: Instance, formulation: Formulation): Stage[] {
  const cost = formulation.cost();
  const places = formulation.places();
  return [
    ...coverageStages(instance, formulation),
    {
      name: "system-places",
      objective: formulation.systemPlaces(),
      integral: true,
      // With coverage proven optimal the number of places is fixed, so all of them in system venues is the most.
      ceiling: (values, provenSoFar) => (provenSoFar ? objectiveValue(places, values) : undefined),
    },
    { name: "cost", objective: cost, integral: cost.values.every(Number.isInteger) },
  ];
}
