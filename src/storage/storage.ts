import type { ScheduleStatus, ScheduleSummary } from "../../solver/index.js";
import type { JobKind, JobStatus } from "../contract/api.js";

// What handlers and the job pool need from a database, and nothing more: SQLite implements it now, and a
// PostgreSQL implementation can be added beside it without touching either. Every method that changes
// anything is one transaction; the conditional ones say whether they applied.

/** What a job computed: the schedules it stored (in order) and whatever its kind adds (src/services/planning.ts). */
export interface JobResult {
  scheduleIds: string[];
  [key: string]: unknown;
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
  /** The plan's most recent job, frontier jobs aside (background work, not a solve anybody asked for). */
  latestJob: { id: string; status: JobStatus } | null;
  scheduleCount: number;
}

/**
 * Where a plan stands, for the plans list: a job queued or running (`solving`; frontier jobs aside), else a replanned version
 * stored (`versioned`), else any schedule stored (`solved`), else `unsolved`.
 */
export const PLAN_STATES = ["unsolved", "solving", "solved", "versioned"] as const;

/**
 * Job kinds the service queues on its own (a frontier, a sweep's reasons), as an SQL list: they are neither a
 * plan's latest job nor make it `solving`, so background work does not look like a solve in the workbench.
 */
export const BACKGROUND_KINDS = "('explain', 'frontier', 'frontier-places')";

/** The plans list's state of plan `p`, as SQL both SQLite and PostgreSQL read. */
export const PLAN_STATE = `CASE
    WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.plan_id = p.id AND j.kind NOT IN ${BACKGROUND_KINDS}
      AND j.status IN ('queued', 'running')) THEN 'solving'
    WHEN EXISTS (SELECT 1 FROM schedules s WHERE s.plan_id = p.id AND s.version IS NOT NULL) THEN 'versioned'
    WHEN EXISTS (SELECT 1 FROM schedules s WHERE s.plan_id = p.id) THEN 'solved'
    ELSE 'unsolved'
  END`;
export type PlanState = (typeof PLAN_STATES)[number];

/** One row of the plans list: the plan's headline fields, read from its JSON without parsing it whole. */
export interface PlanListItem {
  id: string;
  /** The plan's optional `name` (an extra field the contract keeps); null when it has none. */
  name: string | null;
  organizer: { level: string; province: string; city: string; county?: string | null };
  cycle: { id: string; start: string; end: string };
  planningWindow: { start: string; end: string };
  budgetTotal: number;
  createdAt: string;
  /** The last edit, else createdAt. */
  updatedAt: string;
  state: PlanState;
}

export interface ScheduleRecord {
  id: string;
  planId: string;
  jobId: string;
  candidate: string;
  status: ScheduleStatus;
  createdAt: string;
  summary: ScheduleSummary;
  /** A what-if run's label (e.g. `budget=200000`, `scenario=more beds`); null for a plain solve. */
  run: string | null;
  /** A replan's schedule version, 1, 2, …; null for any other schedule. */
  version: number | null;
  /** The version it was replanned from; null for version 1 and for other schedules. */
  parentId: string | null;
}

/** A schedule as a solve hands it over: `json` is stored and later served byte for byte. */
export interface NewSchedule {
  id: string;
  candidate: string;
  status: ScheduleStatus;
  summary: ScheduleSummary;
  json: string;
  run?: string | undefined;
  /** The merge patch (JSON) that made the schedule's plan from the stored one; absent: the stored plan. */
  planPatch?: string | undefined;
  /** Replans only: the version number, its parent, the last event included, the commitments (JSON). */
  version?: number | undefined;
  parentId?: string | null | undefined;
  eventsThrough?: number | undefined;
  commitments?: string | undefined;
}

/** One recorded event: the payload is the validated event, as JSON. */
export interface EventRecord {
  sequence: number;
  type: string;
  payload: string;
  sentBy: string;
  receivedAt: string;
}

/** A plan's latest schedule version: the one replanning works from. */
export interface VersionRecord {
  id: string;
  version: number;
  json: string;
  commitments: string;
  eventsThrough: number;
  createdAt: string;
}

export type AppendEventsOutcome =
  | { appended: true; first: number; last: number }
  /** The log or the current version moved on since the caller read them: check again. */
  | { appended: false; reason: "stale" }
  | { appended: false; reason: "replanning"; jobId: string };

export type ReplanLockOutcome = { acquired: true } | { acquired: false; jobId: string } | { acquired: false };

/** A schedule with what it was computed from. */
export interface ScheduleSource {
  planId: string;
  planJson: string;
  planPatch: string | null;
  scheduleJson: string;
}

export type InsertJobOutcome =
  | { inserted: true }
  | { inserted: false; reason: "no-plan" | "no-room" }
  | { inserted: false; reason: "active"; activeJobId: string };

/** A plan of an organisation the caller may not write (src/support/tenancy.ts): refused, nothing stored. */
export class ForeignTenantError extends Error {
  constructor() {
    super("the plan belongs to another organisation");
  }
}

