// Spreadsheets in and out: the roster template and its import, roster and schedule exports (README.md here).

export { type RosterSheet, SHEETS } from "./columns.js";
export { type DraftImport, importScheduleDraft } from "./draft.js";
export { EVALUATION_SHEETS, evaluationXlsx } from "./evaluation.js";
export { exportNomineesXlsx, type NomineeRow } from "./nominees.js";
export {
  type CadreRow,
  exportRoster,
  exportRosterCsv,
  type ImportResult,
  importRoster,
  MAX_PROBLEMS,
  MAX_ROWS,
  type Roster,
  type RosterProblem,
  type RosterSource,
  rosterTemplate,
  type StaffRow,
  type VenueRow,
  XLSX_TYPE,
} from "./roster.js";
export {
  COST_SHEET,
  exportScheduleCsv,
  exportScheduleXlsx,
  INELIGIBLE_SHEET,
  SCHEDULE_CSV_HEADER,
  UNSCHEDULED_SHEET,
} from "./schedule.js";
export {
  importSurvey,
  SURVEY_COLUMNS,
  SURVEY_SHEET,
  type SurveyField,
  type SurveyRow,
  surveyProblem,
  surveyTemplate,
} from "./survey.js";
