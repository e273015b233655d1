import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Problem } from "../contract/index.js";
import type { ImportResult } from "../excel/index.js";
import { workerModule } from "../support/worker-module.js";
import { HttpError } from "./errors.js";
import type {
  DraftWorkbookOutcome,
  DraftWorkbookTask,
  ImportTask,
  PlanOutcome,
  ScenariosTask,
  ValidateOutcome,
} from "./offload-worker.js";

// Request work too heavy for the HTTP thread (reading a province roster takes seconds, checking a city plan
// and its schedule tens of milliseconds) runs in a small pool of worker threads, so every other request keeps
// being answered meanwhile. Threads start on first use and end when idle.

const IDLE_MS = 30_000;
/** A busy client's hint: a queued task takes seconds at most. */
const RETRY_AFTER_SECONDS = 5;

export interface OffloadOptions {
  threads?: number;
  /** Requests that may wait for a thread, each with its body in memory; past it, 429 with Retry-After. */
  queueLimit?: number;
  /**
   * Each thread's old-generation heap. A province plan or roster needs under 100 MB; past the limit the
   * thread is ended and the request answered 413, and the server's own heap is untouched.
   */
  heapLimitMb?: number;
}

export class Offload {
  private readonly pool;

  constructor({
    threads = Math.max(1, availableParallelism() - 1),
    queueLimit = 16,
    heapLimitMb = 512,
  }: OffloadOptions = {}) {
    this.pool = new Piscina({
      filename: workerModule("http/offload-worker.js").href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_MS,
      maxQueue: queueLimit,
      resourceLimits: { maxOldGenerationSizeMb: heapLimitMb },
    });
  }

  importRoster(task: ImportTask): Promise<ImportResult> {
    return this.run(task, "importRosterTask");
  }

  /** A plan from its body's text, checked against the contract and ready to store. */
  plan(body: string): Promise<PlanOutcome> {
    return this.run(body, "planTask");
  }

  /** What-if scenarios: every way a patched plan breaks the contract, with paths into its patch. */
  scenarioProblems(task: ScenariosTask): Promise<Problem[]> {
    return this.run(task, "scenarioProblemsTask");
  }

  validate(body: string): Promise<ValidateOutcome> {
    return this.run(body, "validateTask");
  }

  /** A draft schedule workbook against a stored plan. */
  draftWorkbook(task: DraftWorkbookTask): Promise<DraftWorkbookOutcome> {
    return this.run(task, "draftWorkbookTask");
  }

  private async run<T>(task: unknown, name: string): Promise<T> {
    try {
      return await this.pool.run(task, { name });
    } catch (error) {
      // piscina names a full queue by its message alone.
      if ((error as Error).message === "Task queue is at limit") {
        throw new HttpError(429, "BUSY", "服务器正在处理其他请求，请稍后再试", {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      }
      if ((error as { code?: unknown }).code === "ERR_WORKER_OUT_OF_MEMORY") {
        throw new HttpError(
          413,
          "TOO_LARGE_TO_PROCESS",
          "请求的数据过大，处理时超出内存限制：请拆分后再提交",
        );
      }
      throw error;
    }
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A route's validator that hands the body on unread: the worker checks it against the same schema. */
export const passBodyThrough = () => (text: unknown) => ({ value: text });
