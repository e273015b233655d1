import { rmSync } from "node:fs";
import { DateTime } from "luxon";
import { pino } from "pino";
import { describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { scheduleNightlyReplans } from "../../src/services/nightly.js";
import { Replanner } from "../../src/services/replanning.js";
import { planner, readPlan, startService } from "../support/service.js";

const silent = pino({ level: "silent" });

describe("the nightly scheduler", () => {
  it("is configured for 02:00 Asia/Shanghai, can be moved, and is off when REPLAN_CRON is empty", () => {
    expect(loadConfig({}).replan).toEqual({ cron: "0 2 * * *", readinessDays: 7 });
    expect(loadConfig({ REPLAN_CRON: "30 3 * * 1-5", REPLAN_READINESS_DAYS: "10" }).replan).toEqual({
      cron: "30 3 * * 1-5",
      readinessDays: 10,
    });
    expect(loadConfig({ REPLAN_CRON: "" }).replan.cron).toBe("");
    expect(() => loadConfig({ REPLAN_CRON: "every night" })).toThrow(ConfigError);
    expect(scheduleNightlyReplans("", async () => {}, silent)).toBeUndefined();
  });

  it("fires at 02:00 Shanghai time and runs the replanning when it fires", async () => {
    const run = vi.fn(async () => {});
    const job = scheduleNightlyReplans("0 2 * * *", run, silent);
    try {
      expect(job?.getPattern()).toBe("0 2 * * *");
      const next = job?.nextRun(new Date("2027-03-01T12:00:00+08:00")) as Date;
      expect(next.toISOString()).toBe("2027-03-01T18:00:00.000Z");
      expect(DateTime.fromJSDate(next).setZone("Asia/Shanghai").toFormat("yyyy-MM-dd HH:mm")).toBe(
        "2027-03-02 02:00",
      );
      await job?.trigger();
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      job?.stop();
    }
  });

  it("replans every plan that has a version and whose window has not ended, one after the other", async () => {
    let today = "2027-09-01";
    const service = await startService({ today: () => today });
    try {
      const replanNow = async (planId: string) => {
        const response = await service.app.inject({
          method: "POST",
          url: `/v1/plans/${planId}/replan`,
          headers: planner,
        });
        return service.waitForJob(response.json().jobId);
      };
      const active = await service.postPlan(readPlan("tiny-e"));
      const ended = await service.postPlan(readPlan("tiny-d"));
      const never = await service.postPlan(readPlan("tiny-b"));
      await replanNow(active);
      await replanNow(ended);
      today = "2027-10-30";
      const replanner = new Replanner({
        storage: service.storage,
        jobs: service.jobs,
        log: silent,
        today: () => today,
      });
      expect(await replanner.replanActivePlans()).toEqual({ replanned: 1, failed: 0, skipped: 1 });
      expect((await service.storage.currentVersion(active))?.version).toBe(2);
      expect((await service.storage.currentVersion(ended))?.version).toBe(1);
      expect(await service.storage.currentVersion(never)).toBeUndefined();
    } finally {
      await service.close();
      rmSync(service.dir, { recursive: true, force: true });
    }
  });
});
