import { join } from "node:path";
import type { Logger } from "pino";
import { type PoolOptions, SolvePool } from "./jobs/pool.js";
import { SqliteStorage } from "./storage/sqlite.js";
import { SOLVE_WORKER_URL } from "./support/worker-module.js";

/** The pool's sizes and limits; the solve worker unless another module is named. */
export type PoolSettings = Omit<PoolOptions, "storage" | "log" | "workerUrl"> &
  Partial<Pick<PoolOptions, "workerUrl">>;

/**
 * Storage in `dir` (planner.sqlite) and a solve pool over it, not started: what buildApp and the services need,
 * for the processes that are not the server (the OpenAPI script, the tests, the what-if bench). The server opens
 * its own, to refuse a data directory already in use with a clear message. The caller closes both.
 */
export function openStorageAndPool(
  dir: string,
  logger: Logger,
  pool: PoolSettings,
): { storage: SqliteStorage; jobs: SolvePool } {
  const storage = SqliteStorage.open(join(dir, "planner.sqlite"));
  const jobs = new SolvePool({ storage, log: logger, workerUrl: SOLVE_WORKER_URL, ...pool });
  return { storage, jobs };
}
