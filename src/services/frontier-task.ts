import {
  budgetFrontier,
  type Frontier,
  type PlacesCurve,
  type Plan,
  placesCurve,
} from "../../solver/index.js";
import type { TaskHandler } from "../jobs/worker.js";
import { applyEvents } from "../replan/events.js";
import { eventFromStored, planFromStored, scheduleFromStored } from "../storage/stored.js";

// The worker's side of a frontier job and of a places-curve job (frontier.ts queues them): the stored plan as
// its events leave it, and its budget frontier, reporting each step as it is found, or its places curve of the
// most coverage.

export interface FrontierTask {
  kind: "frontier" | "places";
  /** The plan's events, as stored, in sequence order. */
  events: string[];
  /** The current version's schedule, whose batches the events may name; null before the first replan. */
  versionJson: string | null;
  /** Which part (FrontierOptions.part, PlacesCurveOptions.part); the job joins its parts. */
  part: { index: number; of: number };
}

export type FrontierOutcome =
  | { kind: "frontier"; frontier: Frontier }
  | { kind: "places"; curve: PlacesCurve };

function planOf(planJson: string, task: FrontierTask): Plan {
  const batches = task.versionJson === null ? [] : scheduleFromStored(task.versionJson).batches;
  return applyEvents(planFromStored(planJson), task.events.map(eventFromStored), { batches });
}

export const frontierTaskHandler: TaskHandler<FrontierTask> = async (
  { planJson, task, timeLimitSeconds, backend },
  progress,
): Promise<FrontierOutcome> => {
  const plan = planOf(planJson, task);
  if (task.kind === "places")
    return { kind: "places", curve: await placesCurve(plan, { backend, timeLimitSeconds, part: task.part }) };
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
