import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { type Plan, type Schedule, solvePlan, validateSchedule } from "../../solver/index.js";

// The built command line (npm test builds first): HiGHS solves on the command's own thread, jslp in a worker.

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const PLAN = fileURLToPath(new URL("../../fixtures/plans/tiny-e.json", import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "cli-solve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = () => JSON.parse(readFileSync(PLAN, "utf8")) as Plan;
/** Everything but the seconds the solve took. */
const timeless = ({ solver: { seconds: _, ...solver }, ...schedule }: Schedule) => ({ ...schedule, solver });

describe("convalescence solve", () => {
  it("writes the schedule solvePlan gives, byte for byte but its seconds, to --out", async () => {
    const out = join(dir, "schedule.json");
    await run(process.execPath, [CLI, "solve", PLAN, "--out", out]);
    const written = JSON.parse(readFileSync(out, "utf8")) as Schedule;
    const expected = await solvePlan(plan(), {
      planId: "tiny-e",
      scheduleId: "tiny-e-priority",
      candidate: "priority",
    });
    expect(timeless(written)).toEqual(timeless(expected));
    expect(validateSchedule(plan(), written)).toEqual([]);
    expect(written.solver.backend).toBe("highs");
  });

  it("solves with javascript-lp-solver in a worker thread, to stdout without --out", async () => {
    const { stdout } = await run(process.execPath, [CLI, "solve", PLAN, "--backend", "jslp"]);
    const printed = JSON.parse(stdout) as Schedule;
    expect(printed.solver.backend).toBe("jslp");
    expect(validateSchedule(plan(), printed)).toEqual([]);
  });

  it("exits 2 with the problems on stderr and writes nothing when the plan breaks the contract", async () => {
    const bad = join(dir, "bad.json");
    const out = join(dir, "never.json");
    writeFileSync(bad, JSON.stringify({ ...plan(), cadres: "none" }));
    const failure = await run(process.execPath, [CLI, "solve", bad, "--out", out]).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(2);
    expect(JSON.parse(failure.stderr).problems).toEqual([expect.objectContaining({ path: "/cadres" })]);
    expect(() => readFileSync(out)).toThrow();
  });

  it("refuses a bad --time-limit with exit status 1", async () => {
    await expect(run(process.execPath, [CLI, "solve", PLAN, "--time-limit", "0"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--time-limit"),
    });
  });
});
