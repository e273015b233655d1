import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { exited, freePort, spawnServer, until } from "../support/server-process.js";
import { planner, startService, viewer } from "../support/service.js";

// The real server (dist/, as `npm start` runs it) killed with SIGKILL in the middle of a replan: nothing of
// the run may be left behind but a failed job, and the previous version stays current.

const dir = mkdtempSync(join(tmpdir(), "planner-crash-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("a process killed during a replan", () => {
  it("loses nothing: the job fails on restart, the lock is cleared, the previous version stays current", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = spawnServer({ DATA_DIR: dir, PORT: String(port), SOLVE_WORKERS: "1" });
    child = server.child;
    const logs = server.stdout;
    await until("the server", async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));

    // The scheduler is wired: 02:00 Asia/Shanghai is 18:00 UTC.
    const scheduled = logs
      .map((line) => JSON.parse(line))
      .find((l) => l.msg === "nightly replanning scheduled");
    expect(scheduled).toMatchObject({ pattern: "0 2 * * *", timezone: "Asia/Shanghai" });
    expect(scheduled.nextRun).toMatch(/T18:00:00\.000Z$/);

    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${base}/v1${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const job = (id: string) => call("GET", `/jobs/${id}`);

    const first = await call("POST", "/plans/pln_demo/replan");
    expect(first.status).toBe(202);
    const v1 = await until("version 1", async () => {
      const { json } = await job(first.json.jobId as string);
      return json.status === "succeeded" ? (json.result as { scheduleId: string }) : undefined;
    });
    expect(
      (await call("POST", "/plans/pln_demo/events", { type: "budget_changed", total: 400000 })).status,
    ).toBe(201);
    const second = await call("POST", "/plans/pln_demo/replan");
    const jobId = second.json.jobId as string;
    await until("the replan to run", async () =>
      (await job(jobId)).json.status === "running" ? true : undefined,
    );
    child.kill("SIGKILL");
    await exited(child);

    const db = new Database(join(dir, "planner.sqlite"), { readonly: true });
    try {
      expect(db.prepare("SELECT job_id FROM replan_locks").pluck().all()).toEqual([jobId]);
      expect(db.prepare("SELECT count(*) FROM schedules WHERE version = 2").pluck().get()).toBe(0);
    } finally {
      db.close();
    }

    const after = await startService({ dir });
    try {
      expect((await after.getJob(jobId)).json()).toMatchObject({
        status: "failed",
        error: expect.any(String),
      });
      expect((await after.storage.currentVersion("pln_demo"))?.id).toBe(v1.scheduleId);
      const list = await after.app.inject({
        method: "GET",
        url: "/v1/plans/pln_demo/schedules",
        headers: viewer,
      });
      expect(list.json().currentVersion).toEqual({ scheduleId: v1.scheduleId, version: 1 });
      // The stale lock is gone: a replan is taken, and it includes the event the killed one had read.
      const retry = await after.app.inject({
        method: "POST",
        url: "/v1/plans/pln_demo/replan",
        headers: planner,
      });
      expect(retry.statusCode, retry.body).toBe(202);
      expect(await after.waitForJob(retry.json().jobId)).toMatchObject({
        status: "succeeded",
        result: { version: 2, parentScheduleId: v1.scheduleId, eventsThrough: 1 },
      });
    } finally {
      await after.stop();
    }
  });
});
