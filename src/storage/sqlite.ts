import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import type { ScheduleStatus } from "../../solver/index.js";
import type { JobKind, JobStatus } from "../contract/api.js";
import { canWrite, currentTenant } from "../support/tenancy.js";
import { DataDirLock, LOCK_FILE } from "./lock.js";
import { MIGRATIONS } from "./migrations.js";
import type {
  AppendEventsOutcome,
  EventRecord,
  InsertJobOutcome,
  JobRecord,
  NewSchedule,
  OwnedKind,
  PlanListItem,
  PlanRecord,
  PlanState,
  ReplanLockOutcome,
  ScheduleRecord,
  ScheduleSource,
  Storage,
  VersionRecord,
} from "./storage.js";
import { BACKGROUND_KINDS, ForeignTenantError, PLAN_STATE } from "./storage.js";

interface JobRow {
  id: string;
  plan_id: string;
  kind: JobKind;
  status: JobStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  result: string | null;
  error: string | null;
}

interface PlanRow {
  id: string;
  created_at: string;
  json: string;
  schedule_count: number;
  job_id: string | null;
  job_status: JobStatus | null;
}

interface PlanListRow {
  id: string;
  name: string | null;
  organizer: string;
  cycle: string;
  planning_window: string;
  budget_total: number;
  created_at: string;
  updated_at: string;
  state: PlanState;
}

interface ScheduleRow {
  id: string;
  plan_id: string;
  job_id: string;
  candidate: string;
  status: ScheduleStatus;
  created_at: string;
  summary: string;
  run: string | null;
  version: number | null;
  parent_id: string | null;
}

