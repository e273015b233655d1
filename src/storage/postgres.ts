import pg from "pg";
import type { JobKind, JobStatus } from "../contract/api.js";
import { canWrite, currentTenant } from "../support/tenancy.js";
import { PG_MIGRATIONS } from "./postgres-migrations.js";
import {
  type AppendEventsOutcome,
  BACKGROUND_KINDS,
  type EventRecord,
  ForeignTenantError,
  type InsertJobOutcome,
  type JobRecord,
  type NewSchedule,
  type OwnedKind,
  PLAN_STATE,
  type PlanListItem,
  type PlanRecord,
  type ReplanLockOutcome,
  type ScheduleRecord,
  type ScheduleSource,
  type Storage,
  type VersionRecord,
} from "./storage.js";

// PostgreSQL behind the same interface as SQLite, for several processes on one database (DATABASE_URL).
// Every method is one statement or one transaction (`tx`); a transaction that depends on what a plan holds
// first locks the plan's row (`LOCK_PLAN`), so two instances changing one plan take turns, as SQLite's one
// writer does. Each statement is a named constant below, beside the SQLite statement it mirrors: adding a
// method is one constant and a few lines using `rows`, `row` or `tx`.

type Db = Pick<pg.PoolClient, "query">;
type Params = readonly unknown[];

/** The service's own tenant filter, as SQLite's: row-level security (migration 2) is the second line. */
const READABLE = "($1::text IS NULL OR p.organisation = $1 OR starts_with(p.organisation, $1 || '/'))";

