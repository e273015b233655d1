import {
  budgetFrontier,
  type Frontier,
  type FrontierCheckpoint,
  type PlacesCheckpoint,
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

// Each step's checkpoint goes to the pool: a part that gives its worker to a what-if goes on from its last
// one (TaskRequest.resume), not from the beginning. The resume comes from this same job, so it is of this plan.
export const frontierTaskHandler: TaskHandler<FrontierTask> = async (
  { planJson, task, timeLimitSeconds, backend, resume },
  progress,
): Promise<FrontierOutcome> => {
  const plan = planOf(planJson, task);
  if (task.kind === "places") {
    const curve = await placesCurve(plan, {
      backend,
      timeLimitSeconds,
      part: task.part,
      resume: resume as PlacesCheckpoint | undefined,
      onStep: (checkpoint, fraction) =>
        progress({ stage: `place${checkpoint.found.length}`, fraction, checkpoint }),
    });
    return { kind: "places", curve };
  }
  const frontier = await budgetFrontier(plan, {
    backend,
    timeLimitSeconds,
    part: task.part,
    resume: resume as FrontierCheckpoint | undefined,
    // The steps so far of the first part only: from budget 0 on, they read as the frontier's beginning.
    onStep: (steps, fraction, checkpoint) =>
      progress({
        stage: `step${steps.length}`,
        fraction,
        checkpoint,
        ...(task.part.index === 0 ? { partial: steps } : {}),
      }),
  });
  return { kind: "frontier", frontier };
};
