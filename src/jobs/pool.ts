import { setTimeout as sleep } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { SolveProgress } from "../../solver/index.js";
import type { JobKind } from "../contract/api.js";
import type { InsertJobOutcome, NewSchedule, Storage } from "../storage/storage.js";
import { newId } from "../support/ids.js";
import { solveSeconds } from "../support/metrics.js";
import type { Task, TaskOutcome, TaskRequest, WorkerMessage } from "./protocol.js";

const INTERRUPTED = "服务停止时任务尚未完成，可重新提交求解";
const SOLVE_FAILED = "求解出错（内部错误），可重新提交求解";

export interface PoolOptions {
  storage: Storage;
  /** The worker thread's module: it serves the tasks of every job submitted (src/jobs/worker.ts). */
  workerUrl: URL;
  log: Logger;
  /** Worker threads, each running one task at a time. */
  size: number;
  /** Jobs that may wait for a worker; past it, submissions are refused. */
  queueLimit: number;
  /** Each task's own limit: on expiry the solver returns its best schedule as `timedout`. */
  timeLimitSeconds: number;
  /** How long past that a task may run before its worker is terminated and the job failed. */
  graceSeconds: number;
  /**
   * Whether start() fails the jobs storage holds as queued or running (default true): right for the one
   * process of a SQLite directory, wrong beside a job queue, whose other processes' jobs are alive.
   */
  failUnfinishedOnStart?: boolean | undefined;
}

/** How to build a job's spec again in another process (a queue worker): a name its services know, and data. */
export interface JobRecipe {
  name: string;
  args?: unknown;
}

/** What to compute (src/services builds these): tasks, and the job's result from their outcomes. */
export interface JobSpec<Outcome extends TaskOutcome = TaskOutcome, T extends Task = Task> {
  /** The job's id when the caller needs it first (a replan takes its lock under it); a new one otherwise. */
  id?: string | undefined;
  kind: JobKind;
  /** The spec as data, for a job queue: src/services/job-recipes.ts builds the spec from it again. */
  recipe: JobRecipe;
  tasks: readonly T[];
  /** Outcomes in task order; the solved schedules are stored in that order too. */
  result(outcomes: readonly Outcome[]): Record<string, unknown>;
  /** Told the result and the outcomes once the result is stored with the job (e.g. to log a replan's figures). */
  stored?(result: Record<string, unknown>, outcomes: readonly Outcome[]): void;
  /** Each task's own limit, when not the pool's (the frontier's many solves). */
  timeLimitSeconds?: number | undefined;
  /**
   * Work nobody waits for (a frontier, reasons computed after their schedules are stored): a job somebody
   * asked for starts first, even if a background task must give up its worker for it (the task runs again
   * from the start later), and background jobs have a queue of their own, so they never fill the one
   * requests are refused by.
   */
  background?: boolean | undefined;
}

export type SubmitOutcome =
  | { kind: "queued"; jobId: string }
  | { kind: "queue-full"; retryAfterSeconds: number }
  | { kind: "no-plan" }
  | { kind: "active"; jobId: string }
  | { kind: "unavailable" };

/** A running job's progress: tasks done ÷ tasks, counting each running task's own progress. */
export interface JobProgress extends SolveProgress {
  tasksDone: number;
  tasksRunning: number;
  tasks: number;
  /** The latest partial result any of its tasks reported (TaskProgress). */
  partial?: unknown;
}

/** What runs jobs: the pool in this process, or a queue in front of worker processes (queue.ts). */
export interface JobRunner {
  /** False once closing, or when nothing can run jobs. */
  readonly accepting: boolean;
  start(): Promise<void>;
  /** Queues a job on a plan; at most one job of a kind per plan is queued or running. */
  submit(planId: string, spec: JobSpec): Promise<SubmitOutcome>;
  /** Cancels a queued or running job; false when it had already ended or does not exist. */
  cancel(jobId: string): Promise<boolean>;
  /** A running job's progress, where this process knows it. */
  progress(jobId: string): JobProgress | undefined;
  /** Jobs waiting to start: the queue's depth. */
  waiting(): Promise<number>;
  close(graceMs: number): Promise<void>;
}

