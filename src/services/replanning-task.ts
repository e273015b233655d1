import type { TaskHandler } from "../jobs/worker.js";
import { type ReplanResult, replanTask } from "../replan/compute.js";
import type { NewSchedule } from "../storage/storage.js";

// The worker's side of a replan (replanning.ts queues it): `inputJson` is a ReplanInput, applied to the
// stored plan by the pure computation in src/replan/compute.ts.

export interface ReplanTask {
  kind: "replan";
  inputJson: string;
}

export interface ReplanOutcome {
  kind: "replan";
  schedule: NewSchedule;
  result: ReplanResult;
}

export const replanTaskHandler: TaskHandler<ReplanTask> = async (
  { planJson, task, timeLimitSeconds, backend },
  onProgress,
): Promise<ReplanOutcome> => ({
  kind: "replan",
  ...(await replanTask(planJson, task.inputJson, { timeLimitSeconds, backend, onProgress })),
});
