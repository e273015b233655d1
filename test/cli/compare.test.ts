import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CANDIDATES } from "../../solver/index.js";

// The built command line (npm test builds first), as a planner runs it.

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const PLAN = fileURLToPath(new URL("../../fixtures/plans/tiny-e.json", import.meta.url));
const run = promisify(execFile);

describe("convalescence compare", () => {
  it("prints every candidate with its KPIs, priority first", async () => {
    const { stdout } = await run(process.execPath, [CLI, "compare", PLAN, "--time-limit", "20"]);
    const { planId, candidates } = JSON.parse(stdout);
    expect(planId).toBe("tiny-e");
    expect(candidates.map((c: { candidate: string }) => c.candidate)).toEqual([...CANDIDATES]);
    for (const c of candidates) {
      expect(c).toEqual({
        candidate: c.candidate,
        scheduleId: `tiny-e-${c.candidate}`,
        status: expect.any(String),
        kpis: expect.objectContaining({ scheduled: expect.any(Number), totalCost: expect.any(Number) }),
      });
    }
  });

  it("prints a readable table with --table", async () => {
    const { stdout } = await run(process.execPath, [CLI, "compare", PLAN, "--table"]);
    const [header, ...rows] = stdout.trimEnd().split("\n");
    expect(header?.trim().split(/\s+/)).toEqual([...CANDIDATES]);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual([
      "status",
      "scheduled",
      "coverageByTier",
      "totalCost",
      "budgetLeft",
      "batches",
      "staffDays",
      "systemVenueShare",
      "countiesReached",
    ]);
  });

  it("refuses a bad --backend with exit status 1", async () => {
    await expect(run(process.execPath, [CLI, "compare", PLAN, "--backend", "cplex"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--backend is highs or jslp"),
    });
  });
});

describe("the command line piped into a reader that stops early", () => {
  it("ends quietly when the pipe closes, as under `| head`", async () => {
    const city = fileURLToPath(new URL("../../fixtures/plans/city.json", import.meta.url));
    const child = spawn(process.execPath, [CLI, "eligibility", city], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Read the first chunk, then hang up, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
