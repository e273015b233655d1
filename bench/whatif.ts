// What-if sweeps (part of npm run bench:solver): 10 budgets on the city plan through the service's own pool
// and job specs (src/jobs), the way POST /v1/plans/{id}/what-if runs them. Monotonicity and the exactness of
// every least budget are checked before any figure is reported.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import type { Plan } from "../solver/index.js";
import type { JobSpec } from "../src/jobs/pool.js";
import {
  type BudgetSweepResult,
  budgetSweepJob,
  type ScenarioResult,
  scenarioJob,
} from "../src/services/planning.js";
import { openStorageAndPool } from "../src/storage-and-pool.js";
import { readJsonFile } from "../src/support/files.js";
import { machine, ROOT, writeResultsSection } from "./results.js";

const PLAN = join(ROOT, "fixtures/plans/city.json");
const TIME_LIMIT_SECONDS = 60;

const plan = (await readJsonFile(PLAN)) as Plan;
const dir = mkdtempSync(join(tmpdir(), "bench-whatif-"));
const workers = availableParallelism();
const { storage, jobs: pool } = openStorageAndPool(dir, pino({ level: "silent" }), {
  size: workers,
  queueLimit: 4,
  timeLimitSeconds: TIME_LIMIT_SECONDS,
  graceSeconds: 30,
});

/** Runs a job to the end; its result and wall seconds. */
async function run<T>(spec: JobSpec): Promise<{ result: T; seconds: number }> {
  const began = performance.now();
  const outcome = await pool.submit("city", spec);
  if (outcome.kind !== "queued") throw new Error(`not queued: ${outcome.kind}`);
  for (;;) {
    const job = await storage.getJob(outcome.jobId);
    if (job?.status === "succeeded")
      return { result: job.result as T, seconds: (performance.now() - began) / 1000 };
    if (job?.status !== "queued" && job?.status !== "running")
      throw new Error(`job ${job?.status}: ${job?.error}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function solverSeconds(scheduleId: string): Promise<number> {
  const json = await storage.getScheduleJson(scheduleId);
  return (JSON.parse(json?.toString("utf8") ?? "{}") as { solver: { seconds: number } }).solver.seconds;
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const budgetRun = (total: number) => ({ name: String(total), patch: { budget: { total } } });

try {
  await storage.insertPlan({ id: "city", createdAt: new Date().toISOString(), json: JSON.stringify(plan) });
  await pool.start();
  // Every worker loads HiGHS once; the service's workers are warm too after their first solve.
  await run(scenarioJob(Array.from({ length: workers }, (_, i) => ({ name: `warm-${i}`, patch: {} }))));
  const one = await run<ScenarioResult>(scenarioJob([{ name: "one", patch: {} }]));

  const budgets = Array.from({ length: 10 }, (_, i) => Math.round((plan.budget.total * (i + 1)) / 10));
  const sweep = await run<BudgetSweepResult>(budgetSweepJob(budgets, { plan: "" }));
  const { runs, leastBudgetForTiers } = sweep.result;

  const problems: string[] = [];
  for (let i = 1; i < runs.length; i++) {
    const [before, after] = [runs[i - 1], runs[i]];
    if (before && after && compareLex(after.scheduledByTier, before.scheduledByTier) < 0)
      problems.push(`not monotone: ${before.budget} → ${after.budget}`);
  }
  // Exactness: at each least budget tiers 1..k reach their most; 1 yuan less they do not.
  const check = await run<ScenarioResult>(
    scenarioJob(
      leastBudgetForTiers.flatMap(({ budget }) => [
        budgetRun(budget),
        ...(budget > 0 ? [budgetRun(budget - 1)] : []),
      ]),
    ),
  );
  const byBudget = new Map(check.result.runs.map((r) => [Number(r.name), r.scheduledByTier]));
  for (const { tiers, budget, scheduledByTier } of leastBudgetForTiers) {
    const prefix = (v: readonly number[] | undefined) => (v ?? []).slice(0, tiers);
    if (compareLex(prefix(byBudget.get(budget)), prefix(scheduledByTier)) !== 0)
      problems.push(`tiers 1..${tiers} short of their most at ${budget}`);
    if (budget > 0 && compareLex(prefix(byBudget.get(budget - 1)), prefix(scheduledByTier)) >= 0)
      problems.push(`tiers 1..${tiers} at their most already at ${budget - 1}`);
  }

  const oneSeconds = one.seconds;
  const solveSum = (await Promise.all(runs.map((r) => solverSeconds(r.scheduleId)))).reduce(
    (a, b) => a + b,
    0,
  );
  const rows = runs.map(
    (r) =>
      `| ${r.budget.toLocaleString("en")} | ${JSON.stringify(r.scheduledByTier)} | ${r.scheduled} | ${r.totalCost.toLocaleString("en")} | ${r.batches} | ${r.marginalCostPerCadre ?? "–"} | ${r.status} |`,
  );
  const least = leastBudgetForTiers.map(
    (l) =>
      `| 1..${l.tiers} | ${l.budget.toLocaleString("en")} | ${JSON.stringify(l.scheduledByTier)} | ${l.proven ? "proven" : "not proven"} |`,
  );
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()} by \`npm run bench:solver\` (bench/whatif.ts).`,
    `10 budgets (10 % … 100 % of the city plan's ${plan.budget.total.toLocaleString("en")} yuan) as one what-if job through the service's pool (src/jobs: ${workers} worker threads, ${TIME_LIMIT_SECONDS} s per run), the least-budget task included; workers warmed by one solve each first.`,
    "",
    "| measure | value |",
    "|---|---:|",
    `| one priority solve (a one-run job, same path) | ${oneSeconds.toFixed(2)} s |`,
    `| sweep of 10 budgets + least budget per tier, wall | ${sweep.seconds.toFixed(2)} s |`,
    `| per budget | ${(sweep.seconds / budgets.length).toFixed(2)} s |`,
    `| sweep ÷ one solve | ${(sweep.seconds / oneSeconds).toFixed(2)} |`,
    `| mean solver seconds per run (where the budget binds, each tier stage is a solve of its own) | ${(solveSum / runs.length).toFixed(2)} s |`,
    `| Σ solver seconds of the 10 runs ÷ sweep wall (parallelism) | ${(solveSum / sweep.seconds).toFixed(2)} |`,
    `| checks: monotone, each least budget exact (solved at B and B − 1) | ${problems.length === 0 ? "passed" : `FAILED: ${problems.join("; ")}`} |`,
    "",
    "| budget | scheduled by tier | scheduled | total cost | batches | marginal cost per cadre | status |",
    "|---:|---|---:|---:|---:|---:|---|",
    ...rows,
    "",
    "| tiers | least budget | their most coverage | |",
    "|---|---:|---|---|",
    ...least,
  ].join("\n");
  process.stdout.write(`${body}\n`);
  writeResultsSection("What-if", body);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  await pool.close(0);
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
}
