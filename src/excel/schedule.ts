// A schedule as planners hand it on: a workbook with the costs, one sheet per batch, who waits and why, and
// who may not go and why; or one CSV row per person. Both name people: planners only.

import ExcelJS from "exceljs";
import {
  type Cadre,
  eligibilityReport,
  type Plan,
  type Schedule,
  type ScheduledBatch,
  type Staff,
  UNSCHEDULED_CODES,
  type Venue,
} from "../../solver/index.js";
import { writeBoolean } from "./cells.js";
import { excelCsv } from "./csv.js";

export const COST_SHEET = "费用";
export const UNSCHEDULED_SHEET = "未安排";
export const INELIGIBLE_SHEET = "不符合条件";

const MONEY = "#,##0.00";

const STATUS: Record<Schedule["status"], string> = {
  optimal: "最优（已证明）",
  feasible: "可行（未证明最优）",
  timedout: "计算超时，取当时最好的方案",
  infeasible: "无可行方案",
};

const GENDER: Record<string, string> = { M: "男", F: "女" };

/** Names, counties and tiers of the people a schedule mentions by id. */
class People {
  private readonly cadres: Map<string, Cadre>;
  private readonly staff: Map<string, Staff>;
  private readonly venues: Map<string, Venue>;
  private readonly tiers: Map<string, number>;

  constructor(plan: Plan, schedule: Schedule) {
    this.cadres = new Map(plan.cadres.map((c) => [c.id, c]));
    this.staff = new Map(plan.staff.map((s) => [s.id, s]));
    this.venues = new Map(plan.venues.map((v) => [v.id, v]));
    this.tiers = new Map(eligibilityReport(plan).eligible.map((e) => [e.cadreId, e.tier]));
    for (const u of schedule.unscheduled) this.tiers.set(u.cadreId, u.tier);
  }

  cadre(id: string) {
    const cadre = this.cadres.get(id);
    return {
      id,
      name: cadre?.name ?? "",
      gender: GENDER[cadre?.gender ?? ""] ?? "",
      county: cadre?.placement.county ?? "",
      institution: cadre?.placement.institution ?? "",
      tier: this.tiers.get(id) ?? "",
    };
  }

  member(id: string) {
    const member = this.staff.get(id);
    return {
      id,
      name: member?.name ?? "",
      institution: member?.institution ?? "",
      medical: member === undefined ? "" : writeBoolean(member.medical),
    };
  }

  venueName(id: string): string {
    return this.venues.get(id)?.name ?? "";
  }
}

/** Yuan to the fen: sums of fractional costs must not show 0.30000000000000004. */
const yuan = (amount: number): number => Math.round(amount * 100) / 100;

const sum = (batches: readonly ScheduledBatch[], pick: (b: ScheduledBatch) => number): number =>
  yuan(batches.reduce((total, b) => total + pick(b), 0));

