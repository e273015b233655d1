import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStorage } from "../../src/storage/postgres.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import type { NewSchedule, Storage } from "../../src/storage/storage.js";
import { ForeignTenantError } from "../../src/storage/storage.js";
import { runInScope, setTenant } from "../../src/support/tenancy.js";
import { adminQuery, freshDatabase, HAS_POSTGRES } from "../support/postgres.js";
import { EMPTY_SUMMARY } from "../support/schedules.js";

// One contract for every Storage: the same cases run against SQLite and, with DATABASE_URL, PostgreSQL.

interface Store {
  storage: Storage;
  /** Raw SQL on a connection of its own, as an operator (or a bug) would send it. */
  exec(sql: string): Promise<void>;
  /** Opens the same database again (a second process, a restart). */
  reopen(): Promise<Storage>;
  /** PostgreSQL: the same database as a role that is neither superuser nor owner, held to row-level security. */
  restricted(): Promise<{ storage: Storage; role: string }>;
  close(): Promise<void>;
}

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "planner-storage-"));
  const file = join(dir, "planner.sqlite");
  const storage = SqliteStorage.open(file);
  return {
    storage,
    async exec(sql) {
      const db = new Database(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async reopen() {
      throw new Error("one process per SQLite data directory");
    },
    async restricted() {
      throw new Error("SQLite has no roles");
    },
    async close() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresStore(): Promise<Store> {
  const database = await freshDatabase();
  const storage = await PostgresStorage.open(database.url);
  const others: Storage[] = [];
  const exec = async (sql: string) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    storage,
    exec,
    async reopen() {
      const again = await PostgresStorage.open(database.url);
      others.push(again);
      return again;
    },
    async restricted() {
      // Superusers bypass row-level security: the connection takes a plain role at start (role=…).
      const role = `${database.name}_app`;
      await exec(`
        CREATE ROLE ${role} NOLOGIN NOSUPERUSER;
        GRANT USAGE, CREATE ON SCHEMA public TO ${role};
        GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role};`);
      const url = new URL(database.url);
      url.searchParams.set("options", `-c role=${role}`);
      const held = await PostgresStorage.open(url.toString());
      others.push(held);
      return { storage: held, role };
    },
    async close() {
      await Promise.all([storage, ...others].map((s) => s.close()));
      await database.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${database.name}_app`);
    },
  };
}

const PLAN = JSON.stringify({
  name: "测试计划",
  organizer: { level: "city", province: "山东省", city: "济宁市" },
  cycle: { id: "2027", start: "2027-01-01", end: "2027-12-31" },
  planningWindow: { start: "2027-03-01", end: "2027-11-30" },
  budget: { total: 123456.5 },
});

const at = (minute: number) => `2027-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;

function schedule(id: string, extra: Partial<NewSchedule> = {}): NewSchedule {
  return {
    id,
    candidate: "priority",
    status: "optimal",
    summary: EMPTY_SUMMARY,
    json: `{"id":"${id}","名":"é"}`,
    ...extra,
  };
}

const backends = [
  { name: "SQLite", open: sqliteStore, skip: false },
  { name: "PostgreSQL", open: postgresStore, skip: !HAS_POSTGRES },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the storage contract on ${backend.name}`, () => {
    let store: Store;
    let s: Storage;
    let counter = 0;
    const id = (prefix: string) => `${prefix}_${++counter}`;
    const room = () => true;

    beforeAll(async () => {
      store = await backend.open();
      s = store.storage;
    });
    afterAll(() => store?.close());

    async function newPlan(createdAt = at(0)): Promise<string> {
      const planId = id("pln");
      await s.insertPlan({ id: planId, createdAt, json: PLAN });
      return planId;
    }

    async function runningJob(
      planId: string,
      kind: "solve" | "what-if" | "replan" = "solve",
    ): Promise<string> {
      const jobId = id("job");
      expect(await s.insertJob({ id: jobId, planId, kind, createdAt: at(1) }, room)).toEqual({
        inserted: true,
      });
      expect(await s.startJob(jobId, at(2))).toEqual(expect.any(String));
      return jobId;
    }

    it("stores plans and reads them back, with their latest job and schedule count", async () => {
      const planId = await newPlan();
      expect(await s.hasPlan(planId)).toBe(true);
      expect(await s.hasPlan("pln_none")).toBe(false);
      expect(await s.getPlan("pln_none")).toBeUndefined();
      expect(await s.getPlan(planId)).toEqual({
        id: planId,
        createdAt: at(0),
        json: PLAN,
        latestJob: null,
        scheduleCount: 0,
      });
      const jobId = await runningJob(planId);
      await s.completeJob(jobId, at(3), [schedule(id("sch")), schedule(id("sch"))]);
      expect(await s.getPlan(planId)).toMatchObject({
        latestJob: { id: jobId, status: "succeeded" },
        scheduleCount: 2,
      });
      expect(await s.updatePlan(planId, PLAN.replace("测试", "改过"), at(9))).toBe(true);
      expect(await s.updatePlan("pln_none", PLAN, at(9))).toBe(false);
      expect((await s.getPlan(planId))?.json).toContain("改过");
    });

    it("lists plans most recently changed first, with headline fields and state", async () => {
      const older = await newPlan(at(10));
      const newer = await newPlan(at(11));
      const { total, items } = await s.listPlans({ offset: 0, limit: 1000 });
      expect(total).toBe(items.length);
      const ids = items.map((item) => item.id);
      expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
      expect(items.find((item) => item.id === newer)).toEqual({
        id: newer,
        name: "测试计划",
        organizer: { level: "city", province: "山东省", city: "济宁市" },
        cycle: { id: "2027", start: "2027-01-01", end: "2027-12-31" },
        planningWindow: { start: "2027-03-01", end: "2027-11-30" },
        budgetTotal: 123456.5,
        createdAt: at(11),
        updatedAt: at(11),
        state: "unsolved",
      });
      await runningJob(older);
      const page = await s.listPlans({ offset: 0, limit: 1000 });
      expect(page.items.find((item) => item.id === older)?.state).toBe("solving");
      expect((await s.listPlans({ offset: 1, limit: 1 })).items).toHaveLength(1);
    });

    it("inserts a job unless the plan is missing, one of its kind is active, or there is no room", async () => {
      const planId = await newPlan();
      const job = (kind: "solve" | "what-if") => ({ id: id("job"), planId, kind, createdAt: at(1) });
      expect(await s.insertJob({ ...job("solve"), planId: "pln_none" }, room)).toEqual({
        inserted: false,
        reason: "no-plan",
      });
      expect(await s.insertJob(job("solve"), () => false)).toEqual({ inserted: false, reason: "no-room" });
      const first = job("solve");
      expect(await s.insertJob(first, room)).toEqual({ inserted: true });
      expect(await s.insertJob(job("solve"), room)).toEqual({
        inserted: false,
        reason: "active",
        activeJobId: first.id,
      });
      expect(await s.insertJob(job("what-if"), room)).toEqual({ inserted: true });
      expect(await s.getJob(first.id)).toEqual({
        id: first.id,
        planId,
        kind: "solve",
        status: "queued",
        createdAt: at(1),
        startedAt: null,
        finishedAt: null,
        result: null,
        error: null,
      });
    });

    it("runs a job queued → running → succeeded once, storing its schedules in order with it", async () => {
      const planId = await newPlan();
      const jobId = await runningJob(planId);
      expect(await s.startJob(jobId, at(2))).toBeUndefined();
      const [a, b] = [id("sch"), id("sch")];
      const stored = [schedule(b, { run: "budget=1", planPatch: '{"budget":{"total":1}}' }), schedule(a)];
      expect(await s.completeJob(jobId, at(3), stored, { extra: [1] })).toBe(true);
      expect(await s.completeJob(jobId, at(4), [])).toBe(false);
      expect(await s.getJob(jobId)).toMatchObject({
        status: "succeeded",
        startedAt: at(2),
        finishedAt: at(3),
        result: { scheduleIds: [b, a], extra: [1] },
      });
      expect(await s.latestSucceededJob(planId, "solve")).toMatchObject({ id: jobId });
      expect(await s.latestSucceededJob(planId, "what-if")).toBeUndefined();
      expect(await s.latestJobId(planId, "solve")).toBe(jobId);
      expect(await s.latestJobId(planId, "what-if")).toBeUndefined();
      const list = await s.listSchedules(planId);
      expect(list.map((row) => row.id)).toEqual([b, a]);
      expect(list[0]).toEqual({
        id: b,
        planId,
        jobId,
        candidate: "priority",
        status: "optimal",
        createdAt: at(3),
        summary: EMPTY_SUMMARY,
        run: "budget=1",
        version: null,
        parentId: null,
      });
      expect((await s.getScheduleJson(a))?.equals(Buffer.from(`{"id":"${a}","名":"é"}`))).toBe(true);
      expect(await s.getScheduleJson("sch_none")).toBeUndefined();
      expect(await s.getScheduleSource(b)).toEqual({
        planId,
        planJson: PLAN,
        planPatch: '{"budget":{"total":1}}',
        scheduleJson: `{"id":"${b}","名":"é"}`,
      });
    });

    it("puts a running job back in the queue for a retry, and only a running one", async () => {
      const planId = await newPlan();
      const jobId = await runningJob(planId);
      expect(await s.requeueJob(jobId)).toBe(true);
      expect(await s.getJob(jobId)).toMatchObject({ status: "queued", startedAt: null });
      expect(await s.requeueJob(jobId)).toBe(false);
      expect(await s.startJob(jobId, at(4))).toBe(PLAN);
      await s.endJob(jobId, at(5), "canceled", null);
      expect(await s.requeueJob(jobId)).toBe(false);
      expect(await s.requeueJob("job_none")).toBe(false);
    });

    it("completes a job in one transaction: a schedule that cannot be stored leaves the job running", async () => {
      const planId = await newPlan();
      const jobId = await runningJob(planId);
      const taken = id("sch");
      await s.completeJob(await runningJob(await newPlan()), at(3), [schedule(taken)]);
      await expect(s.completeJob(jobId, at(3), [schedule(id("sch")), schedule(taken)])).rejects.toThrow();
      expect((await s.getJob(jobId))?.status).toBe("running");
      expect(await s.listSchedules(planId)).toEqual([]);
    });

    it("ends jobs once, and fails every unfinished job on request", async () => {
      const planId = await newPlan();
      const canceled = await runningJob(planId, "solve");
      expect(await s.endJob(canceled, at(5), "canceled", null)).toBe(true);
      expect(await s.endJob(canceled, at(6), "failed", "x")).toBe(false);
      expect(await s.endJob("job_none", at(6), "failed", "x")).toBe(false);
      expect(await s.getJob(canceled)).toMatchObject({ status: "canceled", finishedAt: at(5), error: null });
      const queued = id("job");
      await s.insertJob({ id: queued, planId, kind: "solve", createdAt: at(1) }, room);
      const running = await runningJob(planId, "what-if");
      expect(await s.failUnfinishedJobs(at(7), "中断")).toBeGreaterThanOrEqual(2);
      for (const jobId of [queued, running])
        expect(await s.getJob(jobId)).toMatchObject({ status: "failed", error: "中断" });
    });

    it("appends events in sequence while the log and version are as the caller read them", async () => {
      const planId = await newPlan();
      const meta = { sentBy: "planner", receivedAt: at(1) };
      const events = [
        { type: "a", payload: '{"type":"a"}' },
        { type: "b", payload: '{"type":"b"}' },
      ];
      const expectAfter = (afterSequence: number) => ({ afterSequence, versionId: null, batchEvents: false });
      expect(await s.appendEvents(planId, events, meta, expectAfter(0))).toEqual({
        appended: true,
        first: 1,
        last: 2,
      });
      expect(await s.appendEvents(planId, events, meta, expectAfter(0))).toEqual({
        appended: false,
        reason: "stale",
      });
      expect(await s.appendEvents(planId, events.slice(1), meta, expectAfter(2))).toEqual({
        appended: true,
        first: 3,
        last: 3,
      });
      expect(await s.listEvents(planId)).toEqual([
        { sequence: 1, type: "a", payload: '{"type":"a"}', sentBy: "planner", receivedAt: at(1) },
        { sequence: 2, type: "b", payload: '{"type":"b"}', sentBy: "planner", receivedAt: at(1) },
        { sequence: 3, type: "b", payload: '{"type":"b"}', sentBy: "planner", receivedAt: at(1) },
      ]);
      expect((await s.listEvents(planId, 2)).map((e) => e.sequence)).toEqual([3]);
    });

    it("keeps events append-only in the database itself", async () => {
      const planId = await newPlan();
      await s.appendEvents(
        planId,
        [{ type: "a", payload: "{}" }],
        { sentBy: "planner", receivedAt: at(1) },
        { afterSequence: 0, versionId: null, batchEvents: false },
      );
      await expect(
        store.exec(`UPDATE plan_events SET type = 'x' WHERE plan_id = '${planId}'`),
      ).rejects.toThrow(/append-only/);
      await expect(store.exec(`DELETE FROM plan_events WHERE plan_id = '${planId}'`)).rejects.toThrow(
        /append-only/,
      );
      expect(await s.listEvents(planId)).toHaveLength(1);
    });

    it("versions: replan locks, current version, batch events refused while a replan holds the lock", async () => {
      const planId = await newPlan();
      expect(await s.currentVersion(planId)).toBeUndefined();
      const jobId = id("job");
      expect(await s.acquireReplanLock(planId, jobId, at(1))).toEqual({ acquired: true });
      expect(await s.acquireReplanLock(planId, id("job"), at(1))).toEqual({ acquired: false, jobId });
      expect(await s.acquireReplanLock("pln_none", id("job"), at(1))).toEqual({ acquired: false });
      const meta = { sentBy: "planner", receivedAt: at(1) };
      const batch = { afterSequence: 0, versionId: null, batchEvents: true };
      expect(await s.appendEvents(planId, [{ type: "x", payload: "{}" }], meta, batch)).toEqual({
        appended: false,
        reason: "replanning",
        jobId,
      });
      await s.insertJob({ id: jobId, planId, kind: "replan", createdAt: at(1) }, room);
      await s.startJob(jobId, at(2));
      const v1 = id("sch");
      const version = { version: 1, parentId: null, eventsThrough: 0, commitments: '{"published":[]}' };
      expect(await s.completeJob(jobId, at(3), [schedule(v1, version)])).toBe(true);
      expect(await s.currentVersion(planId)).toEqual({
        id: v1,
        version: 1,
        json: `{"id":"${v1}","名":"é"}`,
        commitments: '{"published":[]}',
        eventsThrough: 0,
        createdAt: at(3),
      });
      expect(await s.versionedPlanIds()).toContain(planId);
      // The lock went with the job: the batch event is taken, against the new version only.
      expect(await s.appendEvents(planId, [{ type: "x", payload: "{}" }], meta, batch)).toEqual({
        appended: false,
        reason: "stale",
      });
      expect(
        await s.appendEvents(planId, [{ type: "x", payload: "{}" }], meta, { ...batch, versionId: v1 }),
      ).toMatchObject({ appended: true });
      const other = id("job");
      expect(await s.acquireReplanLock(planId, other, at(4))).toEqual({ acquired: true });
      await s.releaseReplanLock(other);
      expect(await s.acquireReplanLock(planId, id("job"), at(5))).toEqual({ acquired: true });
    });

    it("finds a cycle's plans by cycle.id, oldest first", async () => {
      const cycle = id("cycle");
      const planIn = (createdAt: string) => {
        const planId = id("pln");
        const json = JSON.stringify({
          ...JSON.parse(PLAN),
          cycle: { id: cycle, start: "2027-01-01", end: "2027-12-31" },
        });
        return s.insertPlan({ id: planId, createdAt, json }).then(() => planId);
      };
      const later = await planIn(at(9));
      const earlier = await planIn(at(8));
      await newPlan();
      expect(await s.plansInCycle(cycle)).toEqual([earlier, later]);
      expect(await s.plansInCycle(id("cycle"))).toEqual([]);
    });

    it("replaces a stored schedule's JSON, and says when there is no such schedule", async () => {
      const planId = await newPlan();
      const jobId = id("job");
      await s.insertJob({ id: jobId, planId, kind: "what-if", createdAt: at(0) }, room);
      await s.startJob(jobId, at(1));
      const scheduleId = id("sch");
      await s.completeJob(jobId, at(2), [schedule(scheduleId)]);
      expect(await s.replaceScheduleJson(scheduleId, '{"explained":true}')).toBe(true);
      expect((await s.getScheduleJson(scheduleId))?.toString("utf8")).toBe('{"explained":true}');
      expect(await s.replaceScheduleJson(id("sch"), "{}")).toBe(false);
    });

    it("counts jobs by status", async () => {
      const before = await s.countJobs();
      const planId = await newPlan();
      const jobId = await runningJob(planId);
      await s.insertJob({ id: id("job"), planId, kind: "what-if", createdAt: at(1) }, room);
      const after = await s.countJobs();
      expect((after.running ?? 0) - (before.running ?? 0)).toBe(1);
      expect((after.queued ?? 0) - (before.queued ?? 0)).toBe(1);
      await s.endJob(jobId, at(2), "canceled", null);
      expect(((await s.countJobs()).canceled ?? 0) - (before.canceled ?? 0)).toBe(1);
    });

    describe("tenants", () => {
      const organizer = (county: string | null) =>
        county === null
          ? { level: "city", province: "山东省", city: "济宁市" }
          : { level: "county", province: "山东省", city: "济宁市", county };
      const planOf = (county: string | null) =>
        PLAN.replace(/"organizer":\{[^}]*\}/, `"organizer":${JSON.stringify(organizer(county))}`);
      const ids: Record<string, string> = {};
      const as = <T>(tenant: string, work: () => Promise<T>) =>
        runInScope(() => {
          setTenant(tenant);
          return work();
        });

      beforeAll(async () => {
        for (const county of [null, "金乡县", "嘉祥县"]) {
          const planId = id("pln");
          await s.insertPlan({ id: planId, createdAt: at(30), json: planOf(county) });
          ids[county ?? "city"] = planId;
        }
      });

      it("knows each plan's organisation, and a job's or schedule's through its plan", async () => {
        expect(await s.organisationOf("plan", ids.city as string)).toBe("山东省/济宁市");
        expect(await s.organisationOf("plan", ids.金乡县 as string)).toBe("山东省/济宁市/金乡县");
        const jobId = await runningJob(ids.金乡县 as string);
        expect(await s.organisationOf("job", jobId)).toBe("山东省/济宁市/金乡县");
        const scheduleId = id("sch");
        await s.completeJob(jobId, at(31), [schedule(scheduleId)]);
        expect(await s.organisationOf("schedule", scheduleId)).toBe("山东省/济宁市/金乡县");
        expect(await s.organisationOf("plan", "pln_none")).toBeUndefined();
      });

      it("lists a county's own plans to it, and a city's with its counties'", async () => {
        const listed = async (tenant: string) =>
          (await as(tenant, () => s.listPlans({ offset: 0, limit: 1000 }))).items.map((item) => item.id);
        expect(await listed("山东省/济宁市/金乡县")).toEqual([ids.金乡县]);
        expect(await listed("山东省/济宁市")).toEqual(
          expect.arrayContaining([ids.city, ids.金乡县, ids.嘉祥县]),
        );
        expect(await listed("山东省/济宁市/嘉祥县")).toEqual([ids.嘉祥县]);
        expect((await as("山东省/济宁市/金乡县", () => s.listPlans({ offset: 0, limit: 10 }))).total).toBe(1);
        expect(await listed("山东省/济")).toEqual([]);
      });

      it("refuses to store or change a plan of another organisation, and stores nothing", async () => {
        const planId = id("pln");
        await expect(
          as("山东省/济宁市/金乡县", () =>
            s.insertPlan({ id: planId, createdAt: at(32), json: planOf("嘉祥县") }),
          ),
        ).rejects.toThrow(ForeignTenantError);
        expect(await s.hasPlan(planId)).toBe(false);
        await expect(
          as("山东省/济宁市/金乡县", () => s.updatePlan(ids.嘉祥县 as string, planOf("嘉祥县"), at(33))),
        ).rejects.toThrow(ForeignTenantError);
        await expect(
          as("山东省/济宁市/金乡县", () => s.updatePlan(ids.金乡县 as string, planOf("嘉祥县"), at(33))),
        ).rejects.toThrow(ForeignTenantError);
        expect(await s.organisationOf("plan", ids.金乡县 as string)).toBe("山东省/济宁市/金乡县");
      });

      it.skipIf(backend.name === "SQLite")(
        "holds a query without any tenant filter to the tenant by row-level security",
        async () => {
          const { storage: held, role } = await store.restricted();
          // getPlan and getJob filter by id only: what keeps 嘉祥县's rows from 金乡县 is the database.
          const seen = (tenant: string, planId: string) => as(tenant, () => held.getPlan(planId));
          expect(await seen("山东省/济宁市/金乡县", ids.嘉祥县 as string)).toBeUndefined();
          expect(await seen("山东省/济宁市/金乡县", ids.金乡县 as string)).toMatchObject({ id: ids.金乡县 });
          expect(await seen("山东省/济宁市", ids.嘉祥县 as string)).toMatchObject({ id: ids.嘉祥县 });
          expect(await as("山东省/济宁市/嘉祥县", () => held.listSchedules(ids.金乡县 as string))).toEqual(
            [],
          );
          // Unbound (workers, the nightly run): everything.
          expect(await held.getPlan(ids.嘉祥县 as string)).toMatchObject({ id: ids.嘉祥县 });
          // A raw insert of another county's plan, past every check of the service's own, is refused too.
          await expect(
            store.exec(`
              SET role ${role};
              SET planner.tenant = '山东省/济宁市/金乡县';
              INSERT INTO plans (id, created_at, json) VALUES ('pln_raw', 'x', '${planOf("嘉祥县")}')`),
          ).rejects.toThrow(/row-level security/);
        },
      );
    });

    it("answers a ping", async () => {
      await expect(s.ping()).resolves.toBeUndefined();
    });

    it.skipIf(backend.name === "SQLite")(
      "lets several instances open one database at once, migrating it once",
      async () => {
        const [a, b] = await Promise.all([store.reopen(), store.reopen()]);
        const planId = await newPlan();
        expect(await a.hasPlan(planId)).toBe(true);
        expect(await b.hasPlan(planId)).toBe(true);
      },
    );

    it.skipIf(backend.name === "SQLite")(
      "settles two instances appending to one log at once: one is told the log moved on",
      async () => {
        const other = await store.reopen();
        const planId = await newPlan();
        const append = (storage: Storage) =>
          storage.appendEvents(
            planId,
            [{ type: "a", payload: "{}" }],
            { sentBy: "planner", receivedAt: at(1) },
            { afterSequence: 0, versionId: null, batchEvents: false },
          );
        const outcomes = await Promise.all([append(s), append(other)]);
        expect(outcomes.filter((o) => o.appended)).toHaveLength(1);
        expect(outcomes).toContainEqual({ appended: false, reason: "stale" });
      },
    );
  });
}
