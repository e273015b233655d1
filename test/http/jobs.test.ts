import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { gaveWay, planner, readPlan, startService, type TestService } from "../support/service.js";

// A city plan takes a few seconds to solve: long enough to be caught queued or running.
const city = readPlan("city");
const tiny = readPlan("tiny-e");

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function waitUntilRunning(s: TestService, jobId: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if ((await s.getJob(jobId)).json().status === "running") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} never ran`);
}

/** Until one of the job's tasks is on a worker, not only the job started. */
async function waitUntilOnWorker(s: TestService, jobId: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if ((s.jobs.progress(jobId)?.tasksRunning ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${jobId} never reached a worker`);
}

describe("the solve queue", () => {
  it("answers 429 with Retry-After past the queue, cancels queued and running jobs, and goes on", async () => {
    const s = await startService({ pool: { size: 1, queueLimit: 1, timeLimitSeconds: 30, graceSeconds: 5 } });
    service = s;
    const [a, b, c] = [await s.postPlan(city), await s.postPlan(city), await s.postPlan(tiny)];
    const running = await s.solve(a);
    const queued = await s.solve(b);
    await waitUntilRunning(s, running);
    expect((await s.getJob(queued)).json().status).toBe("queued");

    const refused = await s.app.inject({ method: "POST", url: `/v1/plans/${c}/solve`, headers: planner });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers["retry-after"]).toBe("35");
    expect(refused.json().code).toBe("QUEUE_FULL");

    const again = await s.app.inject({ method: "POST", url: `/v1/plans/${a}/solve`, headers: planner });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "CONFLICT", jobId: running });

    const cancelQueued = await s.app.inject({
      method: "DELETE",
      url: `/v1/jobs/${queued}`,
      headers: planner,
    });
    expect(cancelQueued.statusCode).toBe(200);
    expect(cancelQueued.json()).toMatchObject({ id: queued, status: "canceled" });

    const cancelRunning = await s.app.inject({
      method: "DELETE",
      url: `/v1/jobs/${running}`,
      headers: planner,
    });
    expect(cancelRunning.statusCode).toBe(200);
    expect(cancelRunning.json()).toMatchObject({
      id: running,
      status: "canceled",
      finishedAt: expect.any(String),
    });
    expect((await s.getJob(running)).json().status).toBe("canceled");

    // The canceled solve's worker was replaced: the next job runs to the end.
    const next = await s.solve(c);
    expect((await s.waitForJob(next)).status).toBe("succeeded");
    // A canceled job leaves no schedule; its plan can be solved again.
    const list = await s.app.inject({ method: "GET", url: `/v1/plans/${a}/schedules`, headers: planner });
    expect(list.json().schedules).toEqual([]);
    await s.solve(a);
  });

  it("relays the solver's progress while a job runs", async () => {
    const s = await startService();
    service = s;
    const jobId = await s.solve(await s.postPlan(city));
    const seen: { stage: string; fraction: number }[] = [];
    for (;;) {
      const job = (await s.getJob(jobId)).json();
      if (job.progress) seen.push(job.progress);
      if (job.status !== "queued" && job.status !== "running") {
        expect(job.status).toBe("succeeded");
        expect(job).not.toHaveProperty("progress");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const progress of seen) {
      expect(progress.stage).toEqual(expect.any(String));
      expect(progress.fraction).toBeGreaterThanOrEqual(0);
      expect(progress.fraction).toBeLessThanOrEqual(1);
    }
  });

  it.runIf(process.platform === "linux")(
    "solves at a lower priority than the HTTP thread, which keeps its own",
    async () => {
      const s = await startService();
      service = s;
      await s.waitForJob(await s.solve(await s.postPlan(tiny)));
      // Linux keeps a nice value per thread; field 19 of /proc/<pid>/task/<tid>/stat.
      const niceness = readdirSync("/proc/self/task").map((tid) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
      });
      const own = getPriority();
      expect(niceness).toContain(own);
      expect(niceness).toContain(Math.min(19, own + 10));
    },
  );

  it("terminates a worker past the hard limit, fails the job, and goes on with a new worker", async () => {
    const s = await startService({ pool: { timeLimitSeconds: 0.001, graceSeconds: 0.001 } });
    service = s;
    const planId = await s.postPlan(city);
    const job = await s.waitForJob(await s.solve(planId));
    expect(job).toMatchObject({ status: "failed", error: expect.stringContaining("时限") });
    expect(s.jobs.accepting).toBe(true);
  });

  it("fails a job whose solve throws, replaces the worker, and goes on", async () => {
    const s = await startService();
    service = s;
    // Storage is below the contract check: this plan could never come through the API.
    await s.storage.insertPlan({ id: "pln_broken", createdAt: new Date().toISOString(), json: "{}" });
    const failed = await s.waitForJob(await s.solve("pln_broken"));
    expect(failed).toMatchObject({ status: "failed", error: expect.any(String) });
    expect(failed.error).not.toMatch(/TypeError|at /);
    const next = await s.waitForJob(await s.solve(await s.postPlan(tiny)));
    expect(next.status).toBe("succeeded");
  });
});

