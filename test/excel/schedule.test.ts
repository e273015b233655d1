import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { type Plan, type Schedule, UNSCHEDULED_CODES, validateSchedule } from "../../solver/index.js";
import { exportScheduleCsv, exportScheduleXlsx, SCHEDULE_CSV_HEADER } from "../../src/excel/index.js";

// Golden files: tiny-d solved once (solvePlan, priority; solver.seconds set to 0) and what the exports make
// of it. UPDATE_GOLDEN=1 rewrites the outputs after a deliberate change of layout (then run biome on them).

const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);
const plan: Plan = JSON.parse(
  readFileSync(new URL("../../fixtures/plans/tiny-d.json", import.meta.url), "utf8"),
);
const schedule: Schedule = JSON.parse(readFileSync(golden("tiny-d.schedule.json"), "utf8"));
const update = process.env.UPDATE_GOLDEN === "1";

type Value = string | number | null;

/** Every sheet as rows of plain values, trailing blanks dropped: what a person sees, minus styling. */
async function dump(buffer: Buffer): Promise<{ name: string; rows: Value[][] }[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  return workbook.worksheets.map((sheet) => {
    const rows: Value[][] = [];
    for (let r = 1; r <= sheet.rowCount; r++) {
      const values: Value[] = [];
      sheet.getRow(r).eachCell({ includeEmpty: true }, (cell, c) => {
        const v = cell.value;
        values[c - 1] = typeof v === "string" || typeof v === "number" ? v : v === null ? null : String(v);
      });
      const row = Array.from(values, (v) => v ?? null);
      while (row.length > 0 && (row.at(-1) === null || row.at(-1) === "")) row.pop();
      rows.push(row);
    }
    return { name: sheet.name, rows };
  });
}