/** Why storage refused a job, as a submission's answer; `retryAfterSeconds` for a full queue. */
export function refused(
  outcome: Exclude<InsertJobOutcome, { inserted: true }>,
  retryAfterSeconds: number,
): SubmitOutcome {
  switch (outcome.reason) {
    case "no-plan":
      return { kind: "no-plan" };
    case "active":
      return { kind: "active", jobId: outcome.activeJobId };
    case "no-room":
      // A hint, not a promise: a running task ends by its hard limit, which may let a queued job start.
      return { kind: "queue-full", retryAfterSeconds };
  }
}

interface Job {
  id: string;
  planId: string;
  spec: JobSpec;
  /** Set once the job has started. */
  planJson?: string;
  /** The next task to hand to a worker. */
  next: number;
  /** Tasks that gave up their worker to a job somebody asked for: handed out again before `next`. */
  again: number[];
  /** Their last checkpoints, by task: they go on from there. */
  checkpoints: Map<number, unknown>;
  outcomes: (TaskOutcome | undefined)[];
  done: number;
  /** The latest stage any of its tasks reported. */
  stage?: string;
  partial?: unknown;
  /** Canceled, failed or being completed: nothing more of it runs. */
  ended: boolean;
  /** Told once the pool is done with the job, however it ended. */
  settled?: (() => void) | undefined;
}

interface Run {
  job: Job;
  index: number;
  taskId: string;
  /** performance.now() when handed to the worker. */
  began: number;
  fraction: number;
  /** The latest checkpoint the task reported. */
  checkpoint?: unknown;
  /** performance.now() of that checkpoint, else when handed out: the work since is lost if it gives up. */
  savedAt: number;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded the solver. */
  ready: boolean;
  run: Run | undefined;
}

const now = () => new Date().toISOString();

/**
 * A bounded pool of solve workers with a bounded queue of jobs. A job is a list of tasks; a started job's
 * tasks go to whichever workers are free, before the next job starts, so one job's runs spread across the
 * pool. Job state lives in storage; only the queue order and progress live here. Storage's conditional
 * updates settle races (a cancel against a finish): whichever lands first wins and the other is a no-op.
 */
