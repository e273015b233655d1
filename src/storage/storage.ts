import type { ScheduleStatus, ScheduleSummary } from "../../solver/index.js";

// What handlers and the job pool need from a database, and nothing more: SQLite implements it now, and a
// PostgreSQL implementation can be added beside it without touching either. Every method that changes
// anything is one transaction; the conditional ones say whether they applied.

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export type JobKind = "solve";

export interface JobResult {
  scheduleIds: string[];
}

export interface JobRecord {
  id: string;
  planId: string;
  kind: JobKind;
  status: JobStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  result: JobResult | null;
  error: string | null;
}

export interface PlanRecord {
  id: string;
  createdAt: string;
  /** The plan as validated, serialised. */
  json: string;
  latestJob: { id: string; status: JobStatus } | null;
  scheduleCount: number;
}

export interface ScheduleRecord {
  id: string;
  planId: string;
  jobId: string;
  candidate: string;
  status: ScheduleStatus;
  createdAt: string;
  summary: ScheduleSummary;
}

/** A schedule as a solve hands it over: `json` is stored and later served byte for byte. */
export interface NewSchedule {
  id: string;
  candidate: string;
  status: ScheduleStatus;
  summary: ScheduleSummary;
  json: string;
}

export type InsertJobOutcome =
  | { inserted: true }
  | { inserted: false; reason: "no-plan" | "no-room" }
  | { inserted: false; reason: "active"; activeJobId: string };

export interface Storage {
  insertPlan(plan: { id: string; createdAt: string; json: string }): Promise<void>;
  getPlan(id: string): Promise<PlanRecord | undefined>;
  hasPlan(id: string): Promise<boolean>;

  /**
   * Inserts a queued job, unless the plan is missing, already has a job of this kind queued or running, or
   * (asked last, so those answers come first) the caller has no room for it.
   */
  insertJob(
    job: { id: string; planId: string; kind: JobKind; createdAt: string },
    hasRoom: () => boolean,
  ): Promise<InsertJobOutcome>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** queued → running; the plan's JSON to work on, or undefined when the job is no longer queued. */
  startJob(id: string, at: string): Promise<string | undefined>;
  /** running → succeeded, storing its schedules with it; false when the job is no longer running. */
  completeJob(id: string, at: string, schedules: readonly NewSchedule[]): Promise<boolean>;
  /** queued or running → failed or canceled; false when the job had already ended (or does not exist). */
  endJob(id: string, at: string, status: "failed" | "canceled", error: string | null): Promise<boolean>;
  /** Fails every job left queued or running, e.g. by a process that died; returns how many. */
  failUnfinishedJobs(at: string, error: string): Promise<number>;

  listSchedules(planId: string): Promise<ScheduleRecord[]>;
  /** The schedule's JSON exactly as stored, as UTF-8 bytes: ready to send, nothing to decode. */
  getScheduleJson(id: string): Promise<Buffer | undefined>;

  /** Answers when the database can take work. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