const SQL = {
  lockPlan: "SELECT id FROM plans WHERE id = $1 FOR UPDATE",
  insertPlan: "INSERT INTO plans (id, created_at, json) VALUES ($1, $2, $3)",
  getPlan: `
    SELECT p.id, p.created_at AS "createdAt", p.json, j.id AS "jobId", j.status AS "jobStatus",
      (SELECT count(*)::int FROM schedules s WHERE s.plan_id = p.id) AS "scheduleCount"
    FROM plans p
    LEFT JOIN LATERAL (SELECT id, status FROM jobs WHERE plan_id = p.id AND kind NOT IN ${BACKGROUND_KINDS}
      ORDER BY created_at DESC, seq DESC LIMIT 1)
      j ON true
    WHERE p.id = $1`,
  countPlans: `SELECT count(*)::int AS n FROM plans p WHERE ${READABLE}`,
  // The json type (not jsonb) reads the few fields the list shows without building the whole document.
  listPlans: `
    SELECT p.id, CASE WHEN json_typeof(d.j -> 'name') = 'string' THEN d.j ->> 'name' END AS name,
      d.j -> 'organizer' AS organizer, d.j -> 'cycle' AS cycle, d.j -> 'planningWindow' AS "planningWindow",
      (d.j -> 'budget' ->> 'total')::float8 AS "budgetTotal", p.created_at AS "createdAt",
      coalesce(p.updated_at, p.created_at) AS "updatedAt",
          ${PLAN_STATE} AS state
    FROM plans p CROSS JOIN LATERAL (SELECT p.json::json AS j) d
    WHERE ${READABLE.replaceAll("$1", "$3")}
    ORDER BY coalesce(p.updated_at, p.created_at) DESC, p.seq DESC LIMIT $1 OFFSET $2`,
  updatePlan: "UPDATE plans SET json = $1, updated_at = $2 WHERE id = $3",
  planExists: "SELECT 1 FROM plans WHERE id = $1",
  jobInProgress: "SELECT id FROM jobs WHERE plan_id = $1 AND kind = $2 AND status IN ('queued', 'running')",
  insertJob: "INSERT INTO jobs (id, plan_id, kind, status, created_at) VALUES ($1, $2, $3, 'queued', $4)",
  getJob: `
    SELECT id, plan_id AS "planId", kind, status, created_at AS "createdAt", started_at AS "startedAt",
      finished_at AS "finishedAt", result, error
    FROM jobs WHERE id = $1`,
  startJob: `
    UPDATE jobs j SET status = 'running', started_at = $1 FROM plans p
    WHERE j.id = $2 AND j.status = 'queued' AND p.id = j.plan_id RETURNING p.json`,
  requeueJob: "UPDATE jobs SET status = 'queued', started_at = NULL WHERE id = $1 AND status = 'running'",
  completeJob: `
    UPDATE jobs SET status = 'succeeded', finished_at = $1, result = $2 WHERE id = $3 AND status = 'running'
    RETURNING plan_id AS "planId"`,
  endJob: `
    UPDATE jobs SET status = $1, finished_at = $2, error = $3 WHERE id = $4 AND status IN ('queued', 'running')`,
  failUnfinished: `
    UPDATE jobs SET status = 'failed', finished_at = $1, error = $2 WHERE status IN ('queued', 'running')`,
  countJobs: "SELECT status, count(*)::int AS n FROM jobs GROUP BY status",
  latestSucceededJob: `
    SELECT id, plan_id AS "planId", kind, status, created_at AS "createdAt", started_at AS "startedAt",
      finished_at AS "finishedAt", result, error
    FROM jobs WHERE plan_id = $1 AND kind = $2 AND status = 'succeeded'
    ORDER BY finished_at DESC, seq DESC LIMIT 1`,
  latestJobId:
    "SELECT id FROM jobs WHERE plan_id = $1 AND kind = $2 ORDER BY created_at DESC, seq DESC LIMIT 1",
  insertSchedules: `
    INSERT INTO schedules (id, plan_id, job_id, candidate, status, created_at, summary, json, run, plan_patch,
      version, parent_id, events_through, commitments)
    SELECT s.id, $1, $2, s.candidate, s.status, $3, s.summary, s.json, s.run, s.plan_patch, s.version,
      s.parent_id, s.events_through, s.commitments
    FROM json_to_recordset($4::json) AS s (ord integer, id text, candidate text, status text, summary text,
      json text, run text, plan_patch text, version integer, parent_id text, events_through integer,
      commitments text)
    ORDER BY s.ord`,
  listSchedules: `
    SELECT id, plan_id AS "planId", job_id AS "jobId", candidate, status, created_at AS "createdAt", summary,
      run, version, parent_id AS "parentId"
    FROM schedules WHERE plan_id = $1 ORDER BY created_at, seq`,
  getScheduleSource: `
    SELECT s.plan_id AS "planId", p.json AS "planJson", s.plan_patch AS "planPatch", s.json AS "scheduleJson"
    FROM schedules s JOIN plans p ON p.id = s.plan_id WHERE s.id = $1`,
  // bytea: the stored UTF-8 bytes arrive as a Buffer, ready to send.
  getScheduleJson: `SELECT convert_to(json, 'UTF8') AS bytes FROM schedules WHERE id = $1`,
  lastSequence: `SELECT coalesce(max(sequence), 0)::int AS last FROM plan_events WHERE plan_id = $1`,
  insertEvents: `
    INSERT INTO plan_events (plan_id, sequence, type, payload, sent_by, received_at)
    SELECT $1, $2::int + e.ord, e.type, e.payload, $3, $4
    FROM json_to_recordset($5::json) AS e (ord integer, type text, payload text)`,
  listEvents: `
    SELECT sequence, type, payload, sent_by AS "sentBy", received_at AS "receivedAt" FROM plan_events
    WHERE plan_id = $1 AND sequence > $2 ORDER BY sequence`,
  currentVersion: `
    SELECT id, version, json, commitments, events_through AS "eventsThrough", created_at AS "createdAt"
    FROM schedules WHERE plan_id = $1 AND version IS NOT NULL ORDER BY version DESC LIMIT 1`,
  replaceScheduleJson: "UPDATE schedules SET json = $1 WHERE id = $2",
  plansInCycle: "SELECT id FROM plans WHERE json::json -> 'cycle' ->> 'id' = $1 ORDER BY created_at, seq",
  versionedPlanIds: "SELECT DISTINCT plan_id AS id FROM schedules WHERE version IS NOT NULL ORDER BY plan_id",
  lockHolder: `SELECT job_id AS "jobId" FROM replan_locks WHERE plan_id = $1`,
  insertLock: "INSERT INTO replan_locks (plan_id, job_id, acquired_at) VALUES ($1, $2, $3)",
  releaseLock: "DELETE FROM replan_locks WHERE job_id = $1",
  releaseAllLocks: "DELETE FROM replan_locks",
  setTenant: "SELECT set_config('planner.tenant', $1, true)",
  planOrganisation: "SELECT organisation FROM plans WHERE id = $1",
  jobOrganisation: "SELECT p.organisation FROM jobs j JOIN plans p ON p.id = j.plan_id WHERE j.id = $1",
  scheduleOrganisation:
    "SELECT p.organisation FROM schedules s JOIN plans p ON p.id = s.plan_id WHERE s.id = $1",
} as const;