describe("background jobs", () => {
  it("hand a worker to a job queued after them before their own next task", async () => {
    const s = await startService({ pool: { size: 1, timeLimitSeconds: 30, graceSeconds: 5 } });
    service = s;
    const [a, b] = [await s.postPlan(city), await s.postPlan(tiny)];
    // Two least-budget tasks on the city plan, as work nobody waits for.
    const background = await s.jobs.submit(a, {
      kind: "explain",
      recipe: { name: "explain" },
      background: true,
      tasks: [{ kind: "least-budget" }, { kind: "least-budget" }],
      result: () => ({}),
    });
    if (background.kind !== "queued") throw new Error(background.kind);
    await waitUntilRunning(s, background.jobId);
    const solve = await s.solve(b);
    const solved = await s.waitForJob(solve, 120_000);
    expect(solved.status).toBe("succeeded");
    // The solve came in between: the background job still had its second task to run.
    expect((await s.getJob(background.jobId)).json().status).toBe("running");
    expect((await s.waitForJob(background.jobId, 120_000)).status).toBe("succeeded");
  }, 300_000);

  it("take the worker from the background task that loses the least work: here the one handed out last", async () => {
    const logLines: string[] = [];
    const s = await startService({ pool: { size: 2, timeLimitSeconds: 30, graceSeconds: 5 }, logLines });
    service = s;
    const [a, b] = [await s.postPlan(city), await s.postPlan(tiny)];
    // Two kinds, as one plan has at most one job of a kind in progress.
    const leastBudget = async (kind: "explain" | "frontier") => {
      const queued = await s.jobs.submit(a, {
        kind,
        recipe: { name: "explain" },
        background: true,
        tasks: [{ kind: "least-budget" }],
        result: () => ({}),
      });
      if (queued.kind !== "queued") throw new Error(queued.kind);
      await waitUntilOnWorker(s, queued.jobId);
      return queued.jobId;
    };
    const first = await leastBudget("explain");
    const second = await leastBudget("frontier");
    expect((await s.waitForJob(await s.solve(b), 120_000)).status).toBe("succeeded");
    expect(gaveWay(logLines).map((line) => line.jobId)).toEqual([second]);
    for (const jobId of [first, second])
      expect((await s.waitForJob(jobId, 120_000)).status).toBe("succeeded");
  }, 300_000);
});

describe("shutdown", () => {
  it("fails queued jobs, gives running ones the grace period, then stops", async () => {
    const s = await startService({ pool: { size: 1, queueLimit: 2 } });
    const running = await s.solve(await s.postPlan(city));
    const queued = await s.solve(await s.postPlan(tiny));
    await waitUntilRunning(s, running);
    await s.app.close();
    await s.jobs.close(60_000);
    expect((await s.storage.getJob(queued))?.status).toBe("failed");
    // The grace period was long enough: the running job finished and its schedule is stored.
    expect((await s.storage.getJob(running))?.status).toBe("succeeded");
    await s.storage.close();
  });

  it("stops a job that overruns the grace period and marks it failed", async () => {
    const s = await startService();
    const running = await s.solve(await s.postPlan(city));
    await waitUntilRunning(s, running);
    await s.app.close();
    await s.jobs.close(0);
    expect(await s.storage.getJob(running)).toMatchObject({ status: "failed", error: expect.any(String) });
    await s.storage.close();
  });
});
