import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Plan, type Schedule, validateSchedule } from "../../solver/index.js";
import { freshDatabase, HAS_POSTGRES, type TestDatabase } from "../support/postgres.js";
import {
  exited,
  freePort,
  type ServerProcess,
  spawnServer,
  stopServers,
  until,
  untilEachLogs,
} from "../support/server-process.js";
import { PLANNER_TOKEN, readPlan } from "../support/service.js";

// Several processes on one PostgreSQL database, as built by `npm run build`: two api instances and two
// worker processes, 20 solves across both instances, and one worker killed with SIGKILL while it solves.

const SOLVES = 20;
const authorization = `Bearer ${PLANNER_TOKEN}`;

interface Job {
  id: string;
  status: string;
  error?: string;
  result?: { scheduleIds: string[] };
}

describe.skipIf(!HAS_POSTGRES)("two api instances and two workers on one PostgreSQL database", () => {
  let database: TestDatabase;
  const processes: ServerProcess[] = [];
  const apis: string[] = [];
  const workers: ServerProcess[] = [];
  /** Each worker's own /metrics (METRICS_PORT): it serves no API. */
  const workerMetrics: string[] = [];

  const env = (role: string, port = 0): Record<string, string> => ({
    DATABASE_URL: database.url,
    SERVICE_ROLE: role,
    PORT: String(port),
    PLANNER_TOKENS: PLANNER_TOKEN,
    DEMO_PLAN: "",
    SOLVE_WORKERS: "1",
    SOLVE_QUEUE_LIMIT: "100",
    // Small plans and short limits: a dead worker's job expires after (2 + 1) s × 5 and is retried.
    SOLVE_TIME_LIMIT_SECONDS: "2",
    SOLVE_GRACE_SECONDS: "1",
    QUEUE_SUPERVISE_SECONDS: "1",
    JOB_RETRY_LIMIT: "2",
    REPLAN_CRON: "",
    LOG_LEVEL: "info",
    SHUTDOWN_GRACE_SECONDS: "5",
    RATE_LIMIT_MAX: "1000000",
  });

  async function call(base: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? { authorization } : { authorization, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    database = await freshDatabase();
    // The first api instance migrates; the others find the schema in place (or wait on the migration lock).
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const api = spawnServer(env("api", port));
      processes.push(api);
      apis.push(`http://127.0.0.1:${port}`);
    }
    for (let i = 0; i < 2; i++) {
      const metricsPort = await freePort();
      workerMetrics.push(`http://127.0.0.1:${metricsPort}/metrics`);
      workers.push(spawnServer({ ...env("worker"), METRICS_PORT: String(metricsPort) }));
    }
    processes.push(...workers);
    await untilEachLogs(processes, '"msg":"started"', "a process to start");
  }, 120_000);

  afterAll(async () => {
    await stopServers(processes);
    await database?.drop();
  }, 60_000);

  it("ends every job succeeded or failed with a reason, none lost or completed twice, schedules valid", async () => {
    const names = ["tiny-a", "tiny-b", "tiny-c", "tiny-d", "tiny-e"];
    const plans = new Map<string, Plan>();
    const submitted: { jobId: string; pollFrom: string }[] = [];
    for (let i = 0; i < SOLVES; i++) {
      const plan = readPlan(names[i % names.length] as string);
      const via = apis[i % 2] as string;
      const posted = await call(via, "POST", "/v1/plans", plan);
      expect(posted.status).toBe(201);
      const planId = posted.body.id as string;
      plans.set(planId, plan as unknown as Plan);
      const solve = await call(via, "POST", `/v1/plans/${planId}/solve`);
      expect(solve.status).toBe(202);
      submitted.push({ jobId: solve.body.jobId as string, pollFrom: apis[(i + 1) % 2] as string });
    }

    // Kill the first worker with SIGKILL while it holds a job that is still running.
    const victim = workers[0] as ServerProcess;
    // The solves it took (each stored plan's frontier is background work the workers take as well). Chunks
    // of output may split a line: the log is read whole.
    const takenBy = (worker: ServerProcess) =>
      [
        ...worker.stdout
          .join("")
          .matchAll(/"jobId":"(job_\w+)","planId":"\w+","kind":"solve","msg":"job taken"/g),
      ].map((match) => match[1] as string);
    const killedMidJob = await until(
      "the first worker to be mid-job",
      async () => {
        for (const jobId of takenBy(victim).reverse()) {
          const job = (await call(apis[0] as string, "GET", `/v1/jobs/${jobId}`)).body as unknown as Job;
          if (job.status === "running") {
            victim.child.kill("SIGKILL");
            return jobId;
          }
        }
        return undefined;
      },
      60_000,
    );
    expect(await exited(victim.child, 10_000)).toBeNull();

    const final = new Map<string, Job>();
    await until(
      "every job to end",
      async () => {
        for (const { jobId, pollFrom } of submitted) {
          if (final.has(jobId)) continue;
          const job = (await call(pollFrom, "GET", `/v1/jobs/${jobId}`)).body as unknown as Job;
          if (job.status !== "queued" && job.status !== "running") final.set(jobId, job);
        }
        return final.size === SOLVES ? true : undefined;
      },
      180_000,
    );

    // The killed worker's job was taken again by the other worker.
    expect(takenBy(workers[1] as ServerProcess), JSON.stringify(final.get(killedMidJob))).toContain(
      killedMidJob,
    );
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      for (const [jobId, job] of final) {
        expect(["succeeded", "failed"]).toContain(job.status);
        if (job.status === "failed") expect(job.error).toMatch(/\S/);
        const stored = await db.query<{ id: string; plan_id: string; json: string }>(
          "SELECT id, plan_id, json FROM schedules WHERE job_id = $1",
          [jobId],
        );
        // Completed once: exactly its four candidates stored, or nothing for a failed job.
        expect(stored.rows.map((row) => row.id).sort()).toEqual([...(job.result?.scheduleIds ?? [])].sort());
        for (const row of stored.rows)
          expect(validateSchedule(plans.get(row.plan_id) as Plan, JSON.parse(row.json) as Schedule)).toEqual(
            [],
          );
      }
      // The surviving worker reports its solve times itself.
      const metrics = await (await fetch(workerMetrics[1] as string)).text();
      expect(
        Number(/planner_solve_seconds_count\{kind="solve"\} (\d+)/.exec(metrics)?.[1] ?? 0),
      ).toBeGreaterThan(0);
      const succeeded = [...final.values()].filter((job) => job.status === "succeeded");
      // The killed one too: its retry succeeded.
      expect(succeeded).toHaveLength(SOLVES);
      const queue = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'planner-jobs' AND state < 'completed'",
      );
      expect(queue.rows[0]?.n).toBe(0);
    } finally {
      await db.end();
    }
  }, 300_000);
});
