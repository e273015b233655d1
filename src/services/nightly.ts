import { Cron } from "croner";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { ensureQueue } from "../jobs/queue.js";
import { ZONE } from "./replanning.js";

// The nightly scheduler: in-process with SQLite, a pg-boss schedule with PostgreSQL. Started by server.ts only,
// so tests and the command line never run it.

/** 02:00 in Asia/Shanghai, every day. */
export const DEFAULT_REPLAN_CRON = "0 2 * * *";

/** Whether croner accepts the pattern (REPLAN_CRON is checked when the configuration loads). */
export function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true, timezone: ZONE }).stop();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `replanAll` on the pattern, in Asia/Shanghai time. A run still going when the next is due makes that
 * one skip (protect); an error is logged and the schedule goes on. An empty pattern schedules nothing.
 */
export function scheduleNightlyReplans(
  pattern: string,
  replanAll: () => Promise<unknown>,
  log: Logger,
): Cron | undefined {
  if (pattern === "") return undefined;
  const job = new Cron(
    pattern,
    {
      timezone: ZONE,
      protect: () => log.warn("nightly replanning still running; this run is skipped"),
      catch: (error) => log.error({ err: error }, "nightly replanning failed"),
    },
    async () => {
      await replanAll();
    },
  );
  log.info(
    { pattern, timezone: ZONE, nextRun: job.nextRun()?.toISOString() },
    "nightly replanning scheduled",
  );
  return job;
}

/** pg-boss's name for the nightly run: one schedule in the database, whichever instances set it. */
export const NIGHTLY_QUEUE = "planner-nightly-replan";

/**
 * The nightly run with PostgreSQL: a pg-boss schedule, which every instance sets and pg-boss fires once per
 * slot across them all; a process that takes work (worker, all) runs it. An empty pattern removes it. One
 * run may take hours for a province, so its job expires only after 12.
 */
export async function scheduleNightlyOnQueue(
  boss: PgBoss,
  pattern: string,
  replanAll: (() => Promise<unknown>) | undefined,
  log: Logger,
): Promise<void> {
  await ensureQueue(boss, { name: NIGHTLY_QUEUE, retryLimit: 1, expireInHours: 12 });
  if (pattern === "") {
    await boss.unschedule(NIGHTLY_QUEUE);
    return;
  }
  await boss.schedule(NIGHTLY_QUEUE, pattern, {}, { tz: ZONE });
  if (replanAll !== undefined)
    await boss.work(NIGHTLY_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async () => {
      await replanAll();
    });
  log.info({ pattern, timezone: ZONE }, "nightly replanning scheduled in the job queue");
}
