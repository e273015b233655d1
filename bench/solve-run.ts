// One benchmark cell in its own process, so that its peak memory is its own: solves one plan with one
// backend several times, checks every schedule with the validator before its time counts, and prints JSON.
import { performance } from "node:perf_hooks";
import { type Backend, type Plan, solvePlan, validateSchedule } from "../solver/index.js";
import { readJsonFile } from "../src/support/files.js";

export interface RunReport {
  plan: string;
  backend: Backend;
  cadres: number;
  eligible: number;
  seconds: number[];
  valid: boolean;
  status: string;
  provenOptimal: boolean;
  gap: number | null;
  scheduledByTier: number[];
  model: Record<string, unknown>;
  peakRssMb: number;
  error?: string;
}

async function main(): Promise<void> {
  const [planPath = "", backend = "highs", runsText = "3", limitText = "60"] = process.argv.slice(2);
  const plan = (await readJsonFile(planPath)) as Plan;
  const report: RunReport = {
    plan: planPath,
    backend: backend as Backend,
    cadres: plan.cadres.length,
    eligible: 0,
    seconds: [],
    valid: true,
    status: "",
    provenOptimal: false,
    gap: null,
    scheduledByTier: [],
    model: {},
    peakRssMb: 0,
  };
  try {
    for (let run = 0; run < Number(runsText); run++) {
      const began = performance.now();
      const schedule = await solvePlan(plan, {
        planId: "bench",
        scheduleId: `bench-${run}`,
        backend: backend as Backend,
        timeLimitSeconds: Number(limitText),
      });
      const seconds = (performance.now() - began) / 1000;
      // The referee first: a schedule that breaks a rule does not get a time.
      if (validateSchedule(plan, schedule).length > 0) {
        report.valid = false;
        break;
      }
      report.seconds.push(seconds);
      report.eligible = schedule.summary.eligible;
      report.status = schedule.status;
      report.provenOptimal = schedule.solver.provenOptimal;
      report.gap = (schedule.solver.gap as number | null | undefined) ?? null;
      report.scheduledByTier = schedule.summary.scheduledByTier;
      report.model = (schedule.solver.model as Record<string, unknown>) ?? {};
    }
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  report.peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
