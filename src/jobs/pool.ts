import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { SolveProgress } from "../../solver/index.js";
import { newId } from "../ids.js";
import type { Storage } from "../storage/storage.js";
import { SOLVE_WORKER_URL, type SolveRequest, type WorkerMessage } from "./protocol.js";

const INTERRUPTED = "服务停止时任务尚未完成，可重新提交求解";
const SOLVE_FAILED = "求解出错（内部错误），可重新提交求解";

export interface PoolOptions {
  storage: Storage;
  log: Logger;
  /** Worker threads, each running one solve at a time. */
  size: number;
  /** Jobs that may wait for a worker; past it, submissions are refused. */
  queueLimit: number;
  /** The solver's own limit: on expiry it returns its best schedule as `timedout`. */
  timeLimitSeconds: number;
  /** How long past that a worker may run before it is terminated and the job failed. */
  graceSeconds: number;
}

export type SubmitOutcome =
  | { kind: "queued"; jobId: string }
  | { kind: "queue-full"; retryAfterSeconds: number }
  | { kind: "no-plan" }
  | { kind: "active"; jobId: string }
  | { kind: "unavailable" };

interface Job {
  id: string;
  planId: string;
  solves: { candidate: string; scheduleId: string }[];
  progress?: SolveProgress;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded the solver. */
  ready: boolean;
  job: Job | undefined;
}

const now = () => new Date().toISOString();

/**
 * A bounded pool of solve workers with a bounded queue. Job state lives in storage; only the queue order
 * and progress live here. Storage's conditional updates settle races (a cancel against a finish): whichever
 * lands first wins and the other is a no-op.
 */