/** Any fixed number: the advisory lock under which one instance migrates while the others wait. */
const MIGRATION_LOCK = 7_301_015;

interface JobRow extends Omit<JobRecord, "result"> {
  result: string | null;
}

function toJob(row: JobRow): JobRecord {
  return { ...row, result: row.result === null ? null : JSON.parse(row.result) };
}

export async function migratePostgres(db: Db): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
  await db.query("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
  const found = await db.query<{ version: number }>("SELECT version FROM schema_version");
  const current = found.rows[0]?.version ?? 0;
  if (current > PG_MIGRATIONS.length) {
    throw new Error(`the database is at schema version ${current}, newer than this service knows`);
  }
  for (const sql of PG_MIGRATIONS.slice(current)) await db.query(sql);
  if (found.rows.length === 0)
    await db.query("INSERT INTO schema_version VALUES ($1)", [PG_MIGRATIONS.length]);
  else await db.query("UPDATE schema_version SET version = $1", [PG_MIGRATIONS.length]);
}

export class PostgresStorage implements Storage {
  private constructor(private readonly pool: pg.Pool) {}

  /** Connects (a pool of `max` connections) and brings the schema up to date. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: "planner" });
    // An idle connection the server ends (a restart, an operator) is dropped by the pool and the next query
    // connects again; a query's own error reaches its caller. Unhandled, the idle one would end the process.
    pool.on("error", () => {});
    const storage = new PostgresStorage(pool);
    try {
      await storage.tx(migratePostgres);
      return storage;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /**
   * One statement; on the pool (no transaction of the caller's) in a request bound to a tenant, it runs in a
   * transaction of its own that sets the tenant first, for row-level security.
   */
  private async query(sql: string, params: Params, db: Db | undefined): Promise<pg.QueryResult> {
    if (db === undefined && currentTenant() !== undefined)
      return this.tx((client) => this.query(sql, params, client));
    return (db ?? this.pool).query(sql, params as unknown[]);
  }

  private async rows<T>(sql: string, params: Params = [], db?: Db): Promise<T[]> {
    return (await this.query(sql, params, db)).rows as T[];
  }

  private async row<T>(sql: string, params: Params = [], db?: Db): Promise<T | undefined> {
    return (await this.rows<T>(sql, params, db))[0];
  }

  private async changes(sql: string, params: Params, db?: Db): Promise<number> {
    return (await this.query(sql, params, db)).rowCount ?? 0;
  }

  /** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
  private async tx<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const tenant = currentTenant();
      if (tenant !== undefined) await client.query(SQL.setTenant, [tenant]);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Locks the plan's row for the transaction; false when there is no such plan. */
  private async lockPlan(db: Db, planId: string): Promise<boolean> {
    return (await this.changes(SQL.lockPlan, [planId], db)) === 1;
  }

  async insertPlan(plan: { id: string; createdAt: string; json: string }): Promise<void> {
    await this.tx(async (db) => {
      await this.changes(SQL.insertPlan, [plan.id, plan.createdAt, plan.json], db);
      await this.ownedOrRefused(db, plan.id);
    });
  }

  /** Throws (rolling the transaction back) unless the request's tenant may write the plan as it now is. */
  private async ownedOrRefused(db: Db, planId: string): Promise<void> {
    const row = await this.row<{ organisation: string }>(SQL.planOrganisation, [planId], db);
    if (row !== undefined && !canWrite(currentTenant(), row.organisation)) throw new ForeignTenantError();
  }

  async getPlan(id: string): Promise<PlanRecord | undefined> {
    const row = await this.row<Omit<PlanRecord, "latestJob"> & { jobId: string | null; jobStatus: string }>(
      SQL.getPlan,
      [id],
    );
    if (row === undefined) return undefined;
    const { jobId, jobStatus, ...plan } = row;
    return {
      ...plan,
      latestJob: jobId === null ? null : { id: jobId, status: jobStatus as JobRecord["status"] },
    };
  }

