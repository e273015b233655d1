import { Cron } from "croner";
import type { Logger } from "pino";
import { ZONE } from "./replanning.js";

// The in-process nightly scheduler. Started by server.ts only, so tests and the command line never run it.

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