export function header(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } };
  });
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[:\\/?*[\]]/g, "_")
      .slice(0, 31)
      .trim() || "批次";
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - String(n).length - 1)}_${n}`;
  taken.add(name);
  return name;
}

function addCostSheet(workbook: ExcelJS.Workbook, schedule: Schedule, people: People): void {
  const sheet = workbook.addWorksheet(COST_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [
    { header: "批次", width: 8 },
    { header: "疗养地点", width: 22 },
    { header: "开始日期", width: 12 },
    { header: "结束日期", width: 12 },
    { header: "军休干部人数", width: 12 },
    { header: "服务保障人员人数", width: 16 },
    { header: "固定费用", width: 12, style: { numFmt: MONEY } },
    { header: "军休干部费用", width: 14, style: { numFmt: MONEY } },
    { header: "服务保障人员费用", width: 16, style: { numFmt: MONEY } },
    { header: "合计", width: 14, style: { numFmt: MONEY } },
  ];
  header(sheet.getRow(1));
  const { batches, summary } = schedule;
  for (const b of batches) {
    sheet.addRow([
      b.id,
      people.venueName(b.venueId) || b.venueId,
      b.start,
      b.end,
      b.cadreIds.length,
      b.staffIds.length,
      b.cost.fixed,
      b.cost.cadres,
      b.cost.staff,
      b.cost.total,
    ]);
  }
  const totals = sheet.addRow([
    "合计",
    `${batches.length} 批`,
    null,
    null,
    batches.reduce((n, b) => n + b.cadreIds.length, 0),
    batches.reduce((n, b) => n + b.staffIds.length, 0),
    sum(batches, (b) => b.cost.fixed),
    sum(batches, (b) => b.cost.cadres),
    sum(batches, (b) => b.cost.staff),
    sum(batches, (b) => b.cost.total),
  ]);
  totals.font = { bold: true };
  sheet.addRow([]);
  const figures: [string, string | number, boolean][] = [
    ["预算", summary.budget, true],
    ["总费用", summary.totalCost, true],
    ["结余", yuan(summary.budget - summary.totalCost), true],
    ["符合条件人数", summary.eligible, false],
    ["已安排人数", summary.scheduled, false],
    ["方案", schedule.scheduleId, false],
    ["方案状态", STATUS[schedule.status] ?? schedule.status, false],
  ];
  for (const [label, value, money] of figures) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).numFmt = money ? MONEY : "General";
  }
}

function addBatchSheet(
  workbook: ExcelJS.Workbook,
  batch: ScheduledBatch,
  people: People,
  taken: Set<string>,
): void {
  const venueName = people.venueName(batch.venueId);
  const sheet = workbook.addWorksheet(sheetName(`${batch.id} ${venueName}`, taken));
  sheet.columns = [7, 10, 10, 6, 12, 16, 8].map((width) => ({ width }));
  const facts: [string, string | number][] = [
    ["批次", batch.id],
    ["疗养地点", venueName ? `${venueName}（${batch.venueId}）` : batch.venueId],
    ["日期", `${batch.start} 至 ${batch.end}`],
    ["费用（元）", batch.cost.total],
  ];
  for (const [label, value] of facts) {
    const row = sheet.addRow([label, value]);
    row.getCell(1).font = { bold: true };
  }
  sheet.getCell("B4").numFmt = MONEY;
  sheet.addRow([]);
  sheet.addRow([`军休干部（${batch.cadreIds.length} 人）`]).font = { bold: true };
  header(sheet.addRow(["序号", "编号", "姓名", "性别", "区县", "军休所", "优先级"]));
  batch.cadreIds.forEach((id, i) => {
    const c = people.cadre(id);
    sheet.addRow([i + 1, c.id, c.name, c.gender, c.county, c.institution, c.tier]);
  });
  sheet.addRow([]);
  sheet.addRow([`服务保障人员（${batch.staffIds.length} 人）`]).font = { bold: true };
  header(sheet.addRow(["序号", "编号", "姓名", "所属机构", "医护人员"]));
  batch.staffIds.forEach((id, i) => {
    const s = people.member(id);
    sheet.addRow([i + 1, s.id, s.name, s.institution, s.medical]);
  });
}

const unscheduledReasons = (codes: readonly (keyof typeof UNSCHEDULED_CODES)[]) => ({
  codes: codes.join(";"),
  articles: codes.map((code) => UNSCHEDULED_CODES[code].article).join(";"),
  messages: codes.map((code) => UNSCHEDULED_CODES[code].message).join("；"),
  advice: codes.map((code) => UNSCHEDULED_CODES[code].advice).join("；"),
});

/** Who a row is about, the same on the unscheduled and ineligible sheets. */
const WHO_COLUMNS = [
  { header: "编号", width: 10 },
  { header: "姓名", width: 10 },
  { header: "区县", width: 10 },
  { header: "军休所", width: 16 },
];

/** A sheet of cadres and why they are not in a batch: who they are (WHO_COLUMNS), then the why columns. */
function addWhySheet(
  workbook: ExcelJS.Workbook,
  name: string,
  whyColumns: Partial<ExcelJS.Column>[],
  rows: (string | number)[][],
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = [...WHO_COLUMNS, ...whyColumns];
  header(sheet.getRow(1));
  for (const row of rows) sheet.addRow(row);
}

const who = (c: ReturnType<People["cadre"]>) => [c.id, c.name, c.county, c.institution];

function addUnscheduledSheet(workbook: ExcelJS.Workbook, schedule: Schedule, people: People): void {
  const whyColumns = [
    { header: "优先级", width: 8 },
    { header: "原因代码", width: 28 },
    { header: "原因", width: 60 },
    { header: "可行办法", width: 60 },
  ];
  const rows = schedule.unscheduled.map((u) => {
    const why = unscheduledReasons(u.reasons);
    return [...who(people.cadre(u.cadreId)), u.tier, why.codes, why.messages, why.advice];
  });
  addWhySheet(workbook, UNSCHEDULED_SHEET, whyColumns, rows);
}

function addIneligibleSheet(workbook: ExcelJS.Workbook, schedule: Schedule, people: People): void {
  const whyColumns = [
    { header: "原因代码", width: 28 },
    { header: "条款", width: 6 },
    { header: "原因", width: 70 },
  ];
  // One row per reason: every reason a cadre is out for, each with its article.
  const rows = schedule.ineligible.flatMap((entry) =>
    entry.reasons.map((reason) => [
      ...who(people.cadre(entry.cadreId)),
      reason.code,
      reason.article,
      reason.message,
    ]),
  );
  addWhySheet(workbook, INELIGIBLE_SHEET, whyColumns, rows);
}

/** The schedule as a workbook: 费用, one sheet per batch, 未安排, 不符合条件. */
export async function exportScheduleXlsx(plan: Plan, schedule: Schedule): Promise<Buffer> {
  const people = new People(plan, schedule);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "荣誉疗养计划系统";
  const taken = new Set([COST_SHEET, UNSCHEDULED_SHEET, INELIGIBLE_SHEET]);
  addCostSheet(workbook, schedule, people);
  for (const batch of schedule.batches) addBatchSheet(workbook, batch, people, taken);
  addUnscheduledSheet(workbook, schedule, people);
  addIneligibleSheet(workbook, schedule, people);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const SCHEDULE_CSV_HEADER = [
  "状态",
  "批次",
  "疗养地点编号",
  "疗养地点",
  "开始日期",
  "结束日期",
  "身份",
  "编号",
  "姓名",
  "性别",
  "区县",
  "所属机构",
  "优先级",
  "医护人员",
  "原因代码",
  "条款",
  "原因",
] as const;

interface CsvReasons {
  codes: string;
  articles: string;
  messages: string;
}

const NO_REASONS: CsvReasons = { codes: "", articles: "", messages: "" };

/** A cadre's CSV row: scheduled (where: the batch), unscheduled or ineligible (where left blank, with reasons). */
function cadreCsvRow(
  status: string,
  where: readonly (string | number)[],
  c: ReturnType<People["cadre"]>,
  tier: number | string,
  why: CsvReasons,
): (string | number)[] {
  return [
    status,
    ...where,
    "军休干部",
    c.id,
    c.name,
    c.gender,
    c.county,
    c.institution,
    tier,
    "",
    why.codes,
    why.articles,
    why.messages,
  ];
}

/**
 * The schedule as CSV, one row per person: each batch's cadres then staff (状态 已安排), then the unscheduled
 * (未安排) and the ineligible (不符合条件) with their reason codes, articles and messages, several joined by ";".
 * UTF-8 with a BOM and CRLF line ends, as Excel opens it; text Excel would run as a formula is neutralised.
 * Costs are in the workbook only.
 */
export function exportScheduleCsv(plan: Plan, schedule: Schedule): string {
  const people = new People(plan, schedule);
  const rows: (string | number)[][] = [];
  for (const b of schedule.batches) {
    const where = [b.id, b.venueId, people.venueName(b.venueId), b.start, b.end];
    for (const id of b.cadreIds) {
      const c = people.cadre(id);
      rows.push(cadreCsvRow("已安排", where, c, c.tier, NO_REASONS));
    }
    for (const id of b.staffIds) {
      const s = people.member(id);
      rows.push([
        "已安排",
        ...where,
        "服务保障人员",
        s.id,
        s.name,
        "",
        "",
        s.institution,
        "",
        s.medical,
        "",
        "",
        "",
      ]);
    }
  }
  const nowhere = ["", "", "", "", ""];
  for (const u of schedule.unscheduled) {
    rows.push(cadreCsvRow("未安排", nowhere, people.cadre(u.cadreId), u.tier, unscheduledReasons(u.reasons)));
  }
  for (const entry of schedule.ineligible) {
    const why = {
      codes: entry.reasons.map((r) => r.code).join(";"),
      articles: entry.reasons.map((r) => r.article).join(";"),
      messages: entry.reasons.map((r) => r.message).join("；"),
    };
    rows.push(cadreCsvRow("不符合条件", nowhere, people.cadre(entry.cadreId), "", why));
  }
  return excelCsv([SCHEDULE_CSV_HEADER, ...rows]);
}
