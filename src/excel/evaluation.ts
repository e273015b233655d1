import ExcelJS from "exceljs";
import { INCIDENT_KINDS, SATISFACTION } from "../contract/dossier.js";
import type { Evaluation } from "../contract/evaluation.js";
import { header } from "./schedule.js";

// The performance evaluation report (绩效评价报告, Art. 16) as a workbook: the indicators against their
// targets, then the figures behind them. Rates are written as numbers with a percent format, so Excel can
// compute with them.

export const EVALUATION_SHEETS = ["绩效指标", "批次", "覆盖情况", "满意度", "意外情况"] as const;

const PERCENT = "0.0%";

function percentColumns(sheet: ExcelJS.Worksheet, ...columns: number[]): void {
  for (const c of columns) sheet.getColumn(c).numFmt = PERCENT;
}

function targetText(target: Evaluation["indicators"][number]["target"], percent: boolean): string {
  if (target === null) return "未设定";
  const show = (n: number) => (percent ? `${(n * 100).toFixed(1)}%` : String(n));
  return typeof target === "number" ? `≥ ${show(target)}` : `${show(target.min)} ~ ${show(target.max)}`;
}

const STATUS = { planned: "未出发", departed: "已出发", completed: "已完成" } as const;

export async function evaluationXlsx(evaluation: Evaluation, title: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "荣誉疗养计划系统";
  const [summary, batches, coverage, satisfaction, incidents] = EVALUATION_SHEETS.map((name) =>
    workbook.addWorksheet(name),
  ) as [ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet, ExcelJS.Worksheet];

  summary.addRow([`${title} 绩效评价报告`]).font = { bold: true, size: 14 };
  summary.addRow([`截至 ${evaluation.today}；方案 ${evaluation.scheduleId ?? "（尚无版本）"}`]);
  header(summary.addRow(["指标", "实际值", "目标", "是否达标"]));
  for (const indicator of evaluation.indicators) {
    const percent = indicator.key !== "participants";
    const row = summary.addRow([
      indicator.label,
      indicator.value,
      targetText(indicator.target, percent),
      indicator.met === null ? "—" : indicator.met ? "达标" : "未达标",
    ]);
    if (percent) row.getCell(2).numFmt = PERCENT;
  }
  summary.addRow([]);
  summary.addRow([
    "批次（计划 / 应完成 / 已出发 / 已完成 / 例外出发）",
    `${evaluation.batches.planned} / ${evaluation.batches.due} / ${evaluation.batches.departed} / ${evaluation.batches.completed} / ${evaluation.batches.overridden}`,
  ]);
  summary.addRow(["应到 / 实到（已完成批次）", `${evaluation.scheduled} / ${evaluation.attended}`]);
  summary.addRow(["批准预算（元）", evaluation.budget.approved]);
  summary.addRow(["实际支出（元）", evaluation.budget.spent]);
  summary.getColumn(1).width = 44;
  summary.getColumn(2).width = 16;
  summary.getColumn(3).width = 16;
  summary.getColumn(4).width = 10;

  header(
    batches.addRow([
      "批次",
      "疗养地点",
      "开始",
      "结束",
      "状态",
      "应到",
      "实到",
      "标准费用",
      "实际费用",
      "调查回收",
      "满意+基本满意",
      "例外出发理由",
    ]),
  );
  for (const b of evaluation.byBatch)
    batches.addRow([
      b.batchId,
      b.venueId,
      b.start,
      b.end,
      STATUS[b.status],
      b.scheduled,
      b.attended,
      b.standardCost,
      b.actualCost,
      b.responses,
      b.satisfied,
      b.override ?? "",
    ]);

  header(coverage.addRow(["类别", "符合条件", "已参加", "覆盖率"]));
  for (const t of evaluation.coverage.byTier)
    coverage.addRow([`第${t.tier}类`, t.eligible, t.attended, t.rate]);
  const top = evaluation.coverage.tiers1to3;
  coverage.addRow(["一至三类合计", top.eligible, top.attended, top.rate]);
  coverage.addRow([]);
  header(coverage.addRow(["区县", "符合条件", "已参加", "覆盖率"]));
  for (const c of evaluation.coverage.byCounty) coverage.addRow([c.county, c.eligible, c.attended, c.rate]);
  percentColumns(coverage, 4);
  coverage.getColumn(1).width = 16;

  header(satisfaction.addRow(["评价", "人数"]));
  for (const [level, word] of Object.entries(SATISFACTION))
    satisfaction.addRow([word, evaluation.satisfaction.distribution[level as keyof typeof SATISFACTION]]);
  satisfaction.addRow(["回收合计", evaluation.satisfaction.responses]);
  satisfaction.addRow(["满意度", evaluation.satisfaction.rate]).getCell(2).numFmt = PERCENT;
  satisfaction.addRow(["回收率", evaluation.satisfaction.responseRate]).getCell(2).numFmt = PERCENT;

  header(incidents.addRow(["日期", "批次", "军休干部编号", "类型", "处置情况"]));
  for (const i of evaluation.incidents.list)
    incidents.addRow([
      i.date,
      i.batchId,
      i.cadreId,
      INCIDENT_KINDS[i.kind as keyof typeof INCIDENT_KINDS] ?? i.kind,
      i.handling,
    ]);
  incidents.getColumn(5).width = 40;

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