/** What a tenant check looks up: a plan, a job or a schedule, by id. */
export type OwnedKind = "plan" | "job" | "schedule";

// Tenancy: in a request bound to an organisation (src/support/tenancy.ts), listPlans lists only what it may
// read, and insertPlan and updatePlan throw ForeignTenantError for a plan it may not write. PostgreSQL also
// holds every query to the tenant with row-level security.
export interface Storage {
  insertPlan(plan: { id: string; createdAt: string; json: string }): Promise<void>;
  getPlan(id: string): Promise<PlanRecord | undefined>;
  hasPlan(id: string): Promise<boolean>;
  /** Plans, the most recently changed first, `limit` from `offset`, with how many there are in all. */
  listPlans(page: { offset: number; limit: number }): Promise<{ total: number; items: PlanListItem[] }>;
  /** Ids of the plans whose `cycle.id` is this one (any organizer), oldest first: a cycle's city and county plans. */
  plansInCycle(cycleId: string): Promise<string[]>;
  /** Replaces a stored plan's JSON (already checked against the contract); false when there is no such plan. */
  updatePlan(id: string, json: string, updatedAt: string): Promise<boolean>;

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
  /**
   * running → queued again, for a job whose worker process died mid-run and which a job queue retries; false
   * when the job is not running.
   */
  requeueJob(id: string): Promise<boolean>;
  /**
   * running → succeeded, storing its schedules with it; false when the job is no longer running. The stored
   * result is `{ scheduleIds, ...result }`, schedule ids in the order given. The job's replan lock, if it
   * holds one, is released in the same transaction.
   */
  completeJob(
    id: string,
    at: string,
    schedules: readonly NewSchedule[],
    result?: Record<string, unknown>,
  ): Promise<boolean>;
  /**
   * queued or running → failed or canceled, releasing its replan lock; false when the job had already ended
   * (or does not exist).
   */
  endJob(id: string, at: string, status: "failed" | "canceled", error: string | null): Promise<boolean>;
  /**
   * Fails every job left queued or running, e.g. by a process that died, and clears every replan lock (no job
   * of this process runs yet); returns how many jobs.
   */
  failUnfinishedJobs(at: string, error: string): Promise<number>;
  /** How many jobs there are in each status (statuses with none left out), for the metrics. */
  countJobs(): Promise<Partial<Record<JobStatus, number>>>;
  /** The plan's most recent job of this kind that succeeded. */
  latestSucceededJob(planId: string, kind: JobKind): Promise<JobRecord | undefined>;
  /** The id of the plan's most recent job of this kind, however it stands. */
  latestJobId(planId: string, kind: JobKind): Promise<string | undefined>;

  listSchedules(planId: string): Promise<ScheduleRecord[]>;
  /** The schedule's JSON exactly as stored, as UTF-8 bytes: ready to send, nothing to decode. */
  getScheduleJson(id: string): Promise<Buffer | undefined>;
  /** The schedule and the plan it answers, for work that needs both (e.g. the bottleneck report). */
  getScheduleSource(id: string): Promise<ScheduleSource | undefined>;
  /**
   * Replaces a schedule's JSON with the same schedule completed: a what-if run is stored at once and its
   * unscheduled reasons, which take re-solves, are written in afterwards. False when there is no such schedule.
   */
  replaceScheduleJson(id: string, json: string): Promise<boolean>;

  /**
   * Appends events (numbered on from the plan's last sequence) in one transaction, provided the log still
   * ends at `afterSequence` and the current version is still `versionId`; with `batchEvents`, also only when
   * no replan holds the plan's lock (a version in the making must not miss a publication).
   */
  appendEvents(
    planId: string,
    events: readonly { type: string; payload: string }[],
    meta: { sentBy: string; receivedAt: string },
    expect: { afterSequence: number; versionId: string | null; batchEvents: boolean },
  ): Promise<AppendEventsOutcome>;
  /** The plan's events in sequence order, after `afterSequence` when given. */
  listEvents(planId: string, afterSequence?: number): Promise<EventRecord[]>;
  /** The plan's latest schedule version, if it has one. */
  currentVersion(planId: string): Promise<VersionRecord | undefined>;
  /** Plans with at least one schedule version: those the nightly replanning looks at. */
  versionedPlanIds(): Promise<string[]>;
  /**
   * Takes the plan's replan lock for a job (an INSERT that fails while the lock is held); not acquired: the
   * holder's job id, or none when the plan does not exist. Completing or ending the job releases it.
   */
  acquireReplanLock(planId: string, jobId: string, at: string): Promise<ReplanLockOutcome>;
  /** Releases the lock a job holds, for a job that was never queued. */
  releaseReplanLock(jobId: string): Promise<void>;

  /** The organisation path (tenancy.ts) of a plan, or of the plan a job or schedule belongs to. */
  organisationOf(kind: OwnedKind, id: string): Promise<string | undefined>;

  /** Answers when the database can take work. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