/** A plan the request's tenant may read (all of them outside a tenant): SQLite's only tenant filter. */
const READABLE =
  "(:tenant IS NULL OR p.organisation = :tenant OR substr(p.organisation, 1, length(:tenant) + 1) = :tenant || '/')";

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    planId: row.plan_id,
    kind: row.kind,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? null : JSON.parse(row.result),
    error: row.error,
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`the database is at schema version ${current}, newer than this service knows`);
  }
  MIGRATIONS.slice(current).forEach((sql, i) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${current + i + 1}`);
    }).immediate();
  });
}

/** The embedded default: one SQLite file in WAL mode, one connection, owned by this process. */
export class SqliteStorage implements Storage {
  private readonly statements;

  private constructor(
    private readonly db: Database.Database,
    private readonly lock: DataDirLock,
  ) {
    this.statements = {
      insertPlan: db.prepare("INSERT INTO plans (id, created_at, json) VALUES (?, ?, ?)"),
      getPlan: db.prepare<[string], PlanRow>(`
        SELECT p.id, p.created_at, p.json, j.id AS job_id, j.status AS job_status,
          (SELECT count(*) FROM schedules s WHERE s.plan_id = p.id) AS schedule_count
        FROM plans p
        LEFT JOIN jobs j ON j.rowid = (
          SELECT rowid FROM jobs WHERE plan_id = p.id AND kind NOT IN ${BACKGROUND_KINDS}
          ORDER BY created_at DESC, rowid DESC LIMIT 1)
        WHERE p.id = ?`),
      countPlans: db
        .prepare<{ tenant: string | null }, number>(`SELECT count(*) FROM plans p WHERE ${READABLE}`)
        .pluck(),
      // json_extract reads the few fields the list shows; the cadres stay unparsed.
      listPlans: db.prepare<{ tenant: string | null; limit: number; offset: number }, PlanListRow>(`
        SELECT p.id, json_extract(p.json, '$.name') AS name, json_extract(p.json, '$.organizer') AS organizer,
          json_extract(p.json, '$.cycle') AS cycle, json_extract(p.json, '$.planningWindow') AS planning_window,
          json_extract(p.json, '$.budget.total') AS budget_total, p.created_at,
          coalesce(p.updated_at, p.created_at) AS updated_at,
          ${PLAN_STATE} AS state
        FROM plans p WHERE ${READABLE}
        ORDER BY coalesce(p.updated_at, p.created_at) DESC, p.rowid DESC LIMIT :limit OFFSET :offset`),
      updatePlan: db.prepare("UPDATE plans SET json = ?, updated_at = ? WHERE id = ?"),
      planExists: db.prepare<[string], number>("SELECT 1 FROM plans WHERE id = ?").pluck(),
      jobInProgress: db
        .prepare<[string, JobKind], string>(
          "SELECT id FROM jobs WHERE plan_id = ? AND kind = ? AND status IN ('queued', 'running')",
        )
        .pluck(),
      insertJob: db.prepare(
        "INSERT INTO jobs (id, plan_id, kind, status, created_at) VALUES (?, ?, ?, 'queued', ?)",
      ),
      getJob: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE id = ?"),
      startJob: db.prepare(
        "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
      ),
      requeueJob: db.prepare(
        "UPDATE jobs SET status = 'queued', started_at = NULL WHERE id = ? AND status = 'running'",
      ),
      planJsonOfJob: db
        .prepare<[string], string>(
          "SELECT p.json FROM jobs j JOIN plans p ON p.id = j.plan_id WHERE j.id = ?",
        )
        .pluck(),
      completeJob: db.prepare(
        "UPDATE jobs SET status = 'succeeded', finished_at = ?, result = ? WHERE id = ? AND status = 'running'",
      ),
      endJob: db.prepare(
        "UPDATE jobs SET status = ?, finished_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')",
      ),
      failUnfinished: db.prepare(
        "UPDATE jobs SET status = 'failed', finished_at = ?, error = ? WHERE status IN ('queued', 'running')",
      ),
      countJobs: db.prepare<[], { status: JobStatus; n: number }>(
        "SELECT status, count(*) AS n FROM jobs GROUP BY status",
      ),
      latestSucceededJob: db.prepare<[string, JobKind], JobRow>(`
        SELECT * FROM jobs WHERE plan_id = ? AND kind = ? AND status = 'succeeded'
        ORDER BY finished_at DESC, rowid DESC LIMIT 1`),
      latestJobId: db
        .prepare<[string, JobKind], string>(
          "SELECT id FROM jobs WHERE plan_id = ? AND kind = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )
        .pluck(),
      insertSchedule: db.prepare(`
        INSERT INTO schedules (id, plan_id, job_id, candidate, status, created_at, summary, json, run, plan_patch,
          version, parent_id, events_through, commitments)
        SELECT ?, plan_id, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ?`),
      listSchedules: db.prepare<[string], ScheduleRow>(`
        SELECT id, plan_id, job_id, candidate, status, created_at, summary, run, version, parent_id FROM schedules
        WHERE plan_id = ? ORDER BY created_at, rowid`),
      getScheduleSource: db.prepare<[string], ScheduleSource>(`
        SELECT s.plan_id AS planId, p.json AS planJson, s.plan_patch AS planPatch, s.json AS scheduleJson
        FROM schedules s JOIN plans p ON p.id = s.plan_id WHERE s.id = ?`),
      replaceScheduleJson: db.prepare("UPDATE schedules SET json = ? WHERE id = ?"),
      // As a blob, SQLite hands over the stored UTF-8 bytes and no JS string is made.
      getScheduleJson: db
        .prepare<[string], Buffer>("SELECT CAST(json AS BLOB) FROM schedules WHERE id = ?")
        .pluck(),
      lastSequence: db
        .prepare<[string], number>("SELECT coalesce(max(sequence), 0) FROM plan_events WHERE plan_id = ?")
        .pluck(),
      insertEvent: db.prepare(
        "INSERT INTO plan_events (plan_id, sequence, type, payload, sent_by, received_at) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      listEvents: db.prepare<
        [string, number],
        { sequence: number; type: string; payload: string; sentBy: string; receivedAt: string }
      >(`
        SELECT sequence, type, payload, sent_by AS sentBy, received_at AS receivedAt FROM plan_events
        WHERE plan_id = ? AND sequence > ? ORDER BY sequence`),
      currentVersion: db.prepare<[string], VersionRecord>(`
        SELECT id, version, json, commitments, events_through AS eventsThrough, created_at AS createdAt
        FROM schedules WHERE plan_id = ? AND version IS NOT NULL ORDER BY version DESC LIMIT 1`),
      plansInCycle: db
        .prepare<[string], string>(
          "SELECT id FROM plans WHERE json_extract(json, '$.cycle.id') = ? ORDER BY created_at, rowid",
        )
        .pluck(),
      versionedPlanIds: db
        .prepare<[], string>(
          "SELECT DISTINCT plan_id FROM schedules WHERE version IS NOT NULL ORDER BY plan_id",
        )
        .pluck(),
      lockHolder: db.prepare<[string], string>("SELECT job_id FROM replan_locks WHERE plan_id = ?").pluck(),
      insertLock: db.prepare("INSERT INTO replan_locks (plan_id, job_id, acquired_at) VALUES (?, ?, ?)"),
      releaseLock: db.prepare("DELETE FROM replan_locks WHERE job_id = ?"),
      releaseAllLocks: db.prepare("DELETE FROM replan_locks"),
      ping: db.prepare("SELECT 1").pluck(),
      planOrganisation: db.prepare<[string], string>("SELECT organisation FROM plans WHERE id = ?").pluck(),
      jobOrganisation: db
        .prepare<[string], string>(
          "SELECT p.organisation FROM jobs j JOIN plans p ON p.id = j.plan_id WHERE j.id = ?",
        )
        .pluck(),
      scheduleOrganisation: db
        .prepare<[string], string>(
          "SELECT p.organisation FROM schedules s JOIN plans p ON p.id = s.plan_id WHERE s.id = ?",
        )
        .pluck(),
    };
  }

  /**
   * Locks the data directory, then opens (creating if need be) the database file and brings its schema up to
   * date. While another process has it open, throws DataDirInUseError and touches nothing.
   */
  static open(file: string): SqliteStorage {
    mkdirSync(dirname(file), { recursive: true });
    const lock = DataDirLock.acquire(join(dirname(file), LOCK_FILE));
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      // In WAL mode NORMAL cannot corrupt or half-write; a power cut may lose only the last commits.
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      db.pragma("busy_timeout = 5000");
      migrate(db);
      return new SqliteStorage(db, lock);
    } catch (error) {
      db?.close();
      lock.release();
      throw error;
    }
  }

  async insertPlan(plan: { id: string; createdAt: string; json: string }): Promise<void> {
    this.db
      .transaction(() => {
        this.statements.insertPlan.run(plan.id, plan.createdAt, plan.json);
        this.ownedOrRefused(plan.id);
      })
      .immediate();
  }

  /** Throws (rolling the transaction back) unless the request's tenant may write the plan as it now is. */
  private ownedOrRefused(planId: string): void {
    const organisation = this.statements.planOrganisation.get(planId);
    if (organisation !== undefined && !canWrite(currentTenant(), organisation))
      throw new ForeignTenantError();
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const row = this.statements.getPlan.get(id);
    if (row === undefined) return undefined;
    return {
      id: row.id,
      createdAt: row.created_at,
      json: row.json,
      latestJob:
        row.job_id === null || row.job_status === null ? null : { id: row.job_id, status: row.job_status },
      scheduleCount: row.schedule_count,
    };
  }

  async hasPlan(id: string): Promise<boolean> {
    return this.statements.planExists.get(id) !== undefined;
  }

  async listPlans(page: {
    offset: number;
    limit: number;
  }): Promise<{ total: number; items: PlanListItem[] }> {
    const tenant = currentTenant() ?? null;
    const items = this.statements.listPlans.all({ tenant, limit: page.limit, offset: page.offset }).map(
      (row): PlanListItem => ({
        id: row.id,
        name: typeof row.name === "string" ? row.name : null,
        organizer: JSON.parse(row.organizer),
        cycle: JSON.parse(row.cycle),
        planningWindow: JSON.parse(row.planning_window),
        budgetTotal: row.budget_total,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        state: row.state,
      }),
    );
    return { total: this.statements.countPlans.get({ tenant }) ?? 0, items };
  }

  async updatePlan(id: string, json: string, updatedAt: string): Promise<boolean> {
    return this.db
      .transaction(() => {
        this.ownedOrRefused(id);
        const changed = this.statements.updatePlan.run(json, updatedAt, id).changes > 0;
        this.ownedOrRefused(id);
        return changed;
      })
      .immediate();
  }

  async insertJob(
    job: { id: string; planId: string; kind: JobKind; createdAt: string },
    hasRoom: () => boolean,
  ): Promise<InsertJobOutcome> {
    return this.db
      .transaction((): InsertJobOutcome => {
        if (this.statements.planExists.get(job.planId) === undefined)
          return { inserted: false, reason: "no-plan" };
        const activeJobId = this.statements.jobInProgress.get(job.planId, job.kind);
        if (activeJobId !== undefined) return { inserted: false, reason: "active", activeJobId };
        if (!hasRoom()) return { inserted: false, reason: "no-room" };
        this.statements.insertJob.run(job.id, job.planId, job.kind, job.createdAt);
        return { inserted: true };
      })
      .immediate();
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const row = this.statements.getJob.get(id);
    return row === undefined ? undefined : toJob(row);
  }

  async startJob(id: string, at: string): Promise<string | undefined> {
    return this.db
      .transaction(() =>
        this.statements.startJob.run(at, id).changes === 1
          ? this.statements.planJsonOfJob.get(id)
          : undefined,
      )
      .immediate();
  }

  async requeueJob(id: string): Promise<boolean> {
    return this.statements.requeueJob.run(id).changes === 1;
  }

  async completeJob(
    id: string,
    at: string,
    schedules: readonly NewSchedule[],
    extra: Record<string, unknown> = {},
  ): Promise<boolean> {
    const result = JSON.stringify({ scheduleIds: schedules.map((s) => s.id), ...extra });
    return this.db
      .transaction(() => {
        if (this.statements.completeJob.run(at, result, id).changes !== 1) return false;
        for (const s of schedules) {
          this.statements.insertSchedule.run(
            s.id,
            s.candidate,
            s.status,
            at,
            JSON.stringify(s.summary),
            s.json,
            s.run ?? null,
            s.planPatch ?? null,
            s.version ?? null,
            s.parentId ?? null,
            s.eventsThrough ?? null,
            s.commitments ?? null,
            id,
          );
        }
        this.statements.releaseLock.run(id);
        return true;
      })
      .immediate();
  }

  async endJob(
    id: string,
    at: string,
    status: "failed" | "canceled",
    error: string | null,
  ): Promise<boolean> {
    return this.db
      .transaction(() => {
        this.statements.releaseLock.run(id);
        return this.statements.endJob.run(status, at, error, id).changes === 1;
      })
      .immediate();
  }

  async failUnfinishedJobs(at: string, error: string): Promise<number> {
    return this.db
      .transaction(() => {
        this.statements.releaseAllLocks.run();
        return this.statements.failUnfinished.run(at, error).changes;
      })
      .immediate();
  }

  async countJobs(): Promise<Partial<Record<JobStatus, number>>> {
    return Object.fromEntries(this.statements.countJobs.all().map((row) => [row.status, row.n]));
  }

  async latestSucceededJob(planId: string, kind: JobKind): Promise<JobRecord | undefined> {
    const row = this.statements.latestSucceededJob.get(planId, kind);
    return row === undefined ? undefined : toJob(row);
  }

  async latestJobId(planId: string, kind: JobKind): Promise<string | undefined> {
    return this.statements.latestJobId.get(planId, kind);
  }

  async listSchedules(planId: string): Promise<ScheduleRecord[]> {
    return this.statements.listSchedules.all(planId).map((row) => ({
      id: row.id,
      planId: row.plan_id,
      jobId: row.job_id,
      candidate: row.candidate,
      status: row.status,
      createdAt: row.created_at,
      summary: JSON.parse(row.summary),
      run: row.run,
      version: row.version,
      parentId: row.parent_id,
    }));
  }

  async getScheduleJson(id: string): Promise<Buffer | undefined> {
    return this.statements.getScheduleJson.get(id);
  }

  async getScheduleSource(id: string): Promise<ScheduleSource | undefined> {
    return this.statements.getScheduleSource.get(id);
  }

  async replaceScheduleJson(id: string, json: string): Promise<boolean> {
    return this.statements.replaceScheduleJson.run(json, id).changes > 0;
  }

  async appendEvents(
    planId: string,
    events: readonly { type: string; payload: string }[],
    meta: { sentBy: string; receivedAt: string },
    expect: { afterSequence: number; versionId: string | null; batchEvents: boolean },
  ): Promise<AppendEventsOutcome> {
    return this.db
      .transaction((): AppendEventsOutcome => {
        const last = this.statements.lastSequence.get(planId) ?? 0;
        const version = this.statements.currentVersion.get(planId)?.id ?? null;
        if (last !== expect.afterSequence || version !== expect.versionId)
          return { appended: false, reason: "stale" };
        const holder = expect.batchEvents ? this.statements.lockHolder.get(planId) : undefined;
        if (holder !== undefined) return { appended: false, reason: "replanning", jobId: holder };
        for (const [i, event] of events.entries())
          this.statements.insertEvent.run(
            planId,
            last + 1 + i,
            event.type,
            event.payload,
            meta.sentBy,
            meta.receivedAt,
          );
        return { appended: true, first: last + 1, last: last + events.length };
      })
      .immediate();
  }

  async listEvents(planId: string, afterSequence = 0): Promise<EventRecord[]> {
    return this.statements.listEvents.all(planId, afterSequence);
  }

  async currentVersion(planId: string): Promise<VersionRecord | undefined> {
    return this.statements.currentVersion.get(planId);
  }

  async plansInCycle(cycleId: string): Promise<string[]> {
    return this.statements.plansInCycle.all(cycleId);
  }

  async versionedPlanIds(): Promise<string[]> {
    return this.statements.versionedPlanIds.all();
  }

  async acquireReplanLock(planId: string, jobId: string, at: string): Promise<ReplanLockOutcome> {
    return this.db
      .transaction((): ReplanLockOutcome => {
        if (this.statements.planExists.get(planId) === undefined) return { acquired: false };
        const holder = this.statements.lockHolder.get(planId);
        if (holder !== undefined) return { acquired: false, jobId: holder };
        this.statements.insertLock.run(planId, jobId, at);
        return { acquired: true };
      })
      .immediate();
  }

  async releaseReplanLock(jobId: string): Promise<void> {
    this.statements.releaseLock.run(jobId);
  }

  async organisationOf(kind: OwnedKind, id: string): Promise<string | undefined> {
    const statement = {
      plan: this.statements.planOrganisation,
      job: this.statements.jobOrganisation,
      schedule: this.statements.scheduleOrganisation,
    }[kind];
    return statement.get(id);
  }

  async ping(): Promise<void> {
    this.statements.ping.get();
  }

  async close(): Promise<void> {
    this.db.close();
    this.lock.release();
  }
}