function checkGolden(name: string, actual: string): void {
  const file = golden(name);
  if (update || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

const byId = <T extends { id: string }>(items: readonly T[]) => new Map(items.map((item) => [item.id, item]));

describe("the golden schedule", () => {
  it("is a schedule the validator accepts for tiny-d", () => {
    expect(validateSchedule(plan, schedule)).toEqual([]);
    expect(schedule.batches.length).toBeGreaterThan(1);
    expect(schedule.unscheduled.length).toBeGreaterThan(0);
    expect(schedule.ineligible.length).toBeGreaterThan(0);
  });
});

describe("exportScheduleXlsx", () => {
  it("writes 费用, one sheet per batch, 未安排 and 不符合条件 as the golden file has them", async () => {
    const sheets = await dump(await exportScheduleXlsx(plan, schedule));
    const file = golden("tiny-d.workbook.json");
    if (update || !existsSync(file)) writeFileSync(file, `${JSON.stringify(sheets, null, 2)}\n`);
    expect(sheets).toEqual(JSON.parse(readFileSync(file, "utf8")));

    expect(sheets.map((s) => s.name)).toEqual([
      "费用",
      "B01 泰安市军休疗养基地",
      "B02 泰安市军休疗养基地",
      "未安排",
      "不符合条件",
    ]);
    const [cost, b01, , unscheduled, ineligible] = sheets.map((s) => s.rows) as Value[][][];

    // 费用: a row per batch, their sum, and the total against the budget.
    expect(cost?.[0]).toEqual([
      "批次",
      "疗养地点",
      "开始日期",
      "结束日期",
      "军休干部人数",
      "服务保障人员人数",
      "固定费用",
      "军休干部费用",
      "服务保障人员费用",
      "合计",
    ]);
    expect(cost?.slice(1, 3)).toEqual(
      schedule.batches.map((b) => [
        b.id,
        "泰安市军休疗养基地",
        b.start,
        b.end,
        b.cadreIds.length,
        b.staffIds.length,
        b.cost.fixed,
        b.cost.cadres,
        b.cost.staff,
        b.cost.total,
      ]),
    );
    const total = schedule.batches.reduce((sum, b) => sum + b.cost.total, 0);
    expect(total).toBe(schedule.summary.totalCost);
    expect(cost?.[3]).toEqual(["合计", "2 批", null, null, 14, 2, 0, 24472, 3226, 27698]);
    expect(cost?.slice(5, 10)).toEqual([
      ["预算", 34500],
      ["总费用", 27698],
      ["结余", 6802],
      ["符合条件人数", 21],
      ["已安排人数", 14],
    ]);

    // A batch sheet: its facts, then its cadres by name with county, institution and tier, then its staff.
    const cadres = byId(plan.cadres);
    const first = schedule.batches[0];
    expect(b01?.slice(0, 4)).toEqual([
      ["批次", "B01"],
      ["疗养地点", "泰安市军休疗养基地（V01）"],
      ["日期", `${first?.start} 至 ${first?.end}`],
      ["费用（元）", first?.cost.total],
    ]);
    expect(b01?.[6]).toEqual(["序号", "编号", "姓名", "性别", "区县", "军休所", "优先级"]);
    const firstCadre = cadres.get(first?.cadreIds[0] ?? "");
    expect(b01?.[7]).toEqual([1, firstCadre?.id, firstCadre?.name, "女", "梁山县", "梁山县军休所", 3]);
    expect(b01?.slice(7, 14).map((row) => row[1])).toEqual(first?.cadreIds);
    expect(b01?.[16]).toEqual(["序号", "编号", "姓名", "所属机构", "医护人员"]);
    expect(b01?.[17]).toEqual([1, "S001", "杨超", "梁山县军休所", "是"]);

    // 未安排: every unscheduled cadre with the Chinese reasons of UNSCHEDULED_CODES.
    expect(unscheduled?.[0]).toEqual([
      "编号",
      "姓名",
      "区县",
      "军休所",
      "优先级",
      "原因代码",
      "原因",
      "可行办法",
    ]);
    expect(unscheduled?.slice(1).map((row) => [row[0], row[4], row[5], row[6]])).toEqual(
      schedule.unscheduled.map((u) => [
        u.cadreId,
        u.tier,
        u.reasons.join(";"),
        u.reasons.map((code) => UNSCHEDULED_CODES[code].message).join("；"),
      ]),
    );

    // 不符合条件: one row per reason, with code, article and message.
    expect(ineligible?.[0]).toEqual(["编号", "姓名", "区县", "军休所", "原因代码", "条款", "原因"]);
    expect(ineligible?.slice(1).map((row) => [row[0], row[4], row[5], row[6]])).toEqual(
      schedule.ineligible.flatMap((entry) =>
        entry.reasons.map((r) => [entry.cadreId, r.code, r.article, r.message]),
      ),
    );
  });
});

describe("exportScheduleCsv", () => {
  it("writes one row per person, then the unscheduled and the ineligible, as the golden file has it", () => {
    const csv = exportScheduleCsv(plan, schedule);
    checkGolden("tiny-d.schedule.csv", csv);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain("\r\n");

    const [header, ...rows] = parse(csv, { bom: true }) as string[][];
    expect(header).toEqual([...SCHEDULE_CSV_HEADER]);
    const column = (name: (typeof SCHEDULE_CSV_HEADER)[number]) => header?.indexOf(name) ?? -1;
    const placed = rows.filter((row) => row[0] === "已安排");
    expect(placed).toHaveLength(
      schedule.batches.reduce((n, b) => n + b.cadreIds.length + b.staffIds.length, 0),
    );
    expect(placed[0]).toEqual([
      "已安排",
      "B01",
      "V01",
      "泰安市军休疗养基地",
      "2027-09-23",
      "2027-09-27",
      "军休干部",
      "C00002",
      "张凤兰",
      "女",
      "梁山县",
      "梁山县军休所",
      "3",
      "",
      "",
      "",
      "",
    ]);
    const medics = placed.filter((row) => row[column("身份")] === "服务保障人员");
    expect(medics.map((row) => [row[column("批次")], row[column("编号")], row[column("医护人员")]])).toEqual([
      ["B01", "S001", "是"],
      ["B02", "S001", "是"],
    ]);
    expect(rows.filter((row) => row[0] === "未安排").map((row) => row[column("编号")])).toEqual(
      schedule.unscheduled.map((u) => u.cadreId),
    );
    const ineligible = rows.filter((row) => row[0] === "不符合条件");
    expect(
      ineligible.map((row) => [row[column("编号")], row[column("原因代码")], row[column("条款")]]),
    ).toEqual(
      schedule.ineligible.map((entry) => [
        entry.cadreId,
        entry.reasons.map((r) => r.code).join(";"),
        entry.reasons.map((r) => r.article).join(";"),
      ]),
    );
  });
});
