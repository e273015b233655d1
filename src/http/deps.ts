import { errorSchema } from "../contract/api.js";
import type { JobRunner } from "../jobs/pool.js";
import type { Frontiers } from "../services/frontier.js";
import type { Storage } from "../storage/storage.js";
import { planNotFound } from "./errors.js";
import type { Offload } from "./offload.js";

/** What route plugins work with. */
export interface RouteDeps {
  storage: Storage;
  jobs: JobRunner;
  /** Worker threads for request work too heavy for the HTTP thread. */
  offload: Offload;
  /** Each plan's budget frontier: told when a plan or its events change. */
  frontiers: Frontiers;
}

/** Error answers a route documents; every /v1 route may also answer 401, 429 and 500. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries([...statuses, 401, 429, 500].map((status) => [status, errorSchema]));
}

export const bearer = [{ bearerAuth: [] }];

/** Answers 404 unless the plan is stored. */
export async function requirePlan(storage: Storage, planId: string): Promise<void> {
  if (!(await storage.hasPlan(planId))) planNotFound();
}

/** Whether a caller in `role` sees names, birth dates and health: planners only. */
export function personalDataFor(role: string | undefined) {
  const whole = role === "planner";
  return { whole, personalData: whole ? ("included" as const) : ("withheld" as const) };
}
