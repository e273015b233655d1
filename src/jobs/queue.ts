import { setInterval as every, setTimeout as sleep } from "node:timers/promises";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Storage } from "../storage/storage.js";
import { newId } from "../support/ids.js";
import {
  type JobProgress,
  type JobRecipe,
  type JobRunner,
  type JobSpec,
  refused,
  type SolvePool,
  type SubmitOutcome,
} from "./pool.js";

// Jobs through pg-boss, for PostgreSQL: an `api` instance queues them, a `worker` process takes them one by one
// per solve thread and runs them on its own SolvePool; `all` does both. The job's row in storage stays the
// truth that routes answer from (status, result, error); pg-boss carries the work and its retries:
// - a job survives restarts (it is a row in pg-boss's tables until a worker takes it);
// - a worker process that dies mid-job leaves its pg-boss job active until it expires, when pg-boss retries it
//   (up to `retryLimit` times) on whichever worker asks next; the retry finds the job `running` in storage,
//   puts it back to `queued` and runs it from the start;
// - past the limit pg-boss fails it into the dead-letter queue, whose handler fails the job in storage with
//   a reason, so no job is left running for ever;
// - storage's conditional updates keep a job from completing twice: only a running job completes.

/** The queue of planner jobs and its dead letters (pg-boss queue names). */
export const JOB_QUEUE = "planner-jobs";
/**
 * Background jobs (frontiers, a sweep's reasons) wait in a queue of their own, taken by one extra fetcher per
 * worker process: a frontier may run for minutes, and must not hold a fetcher the jobs people ask for need.
 * The pool gives a worker thread to an asked job first, so the background one only uses idle threads.
 */
const BACKGROUND_QUEUE = "planner-background";
const DEAD_LETTERS = "planner-jobs-dead";

const GAVE_UP = "执行该任务的工作进程多次中断，已停止重试，可重新提交";
const QUEUE_CREATE_ATTEMPTS = 8;
/** How often a worker looks whether a job it runs was canceled meanwhile (by any instance). */
const CANCEL_CHECK_MS = 1000;

interface QueuedJob {
  jobId: string;
  planId: string;
  recipe: JobRecipe;
}

export interface QueueOptions {
  storage: Storage;
  log: Logger;
  connectionString: string;
  /** Jobs that may wait in the queue; past it, submissions are refused (429 with Retry-After). */
  queueLimit: number;
  /** A task's limit plus its grace: how long one task may take, for Retry-After and for expiry. */
  hardLimitSeconds: number;
  /** Retries of a job whose worker died mid-run, before it is failed. */
  retryLimit: number;
  /** This process's solve pool, not started, when it takes jobs (worker and all); none for `api`. */
  pool?: SolvePool | undefined;
  /** Builds a job's spec again from its recipe (src/services/job-recipes.ts). */
  rebuild?: ((recipe: JobRecipe) => JobSpec) | undefined;
  /** pg-boss's supervision period: how soon an expired job is retried (tests shorten it). */
  maintenanceIntervalSeconds?: number | undefined;
}

/**
 * Creates a pg-boss queue unless it exists. Instances starting together on a new database race to create it,
 * and pg-boss's create_queue can deadlock against itself there: a loser waits a moment and looks again.
 */
export async function ensureQueue(boss: PgBoss, queue: PgBoss.Queue): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(queue.name)) return;
    try {
      await boss.createQueue(queue.name, queue);
      return;
    } catch (error) {
      if (attempt >= QUEUE_CREATE_ATTEMPTS) throw error;
      await sleep(100 + Math.random() * 400);
    }
  }
}

export class QueueJobs implements JobRunner {
  readonly boss: PgBoss;
  private closing = false;
  private started = false;
  private readonly watching = new AbortController();

