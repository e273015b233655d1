#!/usr/bin/env node
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { type Backend, eligibilityReport } from "../solver/index.js";
import { validateDraft } from "./contract/draft.js";
import { type Problem, parsePlan, parseSchedule, parseScheduleDraft } from "./contract/index.js";
import type { RosterSheet } from "./excel/index.js";
import { frontierTable } from "./services/frontier.js";
import { frontierInWorkers, solveCandidatesInWorkers, solveInWorker } from "./services/local-solve.js";
import { candidateTable } from "./services/planning.js";
import { InputFileError, readJsonFile, writeJsonFile } from "./support/files.js";

// The workbook code (exceljs and its dependencies) takes about a second to load, which every `solve` paid
// before its first pivot: only the commands that read or write workbooks load it (bench/RESULTS.md, Cold start).
const excel = () => import("./excel/index.js");

// Exit status (CONTRACT.md): 0 done, 3 validate found violations, 2 the input breaks the contract, 1 anything else.
const EXIT = { done: 0, failed: 1, contract: 2, violations: 3 } as const;

const USAGE = `usage:
  convalescence eligibility PLAN.json
  convalescence solve PLAN.json [--out SCHEDULE.json] [--time-limit SECONDS] [--backend highs|jslp]
  convalescence validate PLAN.json SCHEDULE.json|DRAFT.xlsx
  convalescence compare PLAN.json [--time-limit SECONDS] [--backend highs|jslp] [--table]
  convalescence frontier PLAN.json [--time-limit SECONDS] [--backend highs|jslp] [--table]
  convalescence template OUT.xlsx
  convalescence import ROSTER.xlsx|ROSTER.csv [--sheet cadres|staff|venues] [--out FILE]
  convalescence export PLAN.json SCHEDULE.json --out FILE.xlsx|FILE.csv`;

class ContractError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Problem[],
  ) {
    super(`${file} breaks the contract`);
  }
}

async function loadPlan(path: string) {
  const parsed = parsePlan(await readJsonFile(path));
  if (!parsed.ok) throw new ContractError(path, parsed.problems);
  return parsed.plan;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** To the --out file when one is named, to stdout otherwise. */
async function writeOrPrint(out: string | undefined, value: unknown): Promise<void> {
  if (out) await writeJsonFile(out, value);
  else print(value);
}

async function eligibility(args: string[]): Promise<number> {
  const [planPath] = args;
  if (!planPath || args.length !== 1) return usage();
  print(eligibilityReport(await loadPlan(planPath)));
  return EXIT.done;
}

async function validate(args: string[]): Promise<number> {
  const [planPath, schedulePath] = args;
  if (!planPath || !schedulePath || args.length !== 2) return usage();
  const plan = await loadPlan(planPath);
  if (spreadsheetFormat(schedulePath) === "xlsx") {
    // A draft in the schedule export's layout: wrong figures are told by their cells too.
    const read = await (await excel()).importScheduleDraft(await readBytes(schedulePath));
    if (!read.ok) throw new ContractError(schedulePath, read.problems);
    const verdict = validateDraft(plan, read.draft);
    print({ ...verdict, mismatches: verdict.mismatches.map(read.locate) });
    return verdict.valid ? EXIT.done : EXIT.violations;
  }
  const parsed = parseScheduleDraft(await readJsonFile(schedulePath));
  if (!parsed.ok) throw new ContractError(schedulePath, parsed.problems);
  const verdict = validateDraft(plan, parsed.schedule);
  print(verdict);
  return verdict.valid ? EXIT.done : EXIT.violations;
}

const SOLVER_OPTIONS = { "time-limit": { type: "string" }, backend: { type: "string" } } as const;

/** --time-limit and --backend as the solver takes them, or what is wrong with them. */
function solverOptions(values: {
  "time-limit"?: string | undefined;
  backend?: string | undefined;
}): { timeLimitSeconds: number | undefined; backend: Backend | undefined } | { problem: string } {
  const timeLimitSeconds = values["time-limit"] === undefined ? undefined : Number(values["time-limit"]);
  const { backend } = values;
  if (timeLimitSeconds !== undefined && !(timeLimitSeconds > 0))
    return { problem: "--time-limit takes a positive number of seconds" };
  if (backend !== undefined && backend !== "highs" && backend !== "jslp")
    return { problem: "--backend is highs or jslp" };
  return { timeLimitSeconds, backend };
}

/**
 * What solve and compare both take: one plan file and the solver options; or usage's exit code. Ids derive
 * from the file name, so that the same plan file gives the same schedule, byte for byte.
 */
async function planToSolve(positionals: string[], values: Parameters<typeof solverOptions>[0]) {
  const [planPath] = positionals;
  if (!planPath || positionals.length !== 1) return usage();
  const options = solverOptions(values);
  if ("problem" in options) return usage(options.problem);
  return {
    plan: await loadPlan(planPath),
    planId: basename(planPath).replace(/\.json(\.gz)?$/, ""),
    options,
  };
}

async function solve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, ...SOLVER_OPTIONS },
  });
  const toSolve = await planToSolve(positionals, values);
  if (typeof toSolve === "number") return toSolve;
  const { plan, planId, options } = toSolve;
  // One solve in a fresh process: V8 would spend the first seconds compiling HiGHS's hot WebAssembly
  // functions again with its optimizing tier, on the cores the solve needs, for a speed-up that only later
  // solves enjoy. Its baseline tier alone finishes first (bench/RESULTS.md, Cold start). Process-wide, so the
  // solve's worker thread compiles that way too; the service, which solves all day, keeps both tiers.
  setFlagsFromString("--liftoff-only");
  const schedule = await solveInWorker(plan, {
    planId,
    scheduleId: `${planId}-priority`,
    candidate: "priority",
    ...options,
  });
  await writeOrPrint(values.out, schedule);
  return EXIT.done;
}

