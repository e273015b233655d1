// The budget frontier (part of npm run bench:solver): the city plan's full frontier as the service computes
// it (dist/src/server.js in its own process, the demo plan's frontier queued at start, two solve workers:
// its two parts at once, one per core), then GET /v1/plans/{id}/frontier?budget=B at 50 connections, while
// the places curve queued after the frontier is computed and once it is stored; then the frontier again after
// a plan edit while a what-if comes every few seconds, each taking a worker from a part for a while. A
// breakpoint is checked against priority solves, and the budget answer against the frontier, before any
// figure is reported.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { type FrontierStep, type Plan, solvePlan } from "../solver/index.js";
import { readJsonFile } from "../src/support/files.js";
import {
  endedJob,
  freePort,
  machine,
  ROOT,
  startProcess,
  stopChild,
  waitForHealth,
  writeResultsSection,
} from "./results.js";

const PLAN = join(ROOT, "fixtures/plans/city.json");
const TOKEN = "bench-planner-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET_SECONDS = 60;
const TARGET_P99_MS = 20;
const WHAT_IF_EVERY_SECONDS = 5;

const plan = (await readJsonFile(PLAN)) as Plan;
const dir = mkdtempSync(join(tmpdir(), "bench-frontier-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const url = (budget?: number) =>
  `${base}/v1/plans/pln_demo/frontier${budget === undefined ? "" : `?budget=${budget}`}`;

async function get(budget?: number): Promise<Record<string, unknown>> {
  const response = await fetch(url(budget), { headers: auth });
  if (!response.ok) throw new Error(`GET ${url(budget)}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function priorityVector(budget: number): Promise<{ vector: number[]; seconds: number }> {
  const schedule = await solvePlan(
    { ...plan, budget: { ...plan.budget, total: budget } },
    { planId: "bench", scheduleId: `at-${budget}` },
  );
  if (!schedule.solver.provenOptimal) throw new Error(`the priority solve at ${budget} was not proven`);
  return { vector: schedule.summary.scheduledByTier, seconds: schedule.solver.seconds };
}

const same = (a: readonly number[], b: readonly number[] | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);

const child = startProcess(
  ["dist/src/server.js"],
  {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    DATA_DIR: dir,
    PLANNER_TOKENS: TOKEN,
    VIEWER_TOKENS: "",
    RATE_LIMIT_MAX: "1000000000",
    SOLVE_WORKERS: "2",
    DEMO_PLAN: PLAN,
    REPLAN_CRON: "",
  },
  join(dir, "service.log"),
);
try {
  await waitForHealth(base, "/healthz");
  const began = performance.now();
  let view: Record<string, unknown>;
  for (;;) {
    view = await get();
    if (view.state !== "computing") break;
    await sleep(500);
  }
  const wall = (performance.now() - began) / 1000;
  if (view.state !== "ready") throw new Error(`frontier ${String(view.state)}: ${String(view.error)}`);
  const steps = view.steps as FrontierStep[];
  const job = (await (await fetch(`${base}/v1/jobs/${String(view.jobId)}`, { headers: auth })).json()) as {
    result: { seconds: number };
  };
  const allProven = steps.every((s) => s.proven) && view.proven === true;

  // The answer first: a breakpoint in the middle, at B and B − 1, against the priority solve.
  const middle = Math.floor(steps.length / 2);
  const [before, at] = [steps[middle - 1], steps[middle]];
  if (before === undefined || at === undefined) throw new Error("a frontier of one step");
  const atB = await priorityVector(at.budget);
  const belowB = await priorityVector(at.budget - 1);
  if (!same(atB.vector, at.scheduledByTier) || !same(belowB.vector, before.scheduledByTier))
    throw new Error(`breakpoint ${at.budget} does not check: ${atB.vector} / ${belowB.vector}`);
  const answer = await get(at.budget + 1);
  if (!same((answer.step as FrontierStep).scheduledByTier, at.scheduledByTier))
    throw new Error(`GET ?budget=${at.budget + 1} answered ${JSON.stringify(answer.step)}`);

  /** p99 and throughput at 50 connections after a 2 s warm-up, every answer a 2xx. */
  const load = async (target: string) => {
    const options = { url: target, headers: auth, connections: CONNECTIONS };
    await autocannon({ ...options, duration: 2 });
    const result = await autocannon({ ...options, duration: SECONDS });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`${target}: ${result.non2xx} non-2xx, ${result.errors} errors`);
    return result;
  };
  // While the places curve of the most coverage is computed after the frontier, both workers are busy.
  const placesState = async () => ((await get()).places as { state: string }).state;
  const busy = (await placesState()) === "computing" ? await load(url(at.budget + 1)) : undefined;
  for (;;) {
    const state = await placesState();
    if (state === "ready") break;
    if (state !== "computing") throw new Error(`places curve ${state}`);
    await sleep(500);
  }
  const placesWall = (performance.now() - began) / 1000;
  // Then with the workers idle, as a what-if finds them once both are stored.
  const one = await priorityVector(plan.budget.total);
  const result = await load(url(at.budget + 1));
  // The floor on this machine: the service's cheapest route, no database and no rate limit.
  const floor = await load(`${base}/healthz`);

  // The frontier again, while a planner asks a what-if every few seconds: each takes a worker from a part,
  // which goes on from its last checkpoint afterwards. A plan edit (its budget) queues the new frontier.
  const edited = await fetch(`${base}/v1/plans/pln_demo`, {
    method: "PATCH",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ budget: { ...plan.budget, total: plan.budget.total + 1 } }),
  });
  if (!edited.ok) throw new Error(`PATCH: ${edited.status} ${await edited.text()}`);
  const busyBegan = performance.now();
  let whatIfs = 0;
  for (;;) {
    const state = (await get()).state;
    if (state === "ready") break;
    if (state !== "computing") throw new Error(`frontier ${String(state)} under what-ifs`);
    const asked = performance.now();
    const whatIf = await fetch(`${base}/v1/plans/pln_demo/what-if`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ budgets: [100_000 + 20_000 * (whatIfs % 10)] }),
    });
    if (whatIf.status !== 202) throw new Error(`what-if: ${whatIf.status} ${await whatIf.text()}`);
    const { jobId } = (await whatIf.json()) as { jobId: string };
    const ended = await endedJob(base, jobId, auth);
    if (ended.status !== "succeeded") throw new Error(`what-if ${String(ended.status)}`);
    whatIfs++;
    await sleep(Math.max(0, WHAT_IF_EVERY_SECONDS * 1000 - (performance.now() - asked)));
  }
  const busyWall = (performance.now() - busyBegan) / 1000;
  const gaveWay = readFileSync(join(dir, "service.log"), "utf8")
    .split("\n")
    .filter((line) => line.includes("background task gave its worker"))
    .map((line) => JSON.parse(line) as { jobId: string; secondsLost: number; fromCheckpoint: boolean });
  const busyJob = String((await get()).jobId);
  const ofBusy = gaveWay.filter((g) => g.jobId === busyJob);
  const lost = ofBusy.reduce((sum, g) => sum + g.secondsLost, 0);

  const lines = [
    `Run ${new Date().toISOString().slice(0, 10)} by \`npm run bench:solver\` on ${machine()}. The city plan`,
    "(fixtures/plans/city.json, 1,200 cadres) as the service's demo plan: `dist/src/server.js` in its own process",
    "with two solve workers (SOLVE_WORKERS=2: the frontier's two parts at once, one per core), the frontier queued at",
    "start as a background job; wall time from the service's first answer to `state: ready`. The ratio to a",
    `priority solve is measured in the same run; load average ${loadavg()[0]?.toFixed(1)} at the end.`,
    "",
    "| measure | figure | target |",
    "|---|---|---|",
    `| full frontier, wall (job's own seconds) | ${wall.toFixed(1)} s (${job.result.seconds.toFixed(1)} s) | ≤ ${TARGET_SECONDS} s: ${wall <= TARGET_SECONDS ? "met" : "**not met**"} |`,
    `| steps, all proven, complete | ${steps.length}, ${allProven ? "yes" : "**no**"}, ${view.complete ? "yes" : "**no**"} | every step proven |`,
    `| per step | ${(job.result.seconds / steps.length).toFixed(2)} s | |`,
    `| one priority solve at the plan's budget, same run | ${one.seconds.toFixed(2)} s (frontier = ${(job.result.seconds / one.seconds).toFixed(0)} ×) | |`,
    `| GET …/frontier?budget=B, ${CONNECTIONS} connections, ${SECONDS} s, the workers idle | p99 ${result.latency.p99} ms, p50 ${result.latency.p50} ms, ${Math.round(result.requests.average)} req/s | p99 ≤ ${TARGET_P99_MS} ms: ${result.latency.p99 <= TARGET_P99_MS ? "met" : "**not met**"} |`,
    `| places curve of the most coverage, queued after the frontier: wall from the same start | ${placesWall.toFixed(1)} s | |`,
    `| the same GET while the places curve is computed (both workers busy) | ${busy === undefined ? "not measured: the curve was ready first" : `p99 ${busy.latency.p99} ms, p50 ${busy.latency.p50} ms, ${Math.round(busy.requests.average)} req/s`} | |`,
    `| GET /healthz, the same way (the floor here) | p99 ${floor.latency.p99} ms, p50 ${floor.latency.p50} ms, ${Math.round(floor.requests.average)} req/s | |`,
    `| the frontier again after a plan edit, a what-if of one budget every ${WHAT_IF_EVERY_SECONDS} s meanwhile: wall | ${busyWall.toFixed(1)} s (${(busyWall / wall).toFixed(2)} × the quiet one; ${whatIfs} what-ifs) | |`,
    `| its parts giving a worker to a what-if; of them from a checkpoint; seconds of work lost in all | ${ofBusy.length}; ${ofBusy.filter((g) => g.fromCheckpoint).length}; ${lost.toFixed(1)} s | |`,
    "",
    `Checked first: the breakpoint at ${at.budget} yuan (step ${middle} of ${steps.length}) reaches`,
    `[${at.scheduledByTier.join(",")}] in the priority solve, and ${at.budget - 1} yuan reaches [${before.scheduledByTier.join(",")}], the step`,
    "before; the budget route answers that step.",
  ];
  writeResultsSection("Budget frontier", lines.join("\n"));
} finally {
  await stopChild(child);
  rmSync(dir, { recursive: true, force: true });
}
