// npm run bench:solver — every plan size with both backends, each cell in its own process (bench/solve-run.ts)
// so its peak memory is its own. Schedules are checked by the validator before their time counts.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { machine, ROOT, writeResultsSection } from "./results.js";
import type { RunReport } from "./solve-run.js";

interface Cell {
  label: string;
  plan: string;
  backend: "highs" | "jslp";
  runs: number;
  timeLimit: number;
}

const EXAMPLES = join(ROOT, "spec/examples");
const PLANS = join(ROOT, "fixtures/plans");
// javascript-lp-solver keeps a dense tableau: past this many cells (8 bytes each) it cannot even be built.
const JSLP_MAX_CELLS = 5e7;

/** Every plan once with HiGHS, then with javascript-lp-solver where it has a jslp count; 60 s a run. */
const PLAN_RUNS: { label: string; plan: string; highs: number; jslp?: number }[] = [
  { label: "tiny-d (30 cadres)", plan: join(PLANS, "tiny-d.json"), highs: 5, jslp: 5 },
  { label: "small-city example (300)", plan: join(EXAMPLES, "small-city.json"), highs: 5, jslp: 3 },
  { label: "county (400)", plan: join(PLANS, "county.json"), highs: 5, jslp: 1 },
  { label: "city (1,200)", plan: join(PLANS, "city.json"), highs: 5, jslp: 1 },
  { label: "city-2027 example (1,200)", plan: join(EXAMPLES, "city-2027.json"), highs: 5 },
  { label: "tight-budget example (600)", plan: join(EXAMPLES, "tight-budget-city.json"), highs: 5 },
  { label: "large-city (4,000)", plan: join(PLANS, "large-city.json"), highs: 3, jslp: 1 },
  { label: "province (20,000)", plan: join(PLANS, "province.json.gz"), highs: 1, jslp: 1 },
];

const CELLS: Cell[] = PLAN_RUNS.flatMap(({ label, plan, highs, jslp }): Cell[] => [
  { label, plan, backend: "highs", runs: highs, timeLimit: 60 },
  ...(jslp === undefined ? [] : [{ label, plan, backend: "jslp" as const, runs: jslp, timeLimit: 60 }]),
]);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** A cell that overruns its limit by more than 30 s is killed and reported as such. */
function runCell(cell: Cell): RunReport | { skipped: string } {
  if (!existsSync(cell.plan)) return { skipped: "plan not found" };
  const hardLimitSeconds = cell.runs * (cell.timeLimit + 30) + 30;
  try {
    const output = execFileSync(
      process.execPath,
      [
        "--max-old-space-size=4096",
        join(ROOT, "dist/bench/solve-run.js"),
        cell.plan,
        cell.backend,
        String(cell.runs),
        String(cell.timeLimit),
      ],
      { encoding: "utf8", maxBuffer: 1 << 24, timeout: hardLimitSeconds * 1000 },
    );
    return JSON.parse(output.trim().split("\n").pop() ?? "{}") as RunReport;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      skipped: code === "ETIMEDOUT" ? `no answer within ${hardLimitSeconds} s: killed` : `failed: ${code}`,
    };
  }
}

function row(cell: Cell, result: RunReport | { skipped: string }): string {
  if ("skipped" in result)
    return `| ${cell.label} | ${cell.backend} | – | – | – | – | – | – | – | skipped: ${result.skipped} | – |`;
  const m = result.model as { slots?: number; variables?: number; rows?: number };
  const proof = result.error
    ? `error: ${result.error.slice(0, 60)}`
    : !result.valid
      ? "INVALID schedule"
      : result.provenOptimal
        ? "proven optimal"
        : `${result.status}, gap ${result.gap ?? "unknown"}`;
  const secs = result.seconds.length ? median(result.seconds).toFixed(2) : "–";
  return `| ${cell.label} | ${cell.backend} | ${result.cadres} | ${result.eligible} | ${m.slots ?? "–"} | ${m.variables ?? "–"} | ${m.rows ?? "–"} | ${secs} (${result.seconds.length}) | ${result.peakRssMb} | ${proof} | ${JSON.stringify(result.scheduledByTier)} |`;
}

const header = [
  "| plan | backend | cadres | eligible | slots | variables | rows | median s (runs) | peak MB | proof | scheduled by tier |",
  "|---|---|---|---|---|---|---|---|---|---|---|",
];
const lines: string[] = [];
const reports: (RunReport | { skipped: string })[] = [];
process.stdout.write(`${header.join("\n")}\n`);
for (const cell of CELLS) {
  let result: RunReport | { skipped: string };
  if (cell.backend === "jslp") {
    // Size the dense tableau from the HiGHS cell of the same plan, measured just before.
    const sized = CELLS.findIndex((c) => c.plan === cell.plan && c.backend === "highs");
    const previous = sized >= 0 && sized < reports.length ? reports[sized] : undefined;
    const m =
      previous && !("skipped" in previous) ? (previous.model as { variables?: number; rows?: number }) : {};
    const cells = (m.variables ?? 0) * (m.rows ?? 0);
    result =
      cells > JSLP_MAX_CELLS
        ? { skipped: `dense tableau of ${m.variables}×${m.rows} ≈ ${((cells * 8) / 2 ** 30).toFixed(1)} GiB` }
        : runCell(cell);
  } else result = runCell(cell);
  reports.push(result);
  const line = row(cell, result);
  lines.push(line);
  process.stdout.write(`${line}\n`);
}

writeResultsSection(
  "Solver",
  [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()} by \`npm run bench:solver\`.`,
    "Each cell runs in its own process; every schedule passed `validateSchedule` before its time was counted.",
    "Seconds are wall time for the whole `solvePlan` call (model, lexicographic stages, naming, explanations, validation).",
    "",
    ...header,
    ...lines,
    "",
    "Targets (issue 3): city ≈1,200 cadres proven optimal, median ≤ 1 s; 4,000 cadres proven optimal ≤ 10 s;",
    "province 20,000 cadres ≤ 60 s with the gap reported and peak memory ≤ 1 GB.",
  ].join("\n"),
);
