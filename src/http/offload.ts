import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { ImportResult } from "../excel/index.js";
import { workerModule } from "../worker-module.js";
import type { ImportTask, ValidateOutcome } from "./offload-worker.js";

// Request work too heavy for the HTTP thread (reading a province roster takes seconds, checking a city plan
// and its schedule tens of milliseconds) runs in a small pool of worker threads, so every other request keeps
// being answered meanwhile. Threads start on first use and end
// when idle.

const IDLE_MS = 30_000;

export class Offload {
  private readonly pool = new Piscina({
    filename: workerModule("http/offload-worker.js").href,
    minThreads: 0,
    maxThreads: Math.max(1, availableParallelism() - 1),
    idleTimeout: IDLE_MS,
  });

  importRoster(task: ImportTask): Promise<ImportResult> {
    return this.pool.run(task, { name: "importRosterTask" });
  }

  validate(body: string): Promise<ValidateOutcome> {
    return this.pool.run(body, { name: "validateTask" });
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
