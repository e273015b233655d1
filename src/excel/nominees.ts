import ExcelJS from "exceljs";
import type { Honor } from "../../solver/index.js";
import { writeAdvanced, writeCommendation, writeHonors, writeMerit, writeTitle } from "./honors.js";

// The cycle's province and ministry nominees (Art. 8 ¶2, 优先推荐) as a workbook for the report upward: one
// row a cadre, honors in the roster template's words, so the sheet reads like the roster it came from.

export interface NomineeRow {
  cadreId: string;
  name?: string | undefined;
  county: string | null;
  institution: string | null;
  nominee: "ministerial" | "provincial";
  honors: readonly Honor[];
}

const LEVEL = { ministerial: "部级", provincial: "省级" } as const;

export async function exportNomineesXlsx(cycleId: string, rows: readonly NomineeRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "荣誉疗养计划系统";
  const sheet = workbook.addWorksheet("优先推荐");
  sheet.columns = [
    { header: "登记号", key: "id", width: 12 },
    { header: "姓名", key: "name", width: 10 },
    { header: "区县", key: "county", width: 10 },
    { header: "军休机构", key: "institution", width: 16 },
    { header: "立功情况", key: "merit", width: 18 },
    { header: "表彰", key: "commendation", width: 16 },
    { header: "先进军休干部", key: "advanced", width: 12 },
    { header: "荣誉称号", key: "title", width: 10 },
    { header: "推荐层级", key: "level", width: 10 },
  ];
  sheet.getRow(1).font = { bold: true };
  for (const r of rows)
    sheet.addRow({
      id: r.cadreId,
      name: r.name ?? "",
      county: r.county ?? "",
      institution: r.institution ?? "",
      merit: writeHonors(r.honors, "merit", writeMerit) ?? "",
      commendation: writeHonors(r.honors, "commendation", writeCommendation) ?? "",
      advanced: writeHonors(r.honors, "advanced_cadre", writeAdvanced) ?? "",
      title: writeHonors(r.honors, "honorary_title", writeTitle) ?? "",
      level: LEVEL[r.nominee],
    });
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  workbook.title = `${cycleId} 疗养周期部级、省级优先推荐人选`;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
