import { budgetFrontier, type Frontier } from "../../solver/index.js";
import type { TaskHandler } from "../jobs/worker.js";
import { applyEvents } from "../replan/events.js";
import { eventFromStored, planFromStored, scheduleFromStored } from "../storage/stored.js";

// The worker's side of a frontier job (frontier.ts queues it): the stored plan as its events leave it, and
// its budget frontier, reporting each step as it is found.

export interface FrontierTask {
  kind: "frontier";
  /** The plan's events, as stored, in sequence order. */
  events: string[];
  /** The current version's schedule, whose batches the events may name; null before the first replan. */
  versionJson: string | null;
  /** Which part of the budget axis (FrontierOptions.part); the job joins its parts. */
  part: { index: number; of: number };
}

export interface FrontierOutcome {
  kind: "frontier";
  frontier: Frontier;
}

export const frontierTaskHandler: TaskHandler<FrontierTask> = async (
  { planJson, task, timeLimitSeconds, backend },
  progress,
): Promise<FrontierOutcome> => {
  const batches = task.versionJson === null ? [] : scheduleFromStored(task.versionJson).batches;
  const plan = applyEvents(planFromStored(planJson), task.events.map(eventFromStored), { batches });
  const frontier = await budgetFrontier(plan, {
    backend,
    timeLimitSeconds,
    part: task.part,
    // The steps so far of the first part only: from budget 0 on, they read as the frontier's beginning.
    onStep: (steps, fraction) =>
      progress({
        stage: `step${steps.length}`,
        fraction,
        ...(task.part.index === 0 ? { partial: steps } : {}),
      }),
  });
  return { kind: "frontier", frontier };
};
