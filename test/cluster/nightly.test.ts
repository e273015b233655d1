import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NIGHTLY_QUEUE } from "../../src/services/nightly.js";
import { freshDatabase, HAS_POSTGRES, type TestDatabase } from "../support/postgres.js";
import {
  freePort,
  type ServerProcess,
  spawnServer,
  stopServers,
  until,
  untilEachLogs,
} from "../support/server-process.js";
import { PLANNER_TOKEN, readPlan } from "../support/service.js";

// The nightly run with two instances up (issue 15): both set the pg-boss schedule and both take nightly jobs,
// yet one slot makes one run, and each plan gets one new version from it. The pattern fires once an hour at a
// minute chosen so the plans have their first version before it; pg-boss checks its schedules every 30 s and
// fires a slot within the minute after it, so the test waits that minute out before counting.

const authorization = `Bearer ${PLANNER_TOKEN}`;
const MINUTE = 60_000;
/** Time for both instances to start and solve the first versions before the slot. */
const LEAD_MS = 45_000;

describe.skipIf(!HAS_POSTGRES)("the nightly run with two instances on one PostgreSQL database", () => {
  let database: TestDatabase;
  const processes: ServerProcess[] = [];
  const bases: string[] = [];
  // The first whole minute at least LEAD_MS away; Asia/Shanghai is a whole hours off UTC, so the minute holds.
  const slot = Math.ceil((Date.now() + LEAD_MS) / MINUTE) * MINUTE;

  async function call(base: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? { authorization } : { authorization, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const logs = () => processes.flatMap((p) => p.stdout.join("").split(/\n|(?<=\})(?=\{)/));

  beforeAll(async () => {
    database = await freshDatabase();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      processes.push(
        spawnServer({
          DATABASE_URL: database.url,
          SERVICE_ROLE: "all",
          PORT: String(port),
          PLANNER_TOKENS: PLANNER_TOKEN,
          DEMO_PLAN: "",
          SOLVE_WORKERS: "1",
          SOLVE_TIME_LIMIT_SECONDS: "2",
          SOLVE_GRACE_SECONDS: "1",
          REPLAN_CRON: `${new Date(slot).getUTCMinutes()} * * * *`,
          LOG_LEVEL: "info",
          SHUTDOWN_GRACE_SECONDS: "5",
          RATE_LIMIT_MAX: "1000000",
        }),
      );
      bases.push(`http://127.0.0.1:${port}`);
    }
    await untilEachLogs(processes, "nightly replanning scheduled", "a process to schedule the nightly run");
  }, 120_000);

  afterAll(async () => {
    await stopServers(processes);
    await database?.drop();
  }, 60_000);

  it(
    "makes one run per slot: one new version a plan, every job ended",
    async () => {
      // Two plans, each with its first version, through one instance each.
      const planIds: string[] = [];
      for (const [i, name] of ["tiny-a", "tiny-d"].entries()) {
        const base = bases[i] as string;
        const posted = await call(base, "POST", "/v1/plans", readPlan(name));
        expect(posted.status).toBe(201);
        const planId = posted.body.id as string;
        const replan = await call(base, "POST", `/v1/plans/${planId}/replan`);
        expect(replan.status).toBe(202);
        const job = await until("the first version", async () => {
          const polled = (await call(base, "GET", `/v1/jobs/${replan.body.jobId}`)).body;
          return polled.status === "queued" || polled.status === "running" ? undefined : polled;
        });
        expect(job.status, JSON.stringify(job)).toBe("succeeded");
        planIds.push(planId);
      }
      // The first versions must be in place before the slot, or the test proves nothing.
      expect(Date.now()).toBeLessThan(slot);

      const runs = () => logs().filter((line) => line.includes('"msg":"nightly replanning done"'));
      await until(
        "the nightly run",
        async () => (runs().length > 0 ? true : undefined),
        2 * MINUTE + LEAD_MS,
      );
      // pg-boss may look at the slot again until a minute after it; a second run would start by then.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot + MINUTE + 10_000 - Date.now())));

      expect(runs()).toHaveLength(1);
      expect(JSON.parse(runs()[0] as string)).toMatchObject({ replanned: 2, failed: 0, skipped: 0 });
      const db = new pg.Client({ connectionString: database.url });
      await db.connect();
      try {
        for (const planId of planIds) {
          const versions = await db.query<{ version: number }>(
            "SELECT version FROM schedules WHERE plan_id = $1 AND version IS NOT NULL ORDER BY version",
            [planId],
          );
          expect(
            versions.rows.map((row) => row.version),
            planId,
          ).toEqual([1, 2]);
        }
        // The first versions and the nightly ones: two replans a plan, all ended well; no job of any kind
        // (the frontiers the plans start) left queued or running.
        const replans = await db.query<{ status: string; n: number }>(
          "SELECT status, count(*)::int AS n FROM jobs WHERE kind = 'replan' GROUP BY status",
        );
        expect(replans.rows).toEqual([{ status: "succeeded", n: 4 }]);
        const unended = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM jobs WHERE status IN ('queued', 'running')",
        );
        expect(unended.rows[0]?.n).toBe(0);
        const nightly = await db.query<{ state: string }>("SELECT state FROM pgboss.job WHERE name = $1", [
          NIGHTLY_QUEUE,
        ]);
        expect(nightly.rows).toEqual([{ state: "completed" }]);
        const open = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pgboss.job WHERE state < 'completed' AND name NOT LIKE '__pgboss%'",
        );
        expect(open.rows[0]?.n).toBe(0);
      } finally {
        await db.end();
      }
    },
    5 * MINUTE,
  );
});