export class SolvePool implements JobRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  /** Started and not yet ended, in start order. */
  private readonly active: Job[] = [];
  /** A job between the queue and `active`, while storage marks it running. */
  private starting: Job | undefined;
  private closing = false;
  private onIdle: (() => void) | undefined;

  constructor(private readonly options: PoolOptions) {}

  /**
   * Fails the jobs a previous process left unfinished (they can be submitted again), then starts the workers
   * and waits until each has loaded the solver, so a broken build stops the service from starting.
   */
  async start(): Promise<void> {
    if (this.options.failUnfinishedOnStart ?? true) {
      const interrupted = await this.options.storage.failUnfinishedJobs(now(), INTERRUPTED);
      if (interrupted > 0)
        this.options.log.warn({ jobs: interrupted }, "jobs left unfinished by a previous run failed");
    }
    const workers = Array.from({ length: this.options.size }, () => this.spawn());
    for (const worker of workers) this.slots.push({ worker, ready: false, run: undefined });
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

  /** Worker threads, each running one task at a time. */
  get size(): number {
    return this.options.size;
  }

  /** False once closing, or when no worker is left. */
  get accepting(): boolean {
    return !this.closing && this.slots.length > 0;
  }

  /** Queues a job on a plan; at most one job of a kind per plan is queued or running. */
  async submit(planId: string, spec: JobSpec): Promise<SubmitOutcome> {
    if (!this.accepting) return { kind: "unavailable" };
    const job = this.newJob(spec.id ?? newId("job"), planId, spec);
    const outcome = await this.options.storage.insertJob(
      { id: job.id, planId, kind: spec.kind, createdAt: now() },
      () => this.queue.filter((j) => j.spec.background === spec.background).length < this.options.queueLimit,
    );
    if (!outcome.inserted) return refused(outcome, Math.ceil(this.hardLimitSeconds));
    this.queue.push(job);
    if (!spec.background) this.preempt();
    this.pump();
    return { kind: "queued", jobId: job.id };
  }

  /**
   * Runs a job storage already holds as queued (a queue worker's): resolves once the pool is done with it,
   * however it ended; storage has its outcome.
   */
  run(jobId: string, planId: string, spec: JobSpec): Promise<void> {
    if (!this.accepting) return Promise.reject(new Error("the solve pool is not accepting jobs"));
    return new Promise<void>((settled) => {
      this.queue.push(this.newJob(jobId, planId, spec, settled));
      if (!spec.background) this.preempt();
      this.pump();
    });
  }

  /** Stops a job another process has ended in storage (a cancel); false when it is not here. */
  async stop(jobId: string): Promise<boolean> {
    const job = [...this.queue, ...this.active, this.starting].find((j) => j?.id === jobId);
    if (job === undefined) return false;
    await this.end(job, undefined);
    return true;
  }

  async waiting(): Promise<number> {
    return this.queue.length;
  }

  /** The ids of the jobs queued or running here. */
  jobIds(): string[] {
    return [...this.queue, ...this.active, ...(this.starting ? [this.starting] : [])].map((job) => job.id);
  }

  private newJob(id: string, planId: string, spec: JobSpec, settled?: () => void): Job {
    return {
      id,
      planId,
      spec,
      next: 0,
      again: [],
      checkpoints: new Map(),
      outcomes: spec.tasks.map(() => undefined),
      done: 0,
      ended: false,
      settled,
    };
  }

  /** Cancels a queued or running job and stops all its tasks; false when it had already ended or does not exist. */
  async cancel(jobId: string): Promise<boolean> {
    if (!(await this.options.storage.endJob(jobId, now(), "canceled", null))) return false;
    await this.stop(jobId);
    return true;
  }

  /** The progress of a running job, once it has started. */
  progress(jobId: string): JobProgress | undefined {
    const job = this.active.find((j) => j.id === jobId);
    if (job === undefined) return undefined;
    const running = this.slots.flatMap((slot) => (slot.run?.job === job ? [slot.run.fraction] : []));
    const partial = running.reduce((sum, fraction) => sum + fraction, 0);
    const tasks = job.spec.tasks.length;
    return {
      stage: job.stage ?? "starting",
      fraction: tasks === 0 ? 1 : Math.min(1, (job.done + partial) / tasks),
      tasksDone: job.done,
      tasksRunning: running.length,
      tasks,
      ...(job.partial === undefined ? {} : { partial: job.partial }),
    };
  }

  /**
   * Takes no more jobs: queued ones fail at once; started ones get `graceMs` to finish (their remaining tasks
   * still run) before they are stopped and failed. Storage must stay open until this resolves.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const { storage } = this.options;
    for (const job of this.queue.splice(0)) {
      await storage.endJob(job.id, now(), "failed", INTERRUPTED);
      job.settled?.();
    }
    if (this.busy()) {
      const idle = new Promise<void>((resolve) => {
        this.onIdle = resolve;
      });
      await Promise.race([idle, sleep(graceMs, undefined, { ref: false })]);
    }
    for (const job of [...this.active]) await this.end(job, INTERRUPTED);
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private get hardLimitSeconds(): number {
    return this.options.timeLimitSeconds + this.options.graceSeconds;
  }

  private busy(): boolean {
    return this.active.length > 0 || this.starting !== undefined;
  }

  private spawn(): Worker {
    const worker = new Worker(this.options.workerUrl);
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

  /** A worker stopped mid-task may be in any state: it is terminated, and replaced unless closing. */
  private replaceWorker(slot: Slot): void {
    const old = slot.worker;
    if (this.closing) this.slots.splice(this.slots.indexOf(slot), 1);
    else {
      slot.worker = this.spawn();
      slot.ready = false;
    }
    void old.terminate();
  }

  /**
   * Free workers take the next task of the earliest started job; with none left, the next job starts. Jobs
   * somebody asked for come first, started or queued, then background ones.
   */
  private pump(): void {
    const waiting = (j: Job) => !j.ended && (j.again.length > 0 || j.next < j.spec.tasks.length);
    for (const slot of this.slots) {
      if (slot.run !== undefined) continue;
      const asked = this.active.find((j) => waiting(j) && !j.spec.background);
      const queued = this.queue.find((j) => !j.spec.background) ?? this.queue[0];
      const job =
        asked ?? (queued && !queued.spec.background ? undefined : this.active.find((j) => waiting(j)));
      if (job) {
        this.dispatch(slot, job);
        continue;
      }
      if (this.closing || this.starting || queued === undefined) return;
      this.queue.splice(this.queue.indexOf(queued), 1);
      this.starting = queued;
      void this.begin(queued);
      return;
    }
  }

  /**
   * With every worker busy, one running a background task gives it up for the job just queued: the one that
   * loses the least work, its last checkpoint (or its start) the latest. It goes on from there later.
   */
  private preempt(): void {
    if (this.slots.some((slot) => slot.run === undefined)) return;
    let slot: Slot | undefined;
    for (const s of this.slots)
      if (s.run?.job.spec.background && (slot?.run === undefined || s.run.savedAt > slot.run.savedAt))
        slot = s;
    const run = slot?.run;
    if (slot === undefined || run === undefined) return;
    this.options.log.info(
      {
        jobId: run.job.id,
        taskId: run.taskId,
        secondsLost: (performance.now() - run.savedAt) / 1000,
        fromCheckpoint: run.checkpoint !== undefined,
      },
      "background task gave its worker to a job queued after it",
    );
    clearTimeout(run.timer);
    run.job.again.push(run.index);
    if (run.checkpoint !== undefined) run.job.checkpoints.set(run.index, run.checkpoint);
    slot.run = undefined;
    this.replaceWorker(slot);
  }

  private async begin(job: Job): Promise<void> {
    try {
      const planJson = await this.options.storage.startJob(job.id, now());
      // Undefined: canceled before it started.
      if (planJson !== undefined && !job.ended) {
        job.planJson = planJson;
        this.active.push(job);
        // A job of no tasks (none of the specs build one) would otherwise wait forever.
        if (job.spec.tasks.length === 0) void this.complete(job);
      } else job.settled?.();
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "could not start job");
      this.starting = undefined;
      await this.end(job, SOLVE_FAILED);
    } finally {
      if (this.starting === job) this.starting = undefined;
      this.pump();
      this.idleCheck();
    }
  }

  private dispatch(slot: Slot, job: Job): void {
    const index = job.again.shift() ?? job.next++;
    const task = job.spec.tasks[index];
    if (task === undefined || job.planJson === undefined) return;
    const taskId = `${job.id}/${index}`;
    const timeLimitSeconds = job.spec.timeLimitSeconds ?? this.options.timeLimitSeconds;
    const hardLimitSeconds = timeLimitSeconds + this.options.graceSeconds;
    const timer = setTimeout(
      () => void this.end(job, `求解超过 ${hardLimitSeconds} 秒的时限，已终止`),
      hardLimitSeconds * 1000,
    );
    const began = performance.now();
    slot.run = { job, index, taskId, fraction: 0, timer, began, savedAt: began };
    const resume = job.checkpoints.get(index);
    job.checkpoints.delete(index);
    const request: TaskRequest = {
      taskId,
      planId: job.planId,
      planJson: job.planJson,
      task,
      timeLimitSeconds,
      ...(resume === undefined ? {} : { resume }),
    };
    try {
      slot.worker.postMessage(request);
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "could not hand a task to a worker");
      void this.end(job, SOLVE_FAILED);
    }
  }

  private async onMessage(slot: Slot, message: WorkerMessage): Promise<void> {
    if (message.type === "ready") {
      slot.ready = true;
      return;
    }
    const run = slot.run;
    if (run?.taskId !== message.taskId) return;
    const { job } = run;
    switch (message.type) {
      case "progress":
        run.fraction = message.progress.fraction;
        job.stage = message.progress.stage;
        if (message.progress.partial !== undefined) job.partial = message.progress.partial;
        if (message.progress.checkpoint !== undefined) {
          run.checkpoint = message.progress.checkpoint;
          run.savedAt = performance.now();
        }
        return;
      case "done":
        solveSeconds.observe({ kind: message.outcome.kind }, (performance.now() - run.began) / 1000);
        clearTimeout(run.timer);
        slot.run = undefined;
        job.outcomes[run.index] = message.outcome;
        job.done++;
        if (job.done === job.spec.tasks.length) await this.complete(job);
        else this.pump();
        return;
      case "failed":
        this.options.log.error({ jobId: job.id, error: message.error }, "solve failed");
        await this.end(job, SOLVE_FAILED);
        return;
    }
  }

  private async onCrash(slot: Slot, error: Error): Promise<void> {
    this.options.log.error({ err: error }, "solve worker crashed");
    const job = slot.run?.job;
    if (slot.ready) {
      if (job) await this.end(job, SOLVE_FAILED);
      else this.replaceWorker(slot);
      return;
    }
    // It never loaded the solver: a replacement would fail the same way, over and over.
    if (slot.run) clearTimeout(slot.run.timer);
    this.slots.splice(this.slots.indexOf(slot), 1);
    void slot.worker.terminate();
    if (job) await this.end(job, SOLVE_FAILED);
    // With no worker left, started and queued jobs could never finish.
    if (this.slots.length === 0) {
      for (const stranded of [...this.active, ...this.queue.splice(0)])
        await this.end(stranded, SOLVE_FAILED);
    }
  }

  /** All tasks done: the schedules and the result land in storage together. */
  private async complete(job: Job): Promise<void> {
    if (job.ended) return;
    job.ended = true;
    try {
      const outcomes = job.outcomes.filter((o): o is TaskOutcome => o !== undefined);
      const schedules: NewSchedule[] = outcomes.flatMap((o) => (o.schedule ? [o.schedule] : []));
      const result = job.spec.result(outcomes);
      if (await this.options.storage.completeJob(job.id, now(), schedules, result))
        job.spec.stored?.(result, outcomes);
    } catch (error) {
      this.options.log.error({ err: error, jobId: job.id }, "could not record job outcome");
      await this.options.storage.endJob(job.id, now(), "failed", SOLVE_FAILED).catch(() => false);
    } finally {
      this.forget(job);
    }
  }

  /**
   * Stops a job: its running tasks' workers are replaced, the rest never run. With an error it is failed in
   * storage; without, the caller has already ended it there (a cancel).
   */
  private async end(job: Job, error: string | undefined): Promise<void> {
    if (job.ended) return;
    job.ended = true;
    for (const slot of [...this.slots]) {
      if (slot.run?.job !== job) continue;
      clearTimeout(slot.run.timer);
      slot.run = undefined;
      this.replaceWorker(slot);
    }
    try {
      if (error !== undefined) await this.options.storage.endJob(job.id, now(), "failed", error);
    } catch (writeError) {
      this.options.log.error({ err: writeError, jobId: job.id }, "could not record job outcome");
    } finally {
      this.forget(job);
    }
  }

  private forget(job: Job): void {
    for (const list of [this.queue, this.active]) {
      const index = list.indexOf(job);
      if (index >= 0) list.splice(index, 1);
    }
    job.settled?.();
    this.pump();
    this.idleCheck();
  }

  private idleCheck(): void {
    if (!this.busy()) this.onIdle?.();
  }
}
