import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { budgetFrontier, type Plan } from "../../solver/index.js";

// The built command line (npm test builds first): the frontier from worker threads, as JSON or a table.

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const PLAN = fileURLToPath(new URL("../../fixtures/plans/tiny-e.json", import.meta.url));
const run = promisify(execFile);

describe("convalescence frontier", () => {
  it("prints the frontier the core computes, as JSON", async () => {
    const { stdout } = await run(process.execPath, [CLI, "frontier", PLAN]);
    const printed = JSON.parse(stdout);
    const expected = await budgetFrontier(JSON.parse(readFileSync(PLAN, "utf8")) as Plan);
    expect(printed).toMatchObject({
      planId: "tiny-e",
      complete: true,
      proven: true,
      steps: expected.steps,
      leastBudgetForTiers: expected.leastBudgetForTiers,
    });
    expect(printed.steps.length).toBeGreaterThan(1);
    // What only a what-if run uses stays out of what a person reads.
    expect(Object.keys(printed)).not.toContain("starts");
  });

  it("prints one row per step with --table, under a header in Chinese", async () => {
    const { stdout } = await run(process.execPath, [CLI, "frontier", PLAN, "--table"]);
    const [summary, header, ...rows] = stdout.trimEnd().split("\n");
    expect(summary).toMatch(/^预算前沿：\d+ 级，已到任何预算所能达到的最大覆盖，全部已证明$/);
    expect(header?.trim().split(/\s+/)[0]).toBe("预算（元）");
    expect(rows[0]?.trim().split(/\s+/)[0]).toBe("0");
    expect(rows.every((row) => row.trimEnd().endsWith("是"))).toBe(true);
  });

  it("refuses a bad --time-limit with exit status 1", async () => {
    await expect(run(process.execPath, [CLI, "frontier", PLAN, "--time-limit", "0"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--time-limit"),
    });
  });
});