  async hasPlan(id: string): Promise<boolean> {
    return (await this.row(SQL.planExists, [id])) !== undefined;
  }

  async listPlans(page: {
    offset: number;
    limit: number;
  }): Promise<{ total: number; items: PlanListItem[] }> {
    const tenant = currentTenant() ?? null;
    const [items, count] = await Promise.all([
      this.rows<PlanListItem>(SQL.listPlans, [page.limit, page.offset, tenant]),
      this.row<{ n: number }>(SQL.countPlans, [tenant]),
    ]);
    return { total: count?.n ?? 0, items };
  }

  async updatePlan(id: string, json: string, updatedAt: string): Promise<boolean> {
    return this.tx(async (db) => {
      await this.ownedOrRefused(db, id);
      const changed = (await this.changes(SQL.updatePlan, [json, updatedAt, id], db)) > 0;
      await this.ownedOrRefused(db, id);
      return changed;
    });
  }

  async insertJob(
    job: { id: string; planId: string; kind: JobKind; createdAt: string },
    hasRoom: () => boolean,
  ): Promise<InsertJobOutcome> {
    return this.tx(async (db): Promise<InsertJobOutcome> => {
      if (!(await this.lockPlan(db, job.planId))) return { inserted: false, reason: "no-plan" };
      const active = await this.row<{ id: string }>(SQL.jobInProgress, [job.planId, job.kind], db);
      if (active !== undefined) return { inserted: false, reason: "active", activeJobId: active.id };
      if (!hasRoom()) return { inserted: false, reason: "no-room" };
      await this.changes(SQL.insertJob, [job.id, job.planId, job.kind, job.createdAt], db);
      return { inserted: true };
    });
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const row = await this.row<JobRow>(SQL.getJob, [id]);
    return row === undefined ? undefined : toJob(row);
  }

  async startJob(id: string, at: string): Promise<string | undefined> {
    return (await this.row<{ json: string }>(SQL.startJob, [at, id]))?.json;
  }

  async requeueJob(id: string): Promise<boolean> {
    return (await this.changes(SQL.requeueJob, [id])) === 1;
  }

  async completeJob(
    id: string,
    at: string,
    schedules: readonly NewSchedule[],
    extra: Record<string, unknown> = {},
  ): Promise<boolean> {
    const result = JSON.stringify({ scheduleIds: schedules.map((s) => s.id), ...extra });
    const rows = JSON.stringify(
      schedules.map((s, ord) => ({
        ord,
        id: s.id,
        candidate: s.candidate,
        status: s.status,
        summary: JSON.stringify(s.summary),
        json: s.json,
        run: s.run ?? null,
        plan_patch: s.planPatch ?? null,
        version: s.version ?? null,
        parent_id: s.parentId ?? null,
        events_through: s.eventsThrough ?? null,
        commitments: s.commitments ?? null,
      })),
    );
    return this.tx(async (db) => {
      const job = await this.row<{ planId: string }>(SQL.completeJob, [at, result, id], db);
      if (job === undefined) return false;
      await this.changes(SQL.insertSchedules, [job.planId, id, at, rows], db);
      await this.changes(SQL.releaseLock, [id], db);
      return true;
    });
  }

  async endJob(
    id: string,
    at: string,
    status: "failed" | "canceled",
    error: string | null,
  ): Promise<boolean> {
    return this.tx(async (db) => {
      await this.changes(SQL.releaseLock, [id], db);
      return (await this.changes(SQL.endJob, [status, at, error, id], db)) === 1;
    });
  }

  async failUnfinishedJobs(at: string, error: string): Promise<number> {
    return this.tx(async (db) => {
      await this.changes(SQL.releaseAllLocks, [], db);
      return this.changes(SQL.failUnfinished, [at, error], db);
    });
  }

