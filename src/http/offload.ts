import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Problem } from "../contract/index.js";
import type { ImportResult } from "../excel/index.js";
import { workerModule } from "../support/worker-module.js";
import type { ImportTask, PlanOutcome, ScenariosTask, ValidateOutcome } from "./offload-worker.js";

// Request work too heavy for the HTTP thread (reading a province roster takes seconds, checking a city plan
// and its schedule tens of milliseconds) runs in a small pool of worker threads, so every other request keeps
// being answered meanwhile. Threads start on first use and end when idle.

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

  /** A plan from its body's text, checked against the contract and ready to store. */
  plan(body: string): Promise<PlanOutcome> {
    return this.pool.run(body, { name: "planTask" });
  }

  /** What-if scenarios: every way a patched plan breaks the contract, with paths into its patch. */
  scenarioProblems(task: ScenariosTask): Promise<Problem[]> {
    return this.pool.run(task, { name: "scenarioProblemsTask" });
  }

  validate(body: string): Promise<ValidateOutcome> {
    return this.pool.run(body, { name: "validateTask" });
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A route's validator that hands the body on unread: the worker checks it against the same schema. */
export const passBodyThrough = () => (text: unknown) => ({ value: text });
