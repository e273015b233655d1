import ExcelJS from "exceljs";
import { SATISFACTION, type Satisfaction } from "../contract/dossier.js";
import { type Cell, CellError, isBlank, names, readChoice, readId, readText, unwrap } from "./cells.js";
import { fileProblem, notXlsx, type RosterProblem } from "./roster.js";
import { header } from "./schedule.js";
import { assertZipWithin, ZipLimitError } from "./xlsx-stream.js";

// The satisfaction survey (满意度调查, Art. 16) as a sheet: the service writes one row per cadre who attended
// a completed batch, the bureau fills in 满意度 (and 意见建议), and the import reads it back into
// satisfaction_recorded events, or lists every bad cell by sheet, row and column and records nothing.

export const SURVEY_SHEET = "满意度调查";
/** A survey is read whole; a province's year is a few thousand rows, far below this. */
export const MAX_SURVEY_UNCOMPRESSED_BYTES = 20 * 1024 * 1024;

export const SURVEY_COLUMNS = {
  batchId: "A 批次编号",
  cadreId: "B 军休干部编号",
  rating: "C 满意度",
  comment: "D 意见建议",
} as const;
export type SurveyField = keyof typeof SURVEY_COLUMNS;

const RATINGS = names<Satisfaction>(
  (Object.entries(SATISFACTION) as [Satisfaction, string][]).map(([value, word]) => [value, word, value]),
);

export interface SurveyRow {
  row: number;
  batchId: string;
  cadreId: string;
  rating: Satisfaction;
  comment?: string;
}

/** The survey sheet to fill in: one row per cadre who attended, 满意度 with a dropdown. */
export async function surveyTemplate(rows: readonly { batchId: string; cadreId: string }[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "荣誉疗养计划系统";
  const sheet = workbook.addWorksheet(SURVEY_SHEET);
  header(sheet.addRow(Object.values(SURVEY_COLUMNS).map((c) => c.slice(2))));
  for (const r of rows) sheet.addRow([r.batchId, r.cadreId, "", ""]);
  const words = Object.values(SATISFACTION);
  for (let row = 2; row <= rows.length + 1; row++)
    sheet.getCell(`C${row}`).dataValidation = {
      type: "list",
      allowBlank: true,
      formulae: [`"${words.join(",")}"`],
    };
  sheet.getColumn(1).width = 12;
  sheet.getColumn(2).width = 16;
  sheet.getColumn(3).width = 12;
  sheet.getColumn(4).width = 40;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export type SurveyImport = { ok: true; rows: SurveyRow[] } | { ok: false; problems: RosterProblem[] };

/** A problem at a row's field, as the import and the route (for what the events then break) report it. */
export function surveyProblem(row: number, field: SurveyField, code: string, message: string): RosterProblem {
  return { sheet: SURVEY_SHEET, row, column: SURVEY_COLUMNS[field], path: "", code, message };
}

/** Rows with a 满意度 are responses; a row left blank there is a cadre who did not answer, and is skipped. */
export async function importSurvey(file: Buffer): Promise<SurveyImport> {
  const workbook = new ExcelJS.Workbook();
  try {
    await assertZipWithin(file, MAX_SURVEY_UNCOMPRESSED_BYTES);
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch (error) {
    return {
      ok: false,
      problems: [
        error instanceof ZipLimitError
          ? fileProblem("WORKBOOK_TOO_LARGE", "工作簿过大，不像是满意度调查表")
          : notXlsx(),
      ],
    };
  }
  const sheet = workbook.getWorksheet(SURVEY_SHEET);
  if (sheet === undefined)
    return { ok: false, problems: [fileProblem("MISSING_SHEET", `缺少工作表「${SURVEY_SHEET}」`)] };
  const problems: RosterProblem[] = [];
  const rows: SurveyRow[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const cell = (field: SurveyField): Cell => unwrap(sheet.getCell(`${SURVEY_COLUMNS[field][0]}${r}`).value);
    const read = <T>(field: SurveyField, reader: (c: Cell) => T): T | undefined => {
      try {
        return reader(cell(field));
      } catch (error) {
        if (!(error instanceof CellError)) throw error;
        problems.push(surveyProblem(r, field, error.code, error.message));
        return undefined;
      }
    };
    if (isBlank(cell("rating"))) continue;
    const batchId = read("batchId", readId);
    const cadreId = read("cadreId", readId);
    const rating = read("rating", (c) => readChoice(c, RATINGS, "满意度"));
    const comment = isBlank(cell("comment")) ? undefined : read("comment", readText);
    if (batchId === undefined || cadreId === undefined || rating === undefined) continue;
    rows.push({ row: r, batchId, cadreId, rating, ...(comment === undefined ? {} : { comment }) });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (rows.length === 0)
    return { ok: false, problems: [fileProblem("EMPTY_SURVEY", "调查表中没有填写满意度的行", SURVEY_SHEET)] };
  return { ok: true, rows };
}
