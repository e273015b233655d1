import { countByTier, TIERS } from "../eligibility.js";
import { backendNamed } from "../mip/backends.js";
import type { Backend, Plan } from "../types.js";
import { formulate } from "./formulation.js";
import { buildInstance } from "./instance.js";
import { solveLexicographic } from "./lexicographic.js";
import { coverageStages } from "./stages.js";

export interface LeastBudget {
  /** Tiers 1..tiers are at the most coverage any budget buys. */
  tiers: number;
  /** The least total cost (yuan) that reaches it; with this budget the priority schedule reaches it too. */
  budget: number;
  /** The coverage of tiers 1..tiers that it buys. */
  scheduledByTier: number[];
  proven: boolean;
}

/**
 * For each k, the least budget that reaches the most coverage of tiers 1..k (lexicographically, as RULES.md
 * §6.1 ranks them): a min-cost solve with the budget unlimited and tiers 1..k held at their maximum. Exact, not
 * a search over budgets: one yuan less cannot reach the same coverage, since that coverage costs at least this.
 */
export async function leastBudgetForTiers(
  plan: Plan,
  options: { backend?: Backend | undefined; timeLimitSeconds?: number | undefined } = {},
): Promise<LeastBudget[]> {
  const began = performance.now();
  const deadline = began + (options.timeLimitSeconds ?? 60) * 1000;
  const instance = buildInstance(plan);
  const eligibleByTier = countByTier(instance.eligible);
  const tiers = TIERS.filter((t) => (eligibleByTier[t - 1] ?? 0) > 0);
  const results: LeastBudget[] = [];
  for (const [i, k] of tiers.entries()) {
    const backend = await backendNamed(options.backend);
    const formulation = formulate(instance, { relax: { budget: true } });
    const session = backend.open(formulation.model);
    try {
      const cost = formulation.cost();
      const share = (deadline - performance.now()) / (tiers.length - i);
      const result = solveLexicographic(
        session,
        new Float64Array(formulation.model.columns.length),
        [
          ...coverageStages(instance, formulation, k),
          { name: "cost", objective: cost, integral: cost.values.every(Number.isInteger) },
        ],
        performance.now() + share,
      );
      const costStage = result.stages.at(-1);
      results.push({
        tiers: k,
        budget: Math.round(costStage?.value ?? 0),
        scheduledByTier: TIERS.map((t) =>
          t <= k ? Math.round(result.stages.find((s) => s.name === `tier${t}`)?.value ?? 0) : 0,
        ),
        proven: result.proven,
      });
    } finally {
      session.dispose();
    }
  }
  return results;
}
