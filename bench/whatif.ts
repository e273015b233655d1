// What-if sweeps (part of npm run bench:solver): budgets on the city plan through the service's own pool,
// job specs, frontier and sweep services (src/services), the way POST /v1/plans/{id}/what-if runs them:
// first before the plan's frontier is stored (every budget solved in full), then with it. Monotonicity, the
// exactness of every least budget, the same optimum with and without the frontier and the sameness of a
// budget's schedule alone and in a sweep are checked before any figure is reported. Every measured job
// starts with no background job running.
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import type { Plan } from "../solver/index.js";
import type { JobSpec, SubmitOutcome } from "../src/jobs/pool.js";
import { Frontiers } from "../src/services/frontier.js";
import { type BudgetSweepResult, type ScenarioResult, scenarioJob } from "../src/services/planning.js";
import { BudgetSweeps } from "../src/services/what-if.js";
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
const log = pino({ level: "silent" });
const sweeps = new BudgetSweeps(storage, pool, log);
const frontiers = new Frontiers({ storage, jobs: pool, log, auto: true });

/** Runs a job to the end; its result and wall seconds from submission. */
async function run<T>(
  submit: JobSpec | (() => Promise<SubmitOutcome>),
): Promise<{ result: T; seconds: number }> {
  const began = performance.now();
  const outcome = typeof submit === "function" ? await submit() : await pool.submit("city", submit);
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

async function stored(
  scheduleId: string,
): Promise<{ solver: Record<string, unknown> } & Record<string, unknown>> {
  return JSON.parse((await storage.getScheduleJson(scheduleId))?.toString("utf8") ?? "{}");
}

/** Waits until the background job has written in every run's reasons; its wall seconds. */
async function explained(runs: readonly { scheduleId: string }[]): Promise<number> {
  const began = performance.now();
  for (const { scheduleId } of runs)
    while ((await stored(scheduleId)).solver.unscheduledReasonsPending === true)
      await new Promise((resolve) => setTimeout(resolve, 50));
  return (performance.now() - began) / 1000;
}

function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const budgetRun = (total: number) => ({ name: String(total), patch: { budget: { total } } });
/** A schedule as the issue compares them: everything but the solver's figures and the ids. */
const sameness = async (scheduleId: string) => {
  const { batches, summary, unscheduled, status } = await stored(scheduleId);
  return JSON.stringify({
    batches,
    summary,
    unscheduled: (unscheduled as { cadreId: string }[]).map((u) => u.cadreId),
    status,
  });
};

try {
  await storage.insertPlan({ id: "city", createdAt: new Date().toISOString(), json: JSON.stringify(plan) });
  await pool.start();
  // Every worker loads HiGHS once; the service's workers are warm too after their first solve.
  await run(scenarioJob(Array.from({ length: workers }, (_, i) => ({ name: `warm-${i}`, patch: {} }))));
  const budgets = Array.from({ length: 10 }, (_, i) => Math.round((plan.budget.total * (i + 1)) / 10));
  const one = () => run<ScenarioResult>(scenarioJob([{ name: "one", patch: {} }]));
  const sweepOf = (list: number[]) => run<BudgetSweepResult>(() => sweeps.submit("city", list));

  // Before the frontier: every budget solved in full, the least budgets computed in the same job.
  const full = await sweepOf(budgets);
  const fullReasons = await explained(full.result.runs);
  // The frontier, as the service computes it whenever the plan changes: its parts on the pool's workers.
  const frontierBegan = performance.now();
  await frontiers.changed("city");
  for (;;) {
    const view = await frontiers.view("city");
    if (view?.state === "ready") break;
    if (view?.state !== "computing") throw new Error(`frontier ${view?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const frontierSeconds = (performance.now() - frontierBegan) / 1000;
  // The places curve of the most coverage, queued with the frontier and computed after it.
  for (;;) {
    const latest = await storage.latestJobId("city", "frontier-places");
    const job = latest === undefined ? undefined : await storage.getJob(latest);
    if (job?.status === "succeeded") break;
    if (job?.status !== "queued" && job?.status !== "running") throw new Error(`places curve ${job?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const placesSeconds = (performance.now() - frontierBegan) / 1000;
  // With it: each budget alone, then the sweep; one solve before and after for the ratios.
  const oneBefore = await one();
  const singles = [];
  for (const budget of budgets) singles.push(await sweepOf([budget]));
  const singleReasons = await explained(singles.flatMap((s) => s.result.runs));
  const sweep = await sweepOf(budgets);
  const sweepReasons = await explained(sweep.result.runs);
  const oneAfter = await one();
  const oneSeconds = (oneBefore.seconds + oneAfter.seconds) / 2;
  const { runs, leastBudgetForTiers } = sweep.result;

  const problems: string[] = [];
  for (let i = 1; i < runs.length; i++) {
    const [before, after] = [runs[i - 1], runs[i]];
    if (before && after && compareLex(after.scheduledByTier, before.scheduledByTier) < 0)
      problems.push(`not monotone: ${before.budget} → ${after.budget}`);
  }
  if (JSON.stringify(leastBudgetForTiers) !== JSON.stringify(full.result.leastBudgetForTiers))
    problems.push("the frontier's least budgets differ from the computed ones");
  for (const [i, r] of runs.entries()) {
    const solved = full.result.runs[i];
    // The same optimum as the full solve: coverage, places in system-owned venues and cost.
    const optimum = async (id: string) => {
      const { summary, kpis } = await stored(id);
      const { scheduledByTier, totalCost } = summary as { scheduledByTier: number[]; totalCost: number };
      return JSON.stringify([
        scheduledByTier,
        totalCost,
        (kpis as { systemVenueShare: number }).systemVenueShare,
      ]);
    };
    if (solved && (await optimum(solved.scheduleId)) !== (await optimum(r.scheduleId)))
      problems.push(`budget ${r.budget}: another optimum from the frontier than solved in full`);
    // It did start from the frontier: no coverage stage was solved, and with the most coverage no stage at all.
    const stages = (await stored(r.scheduleId)).solver.stages as { name: string; status: string }[];
    if (stages.some((st) => st.name.startsWith("tier") && st.status !== "reached-ceiling"))
      problems.push(`budget ${r.budget}: coverage solved again despite the frontier`);
    const mostCoverage = leastBudgetForTiers.at(-1)?.budget ?? Infinity;
    if (r.budget >= mostCoverage && stages.some((st) => st.status !== "reached-ceiling"))
      problems.push(`budget ${r.budget}: solved again despite the places curve`);
    // A budget's schedule does not depend on the budgets asked beside it.
    const alone = singles[i]?.result.runs[0];
    if (!alone || (await sameness(alone.scheduleId)) !== (await sameness(r.scheduleId)))
      problems.push(`budget ${r.budget}: another schedule alone than in the sweep`);
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

  const solverSeconds = async (id: string) => Number((await stored(id)).solver.seconds);
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
  const ratio = (seconds: number) => (seconds / oneSeconds).toFixed(2);
  const singleSeconds = singles.map((s) => s.seconds).sort((a, b) => a - b);
  const median = ((singleSeconds[4] ?? 0) + (singleSeconds[5] ?? 0)) / 2;
  const slowest = singles.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()} by \`npm run bench:solver\` (bench/whatif.ts), load average ${loadavg()[0]?.toFixed(1)} at the end: other work shared the cores, so only the ratios of one run mean much.`,
    `Budgets of 10 % … 100 % of the city plan's ${plan.budget.total.toLocaleString("en")} yuan as what-if jobs through the service's pool (src/jobs: ${workers} worker threads, ${TIME_LIMIT_SECONDS} s per run) and its sweep service; workers warmed by one solve each first. Each job's wall time runs from submission to its result stored; every job starts with no background job running.`,
    "",
    "| measure | value | ÷ one solve |",
    "|---|---:|---:|",
    `| one priority solve (a one-run job, its reasons included; mean of one before and one after) | ${oneSeconds.toFixed(2)} s | 1 |`,
    `| **what-if of one budget**, the plan's frontier and places curve stored: median of the 10 budgets, each asked alone | ${median.toFixed(2)} s | **${ratio(median)}** (target ≤ 1.2) |`,
    `| the slowest of them (${slowest.result.runs[0]?.budget.toLocaleString("en")}) | ${slowest.seconds.toFixed(2)} s | ${ratio(slowest.seconds)} |`,
    `| **sweep of 10 budgets**, the plan's frontier and places curve stored | ${sweep.seconds.toFixed(2)} s | **${ratio(sweep.seconds)}** (target ≤ 3) |`,
    `| sweep of 10 before the frontier is stored: every budget solved in full, the least budgets computed in the same job | ${full.seconds.toFixed(2)} s | ${ratio(full.seconds)} |`,
    `| the frontier, computed as the service does (its two parts on the pool's ${workers} workers) | ${frontierSeconds.toFixed(1)} s | ${ratio(frontierSeconds)} |`,
    `| the places curve of the most coverage, queued with the frontier and stored after it (from the plan's change) | ${placesSeconds.toFixed(1)} s | ${ratio(placesSeconds)} |`,
    `| reasons of the 10 runs, written in by the background job after the sweep | ${sweepReasons.toFixed(2)} s more (before the frontier ${fullReasons.toFixed(2)} s; the 10 alone ${singleReasons.toFixed(2)} s) | – |`,
    `| mean solver seconds per run of the sweep | ${(solveSum / runs.length).toFixed(2)} s | – |`,
    `| checks: monotone; the frontier's least budgets equal the computed ones and are exact (solved at B and B − 1); each budget the full solve's optimum (coverage, system-owned places, cost), no coverage stage solved again (with the most coverage, no stage at all), and the same schedule alone as in the sweep | ${problems.length === 0 ? "passed" : `FAILED: ${problems.join("; ")}`} | |`,
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
