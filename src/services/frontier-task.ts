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
    onStep: (steps, fraction) => progress({ stage: `step${steps.length}`, fraction, partial: steps }),
  });
  return { kind: "frontier", frontier };
};
