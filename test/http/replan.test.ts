import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Plan, type Schedule, validateSchedule } from "../../solver/index.js";
import { applyMergePatch } from "../../src/contract/merge-patch.js";
import type { ReplanResult } from "../../src/replan/compute.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// Replanning through the API, with real workers and the real solver, on tiny-d: two batches at V01
// (B01 2027-09-23, B02 2027-10-11) with S001, the one medic, and a budget-bound waiting list.

let today = "2027-09-01";
let service: TestService;
const lines: string[] = [];

beforeAll(async () => {
  service = await startService({ today: () => today, logLines: lines });
});
afterAll(async () => {
  await service.close();
});

type Json = Record<string, unknown>;

async function post(planId: string, body: unknown, headers = planner) {
  return service.app.inject({
    method: "POST",
    url: `/v1/plans/${planId}/events`,
    headers,
    payload: body as object,
  });
}

async function record(planId: string, body: unknown): Promise<Json> {
  const response = await post(planId, body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function replan(planId: string): Promise<ReplanResult> {
  const response = await service.app.inject({
    method: "POST",
    url: `/v1/plans/${planId}/replan`,
    headers: planner,
  });
  expect(response.statusCode, response.body).toBe(202);
  const job = await service.waitForJob(response.json().jobId);
  expect(job.status, JSON.stringify(job)).toBe("succeeded");
  expect(job.kind).toBe("replan");
  return job.result as ReplanResult;
}

async function schedule(scheduleId: string): Promise<Schedule> {
  const response = await service.getSchedule(scheduleId, planner);
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** The plan a version answers, as stored beside it: the plan with the events applied. */
async function planOf(scheduleId: string): Promise<Plan> {
  const { planJson, planPatch } = (await service.storage.getScheduleSource(scheduleId)) ?? {};
  expect(planJson).toBeDefined();
  const stored = JSON.parse(planJson as string);
  return (planPatch ? applyMergePatch(stored, JSON.parse(planPatch)) : stored) as Plan;
}

async function events(planId: string, headers = planner): Promise<Json> {
  const response = await service.app.inject({ method: "GET", url: `/v1/plans/${planId}/events`, headers });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const TINY_BUDGET = (readPlan("tiny-d") as unknown as Plan).budget.total;
const batchOf = (s: Schedule, id: string) => s.batches.find((b) => b.id === id);

describe("events", () => {
  let planId: string;
  beforeAll(async () => {
    planId = await service.postPlan(readPlan("tiny-d"));
  });

  it("records every kind of plan event, one or many, with who sent it and when", async () => {
    const newcomer = { ...(readPlan("tiny-d").cadres as Json[])[0], id: "C09001", name: "新来者" };
    expect(await record(planId, { type: "cadre_withdrew", cadreId: "C00005" })).toEqual({
      stored: 1,
      sequence: [1, 1],
    });
    expect(
      await record(planId, [
        { type: "cadre_updated", cadreId: "C00006", changes: { health: { criticalIllness: true } } },
        { type: "cadre_added", cadre: newcomer },
        { type: "staff_unavailable", staffId: "S002", range: { start: "2027-10-20", end: "2027-10-21" } },
        { type: "staff_added", staff: { id: "S050", name: "新护士", medical: true } },
        { type: "venue_changed", venueId: "V02", changes: { transportPerPerson: 150 } },
        { type: "venue_closed", venueId: "V02", range: { start: "2027-10-22", end: "2027-10-24" } },
        { type: "budget_changed", total: 36000 },
        { type: "cadre_prepared", cadreId: "C00002", agreementSigned: true, insurancePurchased: true },
      ]),
    ).toEqual({ stored: 8, sequence: [2, 9] });
    const log = await events(planId);
    expect(log.personalData).toBe("included");
    const list = log.events as Json[];
    expect(list.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(list[0]).toMatchObject({
      type: "cadre_withdrew",
      sentBy: expect.stringMatching(/^planner#.{8}$/),
      receivedAt: expect.any(String),
      event: { type: "cadre_withdrew", cadreId: "C00005" },
    });
    expect(JSON.stringify(log)).not.toContain("planner-token");
    // Viewers read the trail without names and health.
    const shown = JSON.stringify(await events(planId, viewer));
    expect(shown).not.toContain("新来者");
    expect(shown).not.toContain("新护士");
    expect(shown).not.toContain("criticalIllness");
    expect(shown).toContain("C09001");
  });

  it("stores nothing of an array with a bad event, and says where it is", async () => {
    const before = (await events(planId)).events as Json[];
    const bad = await post(planId, [
      { type: "cadre_withdrew", cadreId: "C00007" },
      { type: "staff_unavailable", staffId: "S001", range: { start: "2027-10-02" } },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: "INVALID_REQUEST",
      problems: [{ path: "/1/range/end", code: "REQUIRED" }],
    });
    const unknown = await post(planId, [
      { type: "cadre_withdrew", cadreId: "C00007" },
      { type: "cadre_withdrew", cadreId: "C404" },
    ]);
    expect(unknown.json()).toMatchObject({ problems: [{ path: "/1/cadreId", code: "UNKNOWN_ID" }] });
    const single = await post(planId, { type: "budget_changed", total: -1 });
    expect(single.json()).toMatchObject({ problems: [{ path: "/total", code: "TOO_SMALL" }] });
    expect((await events(planId)).events).toEqual(before);
  });

  it("refuses batch events before a version exists, viewers' events, and unknown plans", async () => {
    const early = await post(planId, { type: "batch_published", scheduleId: "sch_x", batchId: "B01" });
    expect(early.statusCode).toBe(409);
    expect((await post(planId, { type: "cadre_withdrew", cadreId: "C00007" }, viewer)).statusCode).toBe(403);
    expect((await post("pln_nope", { type: "cadre_withdrew", cadreId: "C00007" })).statusCode).toBe(404);
  });
});

describe("replanning", () => {
  let planId: string;
  const versions: { result: ReplanResult; schedule: Schedule }[] = [];
  beforeAll(async () => {
    planId = await service.postPlan(readPlan("tiny-d"));
  });

  async function next(): Promise<{ result: ReplanResult; schedule: Schedule }> {
    const result = await replan(planId);
    const version = { result, schedule: await schedule(result.scheduleId) };
    versions.push(version);
    return version;
  }

  /** Every version passes the validator against the plan it answers, promises kept exempt from §6.2. */
  async function expectValid(index: number, promised: string[]): Promise<void> {
    const { schedule: s } = versions[index] as (typeof versions)[number];
    const before = versions[index - 1]?.schedule;
    const committed = s.batches
      .filter((b) => promised.includes(b.id))
      .flatMap((b) => b.cadreIds.filter((id) => batchOf(before as Schedule, b.id)?.cadreIds.includes(id)));
    expect(validateSchedule(await planOf(s.scheduleId), s, { committedCadreIds: committed })).toEqual([]);
  }

  it("solves version 1 first, and lists it as the current version", async () => {
    const { result, schedule: v1 } = await next();
    expect(result).toMatchObject({
      version: 1,
      parentScheduleId: null,
      eventsThrough: 0,
      today: "2027-09-01",
    });
    expect(v1.batches.map((b) => [b.id, b.start])).toEqual([
      ["B01", "2027-09-23"],
      ["B02", "2027-10-11"],
    ]);
    expect(result.notify.every((n) => n.change === "added" || n.role === "staff")).toBe(true);
    const list = await service.app.inject({
      method: "GET",
      url: `/v1/plans/${planId}/schedules`,
      headers: viewer,
    });
    expect(list.json()).toMatchObject({
      currentVersion: { scheduleId: v1.scheduleId, version: 1 },
      schedules: [{ scheduleId: v1.scheduleId, version: 1 }],
    });
    await expectValid(0, []);
  });

  it("keeps published people after a withdrawal and refills the seat from the waiting list in order", async () => {
    const v1 = versions[0]?.schedule as Schedule;
    await record(planId, [
      { type: "batch_published", scheduleId: v1.scheduleId, batchId: "B01" },
      { type: "batch_published", scheduleId: v1.scheduleId, batchId: "B02" },
    ]);
    await record(planId, { type: "cadre_withdrew", cadreId: "C00009" });
    today = "2027-09-02";
    const { result, schedule: v2 } = await next();
    expect(result).toMatchObject({ version: 2, parentScheduleId: v1.scheduleId, eventsThrough: 3 });
    const kept = batchOf(v1, "B01")?.cadreIds.filter((id) => id !== "C00009");
    expect(batchOf(v2, "B01")?.cadreIds).toEqual(expect.arrayContaining(kept as string[]));
    expect(batchOf(v2, "B02")).toEqual(batchOf(v1, "B02"));
    // The refill is the first of the waiting list who fits B01 (tier 4, ranked first among those waiting).
    const waiting = v1.unscheduled.filter((u) => !u.reasons.includes("NO_COMPATIBLE_BATCH"));
    expect(result.diff).toEqual({
      added: [{ cadreId: waiting[0]?.cadreId, to: expect.objectContaining({ batchId: "B01" }) }],
      removed: [{ cadreId: "C00009", from: expect.objectContaining({ batchId: "B01" }) }],
      moved: [],
      staff: [],
    });
    expect(result.notify).toEqual([
      { personId: "C00009", role: "cadre", change: "removed", wasPublished: true, reason: "WITHDREW" },
      {
        personId: waiting[0]?.cadreId,
        role: "cadre",
        change: "added",
        wasPublished: false,
        reason: "NEW_PLACE",
      },
    ]);
    await expectValid(1, ["B01", "B02"]);
  });

  it("keeps departed batches exactly, and refuses events that would unmake them (409)", async () => {
    const v2 = versions[1]?.schedule as Schedule;
    const departure = { type: "batch_departed", scheduleId: v2.scheduleId, batchId: "B01" };
    const tooEarly = await post(planId, departure);
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json().message).toContain("未到");
    today = "2027-09-24";
    // The batch's dossier lives elsewhere in this suite (dossier.test.ts): it leaves on an override.
    await record(planId, { ...departure, override: { reason: "档案另行归档" } });
    const b01 = batchOf(v2, "B01");
    const participant = b01?.cadreIds[0] as string;
    for (const event of [
      { type: "cadre_withdrew", cadreId: participant },
      { type: "staff_unavailable", staffId: "S001", range: { start: "2027-09-25", end: "2027-09-26" } },
      { type: "venue_changed", venueId: "V01", changes: { pricePerPersonDay: 999 } },
      { type: "budget_changed", total: 1000 },
    ]) {
      const refused = await post(planId, [
        { type: "cadre_prepared", cadreId: "C00004", agreementSigned: true, insurancePurchased: true },
        event,
      ]);
      expect(refused.statusCode, JSON.stringify(event)).toBe(409);
      expect(refused.json().message).toContain("事件 /1");
    }
    // A withdrawal from a batch still to come is news for the next replan.
    await record(planId, { type: "cadre_withdrew", cadreId: "C00001" });
    const { result, schedule: v3 } = await next();
    expect(batchOf(v3, "B01")).toEqual(b01);
    expect(result.notify).toContainEqual(
      expect.objectContaining({
        personId: "C00001",
        change: "removed",
        wasPublished: true,
        reason: "WITHDREW",
      }),
    );
    expect(result.figures.publishedChanged).toBe(1);
    await expectValid(2, ["B01", "B02"]);
  });

  it("charges a completion's overrun to the budget and keeps absentees recorded in the batch", async () => {
    const v3 = versions[2]?.schedule as Schedule;
    const b01 = batchOf(v3, "B01") as Schedule["batches"][number];
    today = "2027-09-28";
    await record(planId, {
      type: "batch_completed",
      scheduleId: v3.scheduleId,
      batchId: "B01",
      attendedCadreIds: b01.cadreIds.slice(1),
      actualCost: b01.cost.total + 500,
    });
    const { result, schedule: v4 } = await next();
    expect(batchOf(v4, "B01")).toEqual(b01);
    expect(result.figures.budget).toBe(TINY_BUDGET - 500);
    expect((await planOf(v4.scheduleId)).budget.total).toBe(result.figures.budget);
    await expectValid(3, ["B01", "B02"]);
  });

  it("flags unprepared participants and batches that lost their medic", async () => {
    const current = versions.at(-1)?.schedule as Schedule;
    const b02 = batchOf(current, "B02") as Schedule["batches"][number];
    const [first, second] = b02.cadreIds;
    await record(planId, [
      { type: "cadre_prepared", cadreId: first, agreementSigned: true, insurancePurchased: true },
      { type: "cadre_prepared", cadreId: second, agreementSigned: true, insurancePurchased: false },
    ]);
    const url = `/v1/plans/${planId}/readiness?days=7&today=2027-10-05`;
    const report = (await service.app.inject({ method: "GET", url, headers: viewer })).json();
    expect(report).toMatchObject({
      scheduleId: current.scheduleId,
      today: "2027-10-05",
      days: 7,
      withoutMedic: [],
    });
    expect(report.departing).toEqual([
      expect.objectContaining({
        batchId: "B02",
        published: true,
        missingAgreement: b02.cadreIds.filter((id) => id !== first && id !== second),
        missingInsurance: b02.cadreIds.filter((id) => id !== first),
      }),
    ]);
    const later = `/v1/plans/${planId}/readiness?today=2027-09-28`;
    expect(
      (await service.app.inject({ method: "GET", url: later, headers: viewer })).json().departing,
    ).toEqual([]);

    // The one medic falls ill over B02's dates: flagged at once, and the next version moves the batch.
    await record(planId, {
      type: "staff_unavailable",
      staffId: "S001",
      range: { start: "2027-10-12", end: "2027-10-13" },
    });
    const flagged = (await service.app.inject({ method: "GET", url, headers: viewer })).json();
    expect(flagged.withoutMedic).toEqual([
      expect.objectContaining({ batchId: "B02", published: true, unavailableStaffIds: ["S001"] }),
    ]);
    const { result, schedule: v5 } = await next();
    expect(batchOf(v5, "B02")).toBeUndefined();
    expect(result.readiness.withoutMedic).toEqual([]);
    for (const n of result.notify.filter((n) => n.wasPublished && n.role === "cadre"))
      expect(n.reason).toBe("BATCH_CANCELLED");
    await expectValid(4, ["B01", "B02"]);
  });

  it("lists every version with its parent, and reads a version's bottlenecks against its plan", async () => {
    const list = (
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}/schedules`, headers: viewer })
    ).json();
    const mine = (list.schedules as Json[]).filter((s) => s.version !== undefined);
    expect(mine.map((s) => s.version)).toEqual([1, 2, 3, 4, 5]);
    expect(mine.slice(1).map((s) => s.parentScheduleId)).toEqual(mine.slice(0, -1).map((s) => s.scheduleId));
    expect(list.currentVersion).toEqual({ scheduleId: mine.at(-1)?.scheduleId, version: 5 });
    const bottlenecks = await service.app.inject({
      method: "GET",
      url: `/v1/schedules/${mine.at(-1)?.scheduleId}/bottlenecks`,
      headers: viewer,
    });
    expect(bottlenecks.json().budget.total).toBe(TINY_BUDGET - 500);
  });

  it("logs each run's figures and never a name", () => {
    const stored = lines.filter((line) => line.includes("replan stored")).map((line) => JSON.parse(line));
    expect(stored.length).toBeGreaterThanOrEqual(5);
    expect(stored.at(-1)).toMatchObject({
      planId,
      version: 5,
      added: expect.any(Number),
      removed: expect.any(Number),
      moved: expect.any(Number),
      seconds: expect.any(Number),
    });
    expect(lines.join("\n")).not.toContain("新来者");
  });
});

describe("determinism", () => {
  it("gives the same schedule for the same events, apart from ids and solve time", async () => {
    const results: Schedule[] = [];
    today = "2027-09-02";
    for (let run = 0; run < 2; run++) {
      const planId = await service.postPlan(readPlan("tiny-d"));
      const v1 = await replan(planId);
      await record(planId, [
        { type: "batch_published", scheduleId: v1.scheduleId, batchId: "B02" },
        { type: "cadre_withdrew", cadreId: "C00004" },
        {
          type: "cadre_updated",
          cadreId: "C00003",
          changes: { unavailable: [{ start: "2027-09-20", end: "2027-09-30" }] },
        },
        { type: "budget_changed", total: 40000 },
      ]);
      results.push(await schedule((await replan(planId)).scheduleId));
    }
    const comparable = (s: Schedule) =>
      JSON.stringify({ ...s, planId: undefined, scheduleId: undefined, solver: { ...s.solver, seconds: 0 } });
    expect(comparable(results[0] as Schedule)).toBe(comparable(results[1] as Schedule));
  });
});

describe("one replan per plan at a time", () => {
  it("answers 409 with the running job's id, and refuses batch events until the version is stored", async () => {
    today = "2027-09-02";
    const planId = await service.postPlan(readPlan("tiny-d"));
    const v1 = await replan(planId);
    // Keep the one worker busy, so the replan waits in the queue holding its lock.
    const busy = await service.solve(await service.postPlan(readPlan("city")));
    const first = await service.app.inject({
      method: "POST",
      url: `/v1/plans/${planId}/replan`,
      headers: planner,
    });
    expect(first.statusCode).toBe(202);
    const second = await service.app.inject({
      method: "POST",
      url: `/v1/plans/${planId}/replan`,
      headers: planner,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: "CONFLICT", jobId: first.json().jobId });
    const publish = await post(planId, {
      type: "batch_published",
      scheduleId: v1.scheduleId,
      batchId: "B01",
    });
    expect(publish.statusCode).toBe(409);
    expect(publish.json().jobId).toBe(first.json().jobId);
    // Other events are news for the next replan and are taken meanwhile.
    await record(planId, { type: "cadre_withdrew", cadreId: "C00007" });
    await service.app.inject({ method: "DELETE", url: `/v1/jobs/${busy}`, headers: planner });
    const done = await service.waitForJob(first.json().jobId);
    expect(done).toMatchObject({ status: "succeeded", result: { version: 2, eventsThrough: 0 } });
    const again = await replan(planId);
    expect(again).toMatchObject({ version: 3, eventsThrough: 1 });
  });
});

describe("a replan that fails", () => {
  it("leaves the previous version current and releases the lock", async () => {
    today = "2027-09-02";
    const first = await startService({ today: () => today });
    const replanOn = async (s: TestService, planId: string) => {
      const response = await s.app.inject({
        method: "POST",
        url: `/v1/plans/${planId}/replan`,
        headers: planner,
      });
      expect(response.statusCode, response.body).toBe(202);
      return s.waitForJob(response.json().jobId);
    };
    const planId = await first.postPlan(readPlan("tiny-d"));
    const v1 = (await replanOn(first, planId)).result as ReplanResult;
    await first.stop();
    // The same data under a pool whose hard limit terminates the worker mid-replan.
    const strict = await startService({
      dir: first.dir,
      today: () => today,
      pool: { timeLimitSeconds: 0.001, graceSeconds: 0.001 },
    });
    try {
      expect((await replanOn(strict, planId)).status).toBe("failed");
      expect((await strict.storage.currentVersion(planId))?.id).toBe(v1.scheduleId);
      // The lock went with the job: the next replan is taken at once (and fails the same way).
      expect((await replanOn(strict, planId)).status).toBe("failed");
    } finally {
      await strict.stop();
    }
    const after = await startService({ dir: first.dir, today: () => today });
    try {
      const v2 = await replanOn(after, planId);
      expect(v2).toMatchObject({
        status: "succeeded",
        result: { version: 2, parentScheduleId: v1.scheduleId },
      });
    } finally {
      await after.stop();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });
});
