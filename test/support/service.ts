import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import type { LightMyRequestResponse } from "fastify";
import { pino } from "pino";
import { expect } from "vitest";
import { buildApp } from "../../src/app.js";
import { type BoundToken, createTokenTable } from "../../src/http/auth.js";
import type { PoolOptions } from "../../src/jobs/pool.js";
import { logOptions } from "../../src/log.js";
import { Frontiers } from "../../src/services/frontier.js";
import { openStorageAndPool } from "../../src/storage-and-pool.js";

// A real service for tests: SQLite in a temp dir, real solve workers (from dist/), real solver.

export const PLANNER_TOKEN = "planner-token-0123456789";
export const VIEWER_TOKEN = "viewer-token-0123456789";
export const planner = { authorization: `Bearer ${PLANNER_TOKEN}` };
export const viewer = { authorization: `Bearer ${VIEWER_TOKEN}` };

export function readPlan(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/plans/${name}.json`, import.meta.url), "utf8"));
}

export interface ServiceOptions {
  /** Reuse a data directory (restart tests); a fresh temp dir otherwise. */
  dir?: string;
  /** Configure the two test tokens; false: open, as on loopback without tokens. */
  tokens?: boolean;
  /** Tokens bound to an organisation and a role (tenants), beside the two test tokens. */
  bound?: BoundToken[];
  bodyLimit?: number;
  rateLimitMax?: number;
  /** Proxies whose X-Forwarded-For is believed; none otherwise. */
  trustedProxies?: string[];
  pool?: Partial<Omit<PoolOptions, "storage" | "log">>;
  /** Receives every log line; silent otherwise. */
  logLines?: string[];
  /** The service's calendar day (Asia/Shanghai), for replanning; the real one otherwise. */
  today?: () => string;
  /** The built page's folder; dist/web otherwise. */
  webRoot?: string;
  /** Compute each plan's budget frontier when it or its events change; off otherwise. */
  frontier?: boolean;
}

export type TestService = Awaited<ReturnType<typeof startService>>;

/** The pool's log lines of background tasks that gave their worker to a job queued after them. */
export function gaveWay(logLines: readonly string[]): { jobId: string; fromCheckpoint: boolean }[] {
  return logLines
    .map((line) => JSON.parse(line) as { msg: string; jobId: string; fromCheckpoint: boolean })
    .filter((line) => line.msg === "background task gave its worker to a job queued after it");
}

export async function startService(options: ServiceOptions = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "planner-test-"));
  const lines = options.logLines;
  const logger =
    lines === undefined
      ? pino({ level: "silent" })
      : pino(
          logOptions("info"),
          new Writable({
            write(chunk, _encoding, done) {
              lines.push(...String(chunk).split("\n").filter(Boolean));
              done();
            },
          }),
        );
  const { storage, jobs } = openStorageAndPool(dir, logger, {
    size: 1,
    queueLimit: 4,
    timeLimitSeconds: 30,
    graceSeconds: 10,
    ...options.pool,
  });
  await jobs.start();
  const app = await buildApp({
    storage,
    jobs,
    logger,
    tokens:
      options.tokens === false
        ? undefined
        : createTokenTable({ planner: [PLANNER_TOKEN], viewer: [VIEWER_TOKEN] }, options.bound),
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    rateLimit: { max: options.rateLimitMax ?? 100_000, timeWindowMs: 60_000 },
    trustedProxies: options.trustedProxies,
    today: options.today,
    webRoot: options.webRoot,
    frontiers: new Frontiers({ storage, jobs, log: logger, auto: options.frontier ?? false }),
  });
  await app.ready();

  function getJob(jobId: string): Promise<LightMyRequestResponse> {
    return app.inject({ method: "GET", url: `/v1/jobs/${jobId}`, headers: viewer });
  }

  function sendPlan(
    plan: unknown,
    headers: Record<string, string> = planner,
  ): Promise<LightMyRequestResponse> {
    return app.inject({ method: "POST", url: "/v1/plans", headers, payload: plan as object });
  }

  async function stop(): Promise<void> {
    await app.close();
    await jobs.close(0);
    await storage.close();
  }

  /** Rows in every table, read straight from the database: what a refused request must leave unchanged. */
  function storedRows(): Record<string, number> {
    const db = new Database(join(dir, "planner.sqlite"), { readonly: true });
    try {
      // Jobs a request queues; the service queues background ones (reasons, frontiers) on its own time.
      const counted: Record<string, string> = {
        plans: "plans",
        jobs: "jobs WHERE kind NOT IN ('explain', 'frontier')",
        schedules: "schedules",
        plan_events: "plan_events",
      };
      return Object.fromEntries(
        Object.entries(counted).map(([t, from]) => [
          t,
          (db.prepare(`SELECT count(*) AS n FROM ${from}`).get() as { n: number }).n,
        ]),
      );
    } finally {
      db.close();
    }
  }

  return {
    app,
    storage,
    storedRows,
    jobs,
    dir,
    stop,
    /** Stops the service and removes its data. */
    async close(): Promise<void> {
      await stop();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
    /** POST /v1/plans, the answer left to the caller: for requests the service may refuse. */
    sendPlan,
    /** POST /v1/plans with a body sent as written, under `contentType`: for bodies that are not a plan. */
    sendPlanText(text: string, contentType: string, headers: Record<string, string> = planner) {
      return app.inject({
        method: "POST",
        url: "/v1/plans",
        headers: { ...headers, "content-type": contentType },
        payload: text,
      });
    },
    /** Stores a plan that must be accepted; answers its id. */
    async postPlan(plan: unknown): Promise<string> {
      const response = await sendPlan(plan);
      expect(response.statusCode, response.body).toBe(201);
      return response.json().id;
    },
    async solve(planId: string): Promise<string> {
      const response = await app.inject({
        method: "POST",
        url: `/v1/plans/${planId}/solve`,
        headers: planner,
      });
      expect(response.statusCode, response.body).toBe(202);
      return response.json().jobId;
    },
    getJob,
    /** GET /v1/schedules/{id}; who asks matters, as viewers get health withheld. */
    getSchedule(scheduleId: string, headers: Record<string, string>): Promise<LightMyRequestResponse> {
      return app.inject({ method: "GET", url: `/v1/schedules/${scheduleId}`, headers });
    },
    /** Polls until the job has ended; answers its final state. */
    async waitForJob(jobId: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const job = (await getJob(jobId)).json();
        if (!["queued", "running"].includes(job.status)) return job;
        if (Date.now() > until) throw new Error(`job ${jobId} still ${job.status}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}