  constructor(private readonly options: QueueOptions) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      application_name: "planner-queue",
      max: 4,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    });
    this.boss.on("error", (error) => options.log.error({ err: error }, "job queue error"));
  }

  get accepting(): boolean {
    return this.started && !this.closing;
  }

  async start(): Promise<void> {
    const { pool, log } = this.options;
    await this.boss.start();
    await ensureQueue(this.boss, { name: DEAD_LETTERS });
    for (const name of [JOB_QUEUE, BACKGROUND_QUEUE])
      await ensureQueue(this.boss, { name, retryLimit: this.options.retryLimit, deadLetter: DEAD_LETTERS });
    if (pool !== undefined) {
      await pool.start();
      for (const name of [...Array.from({ length: pool.size }, () => JOB_QUEUE), BACKGROUND_QUEUE])
        await this.boss.work<QueuedJob>(name, { batchSize: 1, pollingIntervalSeconds: 1 }, ([job]) =>
          job === undefined ? Promise.resolve() : this.runQueued(job.data),
        );
      await this.boss.work<QueuedJob>(DEAD_LETTERS, { batchSize: 1, pollingIntervalSeconds: 2 }, ([job]) =>
        job === undefined ? Promise.resolve() : this.giveUp(job.data),
      );
      void this.watchCancels(pool).catch((error: unknown) => log.error({ err: error }, "cancel watch ended"));
    }
    this.started = true;
  }

  async submit(planId: string, spec: JobSpec): Promise<SubmitOutcome> {
    if (!this.accepting) return { kind: "unavailable" };
    const { storage, queueLimit, hardLimitSeconds, log } = this.options;
    const jobId = spec.id ?? newId("job");
    // Waiting jobs, read before the insert: across instances the limit is held to within a submission or two.
    const waiting = await this.boss.getQueueSize(JOB_QUEUE);
    const outcome = await storage.insertJob(
      { id: jobId, planId, kind: spec.kind, createdAt: new Date().toISOString() },
      // Background jobs (frontiers, reasons) are queued by the service itself and never refused for room.
      () => spec.background === true || waiting < queueLimit,
    );
    if (!outcome.inserted) return refused(outcome, Math.ceil(hardLimitSeconds));
    const data: QueuedJob = { jobId, planId, recipe: spec.recipe };
    try {
      await this.boss.send(spec.background ? BACKGROUND_QUEUE : JOB_QUEUE, data, {
        // Past this, the worker is taken for dead and the job retried: every task one after the other, and one
        // task's worth of waiting behind other jobs on that worker.
        expireInSeconds: Math.ceil(
          (hardLimitSeconds + (spec.timeLimitSeconds ?? 0)) * (spec.tasks.length + 1),
        ),
        retryLimit: this.options.retryLimit,
      });
    } catch (error) {
      log.error({ err: error, jobId }, "could not queue job");
      await storage.endJob(jobId, new Date().toISOString(), "failed", "任务未能进入队列，可重新提交");
      return { kind: "unavailable" };
    }
    return { kind: "queued", jobId };
  }

  /** Ends the job in storage; the worker running it sees that within a second and stops it. */
  async cancel(jobId: string): Promise<boolean> {
    const canceled = await this.options.storage.endJob(jobId, new Date().toISOString(), "canceled", null);
    if (canceled) await this.options.pool?.stop(jobId);
    return canceled;
  }

  waiting(): Promise<number> {
    return this.boss.getQueueSize(JOB_QUEUE);
  }

  progress(jobId: string): JobProgress | undefined {
    return this.options.pool?.progress(jobId);
  }

  /** Stops taking jobs; jobs running here get `graceMs` (the pool's close), then pg-boss stops. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    this.watching.abort();
    if (!this.started) return;
    if (this.options.pool !== undefined) await this.boss.offWork(JOB_QUEUE);
    await this.options.pool?.close(graceMs);
    await this.boss.stop({ graceful: true, close: true, wait: true, timeout: 5000 });
  }

  /** One queued job on this worker: run it unless it ended meanwhile; a retry after a dead worker starts over. */
  private async runQueued({ jobId, planId, recipe }: QueuedJob): Promise<void> {
    const { storage, pool, rebuild, log } = this.options;
    if (pool === undefined || rebuild === undefined) throw new Error("this process takes no jobs");
    const job = await storage.getJob(jobId);
    if (job?.status === "running") {
      log.warn({ jobId }, "job left running by a worker that stopped: run again");
      await storage.requeueJob(jobId);
    } else if (job?.status !== "queued") return;
    log.info({ jobId, planId, kind: job.kind }, "job taken");
    await pool.run(jobId, planId, rebuild(recipe));
  }

  private async giveUp({ jobId }: QueuedJob): Promise<void> {
    if (await this.options.storage.endJob(jobId, new Date().toISOString(), "failed", GAVE_UP))
      this.options.log.warn({ jobId, retryLimit: this.options.retryLimit }, "job failed after its retries");
  }

  /** A cancel may reach any instance: each worker stops the jobs it runs that storage no longer has running. */
  private async watchCancels(pool: SolvePool): Promise<void> {
    try {
      for await (const _ of every(CANCEL_CHECK_MS, undefined, { signal: this.watching.signal, ref: false })) {
        for (const jobId of pool.jobIds()) {
          const status = (await this.options.storage.getJob(jobId))?.status;
          if (status !== "queued" && status !== "running") await pool.stop(jobId);
        }
      }
    } catch (error) {
      if ((error as Error).name !== "AbortError") throw error;
    }
  }
}