export class SolvePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private closing = false;
  private onIdle: (() => void) | undefined;

  constructor(private readonly options: PoolOptions) {}

  /**
   * Fails the jobs a previous process left unfinished (they can be submitted again), then starts the workers
   * and waits until each has loaded the solver, so a broken build stops the service from starting.
   */
  async start(): Promise<void> {
    const interrupted = await this.options.storage.failUnfinishedJobs(now(), INTERRUPTED);
    if (interrupted > 0)
      this.options.log.warn({ jobs: interrupted }, "jobs left unfinished by a previous run failed");
    const workers = Array.from({ length: this.options.size }, () => this.spawn());
    for (const worker of workers) this.slots.push({ worker, ready: false, job: undefined });
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once("error", reject);
            worker.once("exit", () => reject(new Error("a solve worker exited while loading")));
            worker.on("message", (message: WorkerMessage) => {
              if (message.type === "ready") resolve();
            });
          }),
      ),
    );
  }

  /** False once closing, or when no worker is left. */
  get accepting(): boolean {
    return !this.closing && this.slots.length > 0;
  }

  /** Queues the `priority` solve of a plan. */
  async submitSolve(planId: string): Promise<SubmitOutcome> {
    if (!this.accepting) return { kind: "unavailable" };
    const job: Job = {
      id: newId("job"),
      planId,
      solves: [{ candidate: "priority", scheduleId: newId("sch") }],
    };
    const outcome = await this.options.storage.insertJob(
      { id: job.id, planId, kind: "solve", createdAt: now() },
      () => this.queue.length < this.options.queueLimit,
    );
    if (!outcome.inserted) {
      switch (outcome.reason) {
        case "no-plan":
          return { kind: "no-plan" };
        case "active":
          return { kind: "active", jobId: outcome.activeJobId };
        case "no-room":
          // A worker frees up at the latest when its job's hard limit expires.
          return { kind: "queue-full", retryAfterSeconds: Math.ceil(this.hardLimitSeconds) };
      }
    }
    this.queue.push(job);
    this.pump();
    return { kind: "queued", jobId: job.id };
  }

  /** Cancels a queued or running job; false when it had already ended or does not exist. */
  async cancel(jobId: string): Promise<boolean> {
    if (!(await this.options.storage.endJob(jobId, now(), "canceled", null))) return false;
    const queued = this.queue.findIndex((job) => job.id === jobId);
    if (queued >= 0) this.queue.splice(queued, 1);
    const slot = this.slots.find((s) => s.job?.id === jobId);
    if (slot?.job) {
      this.replaceWorker(slot);
      this.release(slot, slot.job);
    }
    return true;
  }

  /** The latest progress a running job reported, if any. */
  progress(jobId: string): SolveProgress | undefined {
    return this.slots.find((s) => s.job?.id === jobId)?.job?.progress;
  }

  /**
   * Takes no more work: queued jobs fail at once, running ones get `graceMs` to finish before they are
   * stopped and failed. Storage must stay open until this resolves.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const { storage } = this.options;
    for (const job of this.queue.splice(0)) await storage.endJob(job.id, now(), "failed", INTERRUPTED);
    if (this.busy()) {
      const idle = new Promise<void>((resolve) => {
        this.onIdle = resolve;
      });
      await Promise.race([idle, sleep(graceMs, undefined, { ref: false })]);
    }
    for (const slot of this.slots) {
      if (slot.job) await this.abort(slot, slot.job, INTERRUPTED);
    }
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private get hardLimitSeconds(): number {
    return this.options.timeLimitSeconds + this.options.graceSeconds;
  }

  private busy(): boolean {
    return this.slots.some((slot) => slot.job !== undefined);
  }

  private spawn(): Worker {
    const worker = new Worker(SOLVE_WORKER_URL);
    // Once replaced, a worker has no slot and its events are stale.
    const slotOf = () => this.slots.find((slot) => slot.worker === worker);
    worker.on("message", (message: WorkerMessage) => {
      const slot = slotOf();
      if (slot) void this.onMessage(slot, message);
    });
    worker.on("error", (error) => {
      const slot = slotOf();
      if (slot) void this.onCrash(slot, error);
    });
    worker.on("exit", (code) => {
      const slot = slotOf();
      if (slot && !this.closing) void this.onCrash(slot, new Error(`worker exited with ${code}`));
    });
    return worker;
  }

  private replaceWorker(slot: Slot): void {
    const old = slot.worker;
    if (!this.closing) {
      slot.worker = this.spawn();
      slot.ready = false;
    }
    void old.terminate();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.closing) return;
      if (slot.job !== undefined) continue;
      const job = this.queue.shift();
      if (job === undefined) return;
      slot.job = job;
      void this.run(slot, job);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    try {
      const planJson = await this.options.storage.startJob(job.id, now());
      // Canceled before it started, or while starting.
      if (planJson === undefined || slot.job !== job) {
        this.release(slot, job);
        return;
      }
      const request: SolveRequest = {
        jobId: job.id,
        planId: job.planId,
        planJson,
        solves: job.solves,
        timeLimitSeconds: this.options.timeLimitSeconds,
      };
      job.timer = setTimeout(
        () => void this.abort(slot, job, `求解超过 ${this.hardLimitSeconds} 秒的时限，已终止`),
        this.hardLimitSeconds * 1000,
      );
      slot.worker.postMessage(request);
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "could not start job");
      await this.abort(slot, job, SOLVE_FAILED);
    }
  }

  private async onMessage(slot: Slot, message: WorkerMessage): Promise<void> {
    if (message.type === "ready") {
      slot.ready = true;
      return;
    }
    const job = slot.job;
    if (job?.id !== message.jobId) return;
    switch (message.type) {
      case "progress":
        job.progress = message.progress;
        return;
      case "done":
        await this.settle(slot, job, this.options.storage.completeJob(job.id, now(), message.schedules));
        return;
      case "failed":
        this.options.log.error({ jobId: job.id, error: message.error }, "solve failed");
        await this.abort(slot, job, SOLVE_FAILED);
        return;
    }
  }

  private async onCrash(slot: Slot, error: Error): Promise<void> {
    this.options.log.error({ err: error }, "solve worker crashed");
    const job = slot.job;
    if (slot.ready) {
      if (job) await this.abort(slot, job, SOLVE_FAILED);
      else this.replaceWorker(slot);
      return;
    }
    // It never loaded the solver: a replacement would fail the same way, over and over.
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    if (job) await this.settle(slot, job, this.options.storage.endJob(job.id, now(), "failed", SOLVE_FAILED));
  }

  /** A worker that erred, overran or was interrupted may be in any state: it is replaced, its job failed. */
  private async abort(slot: Slot, job: Job, error: string): Promise<void> {
    if (slot.job !== job) return;
    this.replaceWorker(slot);
    await this.settle(slot, job, this.options.storage.endJob(job.id, now(), "failed", error));
  }

  /** Keeps the slot until the job's outcome is written, so close() never closes storage under a write. */
  private async settle(slot: Slot, job: Job, write: Promise<unknown>): Promise<void> {
    clearTimeout(job.timer);
    try {
      await write;
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "could not record job outcome");
    } finally {
      this.release(slot, job);
    }
  }

  private release(slot: Slot, job: Job): void {
    clearTimeout(job.timer);
    if (slot.job !== job) return;
    slot.job = undefined;
    this.pump();
    if (!this.busy()) this.onIdle?.();
  }
}
