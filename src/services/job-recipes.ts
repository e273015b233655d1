import type { WhatIfScenario } from "../contract/index.js";
import type { JobRecipe, JobSpec } from "../jobs/pool.js";
import { type FrontierRecipe, frontierJob, placesJob } from "./frontier.js";
import { scenarioJob, solveJob } from "./planning.js";
import type { Replanner, ReplanRecipe } from "./replanning.js";
import type { BudgetSweeps, ExplainRecipe, SweepRecipe } from "./what-if.js";

// A queued job crosses to a worker process as its recipe (data) and is built again there: every job kind the
// services queue has its name here. A recipe is written by the builders in this folder only, so its args are
// what that builder put in.

export function jobFromRecipe(
  recipe: JobRecipe,
  services: { replanner: Replanner; sweeps: BudgetSweeps },
): JobSpec {
  switch (recipe.name) {
    case "solve":
      return solveJob();
    case "budget-sweep":
      return services.sweeps.sweepJob(recipe.args as SweepRecipe);
    case "frontier":
      return frontierJob(recipe.args as FrontierRecipe) as JobSpec;
    case "frontier-places":
      return placesJob(recipe.args as FrontierRecipe) as JobSpec;
    case "explain":
      return services.sweeps.explainJob(recipe.args as ExplainRecipe);
    case "scenarios":
      return scenarioJob(recipe.args as WhatIfScenario[]);
    case "replan":
      return services.replanner.job(recipe.args as ReplanRecipe);
    default:
      throw new Error(`no job recipe named ${recipe.name}`);
  }
}