  async countJobs(): Promise<Partial<Record<JobStatus, number>>> {
    const rows = await this.rows<{ status: JobStatus; n: number }>(SQL.countJobs);
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  async latestSucceededJob(planId: string, kind: JobKind): Promise<JobRecord | undefined> {
    const row = await this.row<JobRow>(SQL.latestSucceededJob, [planId, kind]);
    return row === undefined ? undefined : toJob(row);
  }

  async latestJobId(planId: string, kind: JobKind): Promise<string | undefined> {
    return (await this.row<{ id: string }>(SQL.latestJobId, [planId, kind]))?.id;
  }

  async listSchedules(planId: string): Promise<ScheduleRecord[]> {
    const rows = await this.rows<Omit<ScheduleRecord, "summary"> & { summary: string }>(SQL.listSchedules, [
      planId,
    ]);
    return rows.map((row) => ({ ...row, summary: JSON.parse(row.summary) }));
  }

  async getScheduleJson(id: string): Promise<Buffer | undefined> {
    return (await this.row<{ bytes: Buffer }>(SQL.getScheduleJson, [id]))?.bytes;
  }

  async getScheduleSource(id: string): Promise<ScheduleSource | undefined> {
    return this.row<ScheduleSource>(SQL.getScheduleSource, [id]);
  }

  async replaceScheduleJson(id: string, json: string): Promise<boolean> {
    return (await this.changes(SQL.replaceScheduleJson, [json, id])) > 0;
  }

  async appendEvents(
    planId: string,
    events: readonly { type: string; payload: string }[],
    meta: { sentBy: string; receivedAt: string },
    expect: { afterSequence: number; versionId: string | null; batchEvents: boolean },
  ): Promise<AppendEventsOutcome> {
    return this.tx(async (db): Promise<AppendEventsOutcome> => {
      // No plan: nothing is stored, and the caller, having read no plan, never gets here.
      if (!(await this.lockPlan(db, planId))) return { appended: false, reason: "stale" };
      const last = (await this.row<{ last: number }>(SQL.lastSequence, [planId], db))?.last ?? 0;
      const version = (await this.row<{ id: string }>(SQL.currentVersion, [planId], db))?.id ?? null;
      if (last !== expect.afterSequence || version !== expect.versionId)
        return { appended: false, reason: "stale" };
      const holder = expect.batchEvents
        ? await this.row<{ jobId: string }>(SQL.lockHolder, [planId], db)
        : undefined;
      if (holder !== undefined) return { appended: false, reason: "replanning", jobId: holder.jobId };
      await this.changes(
        SQL.insertEvents,
        [
          planId,
          last + 1,
          meta.sentBy,
          meta.receivedAt,
          JSON.stringify(events.map((e, ord) => ({ ord, ...e }))),
        ],
        db,
      );
      return { appended: true, first: last + 1, last: last + events.length };
    });
  }

  async listEvents(planId: string, afterSequence = 0): Promise<EventRecord[]> {
    return this.rows<EventRecord>(SQL.listEvents, [planId, afterSequence]);
  }

  async currentVersion(planId: string): Promise<VersionRecord | undefined> {
    return this.row<VersionRecord>(SQL.currentVersion, [planId]);
  }

  async plansInCycle(cycleId: string): Promise<string[]> {
    return (await this.rows<{ id: string }>(SQL.plansInCycle, [cycleId])).map((row) => row.id);
  }

  async versionedPlanIds(): Promise<string[]> {
    return (await this.rows<{ id: string }>(SQL.versionedPlanIds)).map((row) => row.id);
  }

  async acquireReplanLock(planId: string, jobId: string, at: string): Promise<ReplanLockOutcome> {
    return this.tx(async (db): Promise<ReplanLockOutcome> => {
      if (!(await this.lockPlan(db, planId))) return { acquired: false };
      const holder = await this.row<{ jobId: string }>(SQL.lockHolder, [planId], db);
      if (holder !== undefined) return { acquired: false, jobId: holder.jobId };
      await this.changes(SQL.insertLock, [planId, jobId, at], db);
      return { acquired: true };
    });
  }

  async releaseReplanLock(jobId: string): Promise<void> {
    await this.changes(SQL.releaseLock, [jobId]);
  }

  async organisationOf(kind: OwnedKind, id: string): Promise<string | undefined> {
    const sql = { plan: SQL.planOrganisation, job: SQL.jobOrganisation, schedule: SQL.scheduleOrganisation }[
      kind
    ];
    return (await this.row<{ organisation: string }>(sql, [id]))?.organisation;
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
