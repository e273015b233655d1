// Cold start (part of npm run bench:solver): `convalescence solve` of the small-city example in a fresh
// process, wall time from spawn to exit, against a warm solve of the same plan (solvePlan again in a process
// that has solved it before), interleaved so both see the same load. Every schedule is checked first. Beside
// them, what a fresh process costs before any solve: Node's own start, and `convalescence` with no command
// (Node's start and the CLI's modules, which every command loads).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { type Plan, type Schedule, solvePlan, validateSchedule } from "../solver/index.js";
import { readJsonFile } from "../src/support/files.js";
import { machine, ROOT, writeResultsSection } from "./results.js";
import type { RunReport } from "./solve-run.js";

const PLAN = join(ROOT, "spec/examples/small-city.json");
const ROUNDS = 5;
const plan = (await readJsonFile(PLAN)) as Plan;
const dir = mkdtempSync(join(tmpdir(), "bench-cold-"));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const batchesOf = (s: Schedule) => JSON.stringify(s.batches);

/** Seconds from spawn to exit; the exit status does not matter (usage exits 1). */
function timed(args: string[]): number {
  const began = performance.now();
  spawnSync(process.execPath, args, { timeout: 120_000 });
  return (performance.now() - began) / 1000;
}

try {
  const reference = await solvePlan(plan, { planId: "bench", scheduleId: "warm-up" });
  const cold: number[] = [];
  const warm: number[] = [];
  const firstInProcess: number[] = [];
  const nodeStart: number[] = [];
  const noCommand: number[] = [];
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    nodeStart.push(timed(["-e", "0"]));
    noCommand.push(timed([join(ROOT, "dist/src/cli.js")]));
    const out = join(dir, `schedule-${round}.json`);
    const began = performance.now();
    execFileSync(process.execPath, [join(ROOT, "dist/src/cli.js"), "solve", PLAN, "--out", out], {
      timeout: 120_000,
    });
    cold.push((performance.now() - began) / 1000);
    const schedule = JSON.parse(readFileSync(out, "utf8")) as Schedule;
    if (validateSchedule(plan, schedule).length > 0)
      problems.push(`round ${round}: the CLI's schedule breaks a rule`);
    if (batchesOf(schedule) !== batchesOf(reference))
      problems.push(`round ${round}: the CLI's batches differ`);

    const again = performance.now();
    const solved = await solvePlan(plan, { planId: "bench", scheduleId: `warm-${round}` });
    warm.push((performance.now() - again) / 1000);
    if (batchesOf(solved) !== batchesOf(reference)) problems.push(`round ${round}: the warm batches differ`);

    // For comparison: the first solvePlan of a fresh process with V8's default tiers (bench/solve-run.ts).
    const report = JSON.parse(
      execFileSync(process.execPath, [join(ROOT, "dist/bench/solve-run.js"), PLAN, "highs", "1", "60"], {
        encoding: "utf8",
        timeout: 120_000,
      })
        .trim()
        .split("\n")
        .pop() ?? "{}",
    ) as RunReport;
    firstInProcess.push(report.seconds[0] ?? Number.NaN);
  }
  const ratio = median(cold) / median(warm);
  const row = (measure: string, runs: number[]) =>
    `| ${measure} | ${median(runs).toFixed(2)} | ${runs.map((s) => s.toFixed(2)).join(", ")} |`;
  const body = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()} by \`npm run bench:solver\` (bench/cold-start.ts), load average ${loadavg()[0]?.toFixed(1)} at the end: other work shared the cores, so only the ratio means much.`,
    `The small-city example (300 cadres), ${ROUNDS} rounds, each: Node's start (\`node -e 0\`), \`convalescence\` with no command, \`convalescence solve\` in a fresh process (spawn to exit: Node's start, module loading, reading the plan while HiGHS's WebAssembly compiles, the solve, writing the file), one warm \`solvePlan\` in this process, and the first \`solvePlan\` of a fresh process with V8's default WebAssembly tiers (bench/solve-run.ts, solve only).`,
    "",
    "| measure | median s | runs |",
    "|---|---:|---|",
    row("Node's start, `node -e 0`", nodeStart),
    row("`convalescence` with no command: Node's start and the CLI's modules", noCommand),
    row("cold `convalescence solve`, whole process", cold),
    row("warm `solvePlan`", warm),
    row("first `solvePlan` of a fresh process, default tiers, solve only", firstInProcess),
    `| **cold CLI ÷ warm** | **${ratio.toFixed(2)}** (target ≤ 1.5: ${ratio <= 1.5 ? "met" : "NOT met"}) | |`,
    `| checks: every schedule valid, the same batches cold and warm | ${problems.length === 0 ? "passed" : `FAILED: ${problems.join("; ")}`} | |`,
  ].join("\n");
  process.stdout.write(`${body}\n`);
  writeResultsSection("Cold start", body);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