/** What compare and frontier take: planToSolve's, and --table. */
async function planToSolveWithTable(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { table: { type: "boolean" }, ...SOLVER_OPTIONS },
  });
  const toSolve = await planToSolve(positionals, values);
  return typeof toSolve === "number" ? toSolve : { ...toSolve, table: values.table === true };
}

/** Every candidate in worker threads, side by side: JSON, or a text table with --table. */
async function compare(args: string[]): Promise<number> {
  const toSolve = await planToSolveWithTable(args);
  if (typeof toSolve === "number") return toSolve;
  const { plan, planId, options, table } = toSolve;
  const candidates = await solveCandidatesInWorkers(plan, { planId, ...options });
  if (table) process.stdout.write(`${candidateTable(candidates)}\n`);
  else print({ planId, candidates });
  return EXIT.done;
}

/** The exact budget frontier, its two parts in worker threads: JSON, or a table in Chinese with --table. */
async function frontier(args: string[]): Promise<number> {
  const toSolve = await planToSolveWithTable(args);
  if (typeof toSolve === "number") return toSolve;
  const { plan, planId, options, table } = toSolve;
  const result = await frontierInWorkers(plan, { planId, ...options });
  // The steps' model values (starts), the unlimited schedule and the parts' range serve what-if runs only.
  const { starts: _, unlimited: __, range: ___, ...shown } = result;
  if (table) process.stdout.write(`${frontierTable(result)}\n`);
  else print({ planId, ...shown });
  return EXIT.done;
}

/** xlsx or csv, by the file's extension. */
function spreadsheetFormat(path: string): "xlsx" | "csv" | undefined {
  const extension = path.toLowerCase().split(".").pop();
  return extension === "xlsx" || extension === "csv" ? extension : undefined;
}

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InputFileError(
      "unreadable",
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? "unknown error"}`,
    );
  }
}

async function template(args: string[]): Promise<number> {
  const [out] = args;
  if (!out || args.length !== 1) return usage();
  if (spreadsheetFormat(out) !== "xlsx") return usage("template writes an .xlsx file");
  await writeFile(out, await (await excel()).rosterTemplate());
  return EXIT.done;
}

const ROSTER_SHEETS: readonly string[] = ["cadres", "staff", "venues"];

/** A filled roster to { cadres, staff, venues }; bad cells break the contract (exit 2, problems on stderr). */
async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { sheet: { type: "string" }, out: { type: "string" } },
  });
  const [path] = positionals;
  if (!path || positionals.length !== 1) return usage();
  const format = spreadsheetFormat(path);
  if (!format) return usage("import reads .xlsx or .csv files");
  const { sheet } = values;
  if (sheet !== undefined && !ROSTER_SHEETS.includes(sheet))
    return usage("--sheet is cadres, staff or venues");
  if (format === "csv" && sheet === undefined) return usage("a CSV holds one roster: name it with --sheet");
  const result = await (await excel()).importRoster(
    await readBytes(path),
    format,
    sheet as RosterSheet | undefined,
  );
  if (!result.ok) throw new ContractError(path, result.problems);
  // Warnings go with the problems, to stderr: stdout stays the roster alone.
  if (result.warnings.length > 0)
    process.stderr.write(`${JSON.stringify({ file: path, warnings: result.warnings }, null, 2)}\n`);
  const roster = { cadres: result.cadres, staff: result.staff, venues: result.venues };
  await writeOrPrint(values.out, roster);
  return EXIT.done;
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" } },
  });
  const [planPath, schedulePath] = positionals;
  if (!planPath || !schedulePath || positionals.length !== 2 || !values.out) return usage();
  const format = spreadsheetFormat(values.out);
  if (!format) return usage("--out is an .xlsx or a .csv file");
  const plan = await loadPlan(planPath);
  const parsed = parseSchedule(await readJsonFile(schedulePath));
  if (!parsed.ok) throw new ContractError(schedulePath, parsed.problems);
  const body =
    format === "xlsx"
      ? await (await excel()).exportScheduleXlsx(plan, parsed.schedule)
      : (await excel()).exportScheduleCsv(plan, parsed.schedule);
  await writeFile(values.out, body);
  return EXIT.done;
}

function usage(problem?: string): number {
  process.stderr.write(`${problem ? `${problem}\n` : ""}${USAGE}\n`);
  return EXIT.failed;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "eligibility") return await eligibility(rest);
    if (command === "validate") return await validate(rest);
    if (command === "solve") return await solve(rest);
    if (command === "compare") return await compare(rest);
    if (command === "frontier") return await frontier(rest);
    if (command === "template") return await template(rest);
    if (command === "import") return await importCommand(rest);
    if (command === "export") return await exportCommand(rest);
    return usage(command ? `unknown command: ${command}` : undefined);
  } catch (error) {
    if (error instanceof ContractError) {
      process.stderr.write(`${JSON.stringify({ file: error.file, problems: error.problems }, null, 2)}\n`);
      return EXIT.contract;
    }
    if (error instanceof InputFileError && error.kind === "not-json") {
      const problems: Problem[] = [{ path: "", code: "INVALID_JSON", message: error.message }];
      process.stderr.write(`${JSON.stringify({ problems }, null, 2)}\n`);
      return EXIT.contract;
    }
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

// A reader that stops early (`| head`) closes the pipe: the output ends there, which is not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? EXIT.done);
});

process.exitCode = await main(process.argv.slice(2));
