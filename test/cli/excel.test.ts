import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import type { Plan } from "../../solver/index.js";
import { exportRoster, exportScheduleXlsx } from "../../src/excel/index.js";
import { draftedBatches } from "../support/schedules.js";

// The built command line (npm test builds first), as a planner runs it.

const CLI = fileURLToPath(new URL("../../dist/src/cli.js", import.meta.url));
const PLAN = fileURLToPath(new URL("../../fixtures/plans/tiny-d.json", import.meta.url));
const SCHEDULE = fileURLToPath(new URL("../excel/golden/tiny-d.schedule.json", import.meta.url));
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [CLI, ...args]);
const dir = mkdtempSync(join(tmpdir(), "excel-cli-"));
const plan: Plan = JSON.parse(readFileSync(PLAN, "utf8"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("convalescence template", () => {
  it("writes the roster template", async () => {
    const out = join(dir, "template.xlsx");
    await cli("template", out);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.worksheets.map((ws) => ws.name)).toEqual([
      "说明",
      "军休干部",
      "服务保障人员",
      "疗养地点",
    ]);
  });
});

describe("convalescence import", () => {
  it("prints { cadres, staff, venues } from an .xlsx roster, or writes it with --out", async () => {
    const roster = join(dir, "roster.xlsx");
    writeFileSync(roster, await exportRoster(plan));
    const { stdout } = await cli("import", roster);
    const printed = JSON.parse(stdout);
    expect(Object.keys(printed)).toEqual(["cadres", "staff", "venues"]);
    expect(printed.staff).toEqual(plan.staff);

    const out = join(dir, "roster.json");
    await cli("import", roster, "--sheet", "venues", "--out", out);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ cadres: [], staff: [], venues: plan.venues });
  });

  it("exits 2 with every bad cell on stderr as JSON", async () => {
    const csv = join(dir, "staff.csv");
    writeFileSync(csv, "\uFEFF编号,是否医护人员,不可出行日期\r\nS1,也许,2027-07-20~2027-07-01\r\n");
    const failure = await cli("import", csv, "--sheet", "staff").then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure.code).toBe(2);
    const { file, problems } = JSON.parse(failure.stderr);
    expect(file).toBe(csv);
    expect(problems.map((p: Record<string, unknown>) => [p.sheet, p.row, p.column, p.code])).toEqual([
      ["服务保障人员", 2, "B 是否医护人员", "INVALID_ENUM"],
      ["服务保障人员", 2, "C 不可出行日期", "RANGE_START_AFTER_END"],
    ]);
  });

  it("exits 1 when a CSV's roster is not named, or the file is not a spreadsheet", async () => {
    const csv = join(dir, "any.csv");
    writeFileSync(csv, "编号\r\n");
    await expect(cli("import", csv)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--sheet"),
    });
    await expect(cli("import", PLAN)).rejects.toMatchObject({ code: 1 });
  });
});

describe("convalescence validate with a draft", () => {
  const failed = (error: { code: number; stdout: string; stderr: string }) => error;

  it("checks a JSON draft of batches only, and a workbook in the export's layout", async () => {
    const solved = JSON.parse(readFileSync(SCHEDULE, "utf8"));
    const json = join(dir, "draft.json");
    const batches = draftedBatches(solved);
    writeFileSync(json, JSON.stringify({ batches }));
    const clean = JSON.parse((await cli("validate", PLAN, json)).stdout);
    expect(clean).toMatchObject({ valid: true, violations: [], mismatches: [] });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exportScheduleXlsx(plan, solved)) as unknown as ExcelJS.Buffer);
    (workbook.getWorksheet("费用") as ExcelJS.Worksheet).getCell("J2").value = 1;
    const xlsx = join(dir, "draft.xlsx");
    await workbook.xlsx.writeFile(xlsx);
    const wrong = await cli("validate", PLAN, xlsx).then(() => ({ code: 0, stdout: "", stderr: "" }), failed);
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout).mismatches).toEqual([
      expect.objectContaining({ sheet: "费用", row: 2, column: "J 合计", code: "DERIVED_MISMATCH" }),
    ]);

    (workbook.getWorksheet("费用") as ExcelJS.Worksheet).getCell("J2").value = "一万";
    await workbook.xlsx.writeFile(xlsx);
    const bad = await cli("validate", PLAN, xlsx).then(() => ({ code: 0, stdout: "", stderr: "" }), failed);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).problems).toEqual([
      expect.objectContaining({ sheet: "费用", row: 2, column: "J 合计", code: "INVALID_NUMBER" }),
    ]);
  });
});

describe("convalescence export", () => {
  it("writes the schedule as .xlsx or .csv, by the extension of --out", async () => {
    const xlsx = join(dir, "schedule.xlsx");
    await cli("export", PLAN, SCHEDULE, "--out", xlsx);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    expect(workbook.worksheets.map((ws) => ws.name)).toContain("费用");

    const csv = join(dir, "schedule.csv");
    await cli("export", PLAN, SCHEDULE, "--out", csv);
    expect(readFileSync(csv, "utf8")).toBe(
      readFileSync(new URL("../excel/golden/tiny-d.schedule.csv", import.meta.url), "utf8"),
    );
  });

  it("exits 2 when the plan breaks the contract, 1 without --out", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ ...plan, version: 2 }));
    await expect(cli("export", broken, SCHEDULE, "--out", join(dir, "x.csv"))).rejects.toMatchObject({
      code: 2,
    });
    await expect(cli("export", PLAN, SCHEDULE)).rejects.toMatchObject({ code: 1 });
  });
});
