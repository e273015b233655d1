import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/storage/migrations.js";
import type { NewSchedule } from "../../src/storage/storage.js";
import { EMPTY_SUMMARY } from "../support/schedules.js";
import { planner, readPlan, startService, viewer } from "../support/service.js";

const dir = mkdtempSync(join(tmpdir(), "planner-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a restart on the same SQLite file", () => {
  it("keeps plans, schedules and jobs, and fails the job that was running when the process died", async () => {
    const plan = readPlan("tiny-e");
    const before = await startService({ dir });
    const planId = await before.postPlan(plan);
    const solved = await before.waitForJob(await before.solve(planId));
    expect(solved.status).toBe("succeeded");
    const scheduleId = (solved.result as { scheduleIds: string[] }).scheduleIds[0] as string;
    const scheduleBefore = (await before.getSchedule(scheduleId, viewer)).body;
    // A job caught mid-run: written as running straight through storage, as a process that then died leaves it.
    const interruptedPlan = await before.postPlan(plan);
    const inserted = await before.storage.insertJob(
      { id: "job_interrupted", planId: interruptedPlan, kind: "solve", createdAt: new Date().toISOString() },
      () => true,
    );
    expect(inserted).toEqual({ inserted: true });
    expect(await before.storage.startJob("job_interrupted", new Date().toISOString())).toBeDefined();
    await before.stop();

    const after = await startService({ dir });
    try {
      const stored = await after.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: planner });
      expect(stored.json().plan).toEqual(plan);
      const scheduleAfter = await after.getSchedule(scheduleId, viewer);
      expect(scheduleAfter.body).toBe(scheduleBefore);
      expect((await after.getJob(solved.id as string)).json()).toEqual(solved);

      const interrupted = (await after.getJob("job_interrupted")).json();
      expect(interrupted).toMatchObject({ status: "failed", error: expect.any(String) });
      // …and it can be run again.
      const rerun = await after.waitForJob(await after.solve(interruptedPlan));
      expect(rerun.status).toBe("succeeded");
    } finally {
      await after.stop();
    }
  });

  it("has applied every migration once, in WAL mode", () => {
    const db = new Database(join(dir, "planner.sqlite"), { readonly: true });
    try {
      expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      db.close();
    }
  });

  it("never half-writes: a job's schedules and its success land together or not at all", async () => {
    const service = await startService({ dir });
    try {
      const planId = await service.postPlan(readPlan("tiny-e"));
      const inserted = await service.storage.insertJob(
        { id: "job_atomic", planId, kind: "solve", createdAt: new Date().toISOString() },
        () => true,
      );
      expect(inserted.inserted).toBe(true);
      await service.storage.startJob("job_atomic", new Date().toISOString());
      const schedule: NewSchedule = {
        id: "sch_same",
        candidate: "priority",
        status: "optimal",
        json: "{}",
        summary: EMPTY_SUMMARY,
      };
      // The second schedule reuses the first one's id: its insert fails, and the whole change with it.
      await expect(
        service.storage.completeJob("job_atomic", new Date().toISOString(), [schedule, schedule]),
      ).rejects.toThrow();
      expect((await service.storage.getJob("job_atomic"))?.status).toBe("running");
      expect(await service.storage.getScheduleJson("sch_same")).toBeUndefined();
    } finally {
      await service.stop();
    }
  });
});
