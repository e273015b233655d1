import { errorSchema } from "../contract/api.js";
import type { SolvePool } from "../jobs/pool.js";
import type { Storage } from "../storage/storage.js";
import type { Offload } from "./offload.js";

/** What route plugins work with. */
export interface RouteDeps {
  storage: Storage;
  jobs: SolvePool;
  /** Worker threads for request work too heavy for the HTTP thread. */
  offload: Offload;
}

/** Error answers a route documents; every /v1 route may also answer 401, 429 and 500. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries([...statuses, 401, 429, 500].map((status) => [status, errorSchema]));
}

export const bearer = [{ bearerAuth: [] }];
