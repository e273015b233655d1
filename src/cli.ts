#!/usr/bin/env node
import { readFile, writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { type Backend, eligibilityReport, prepareBackend, solvePlan } from "../solver/index.js";
import type { Problem } from "./contract/problems.js";
import type { RosterSheet } from "./excel/index.js";
import { InputFileError, readJsonFile, writeJsonFile } from "./support/files.js";

// Every `solve` is a fresh process that pays for each module it loads before its first pivot: the workbook
// code (exceljs, about a second), the worker pool, the services' tables and the draft checker load only for
// the commands that use them (bench/RESULTS.md, Cold start).
const excel = () => import("./excel/index.js");
// The contract's schemas (zod and its hundred modules) load after `solve` has set HiGHS compiling.
const contract = () => import("./contract/problems.js");
const localSolve = () => import("./services/local-solve.js");
const draft = () => import("./contract/draft.js");

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
  const [{ parsePlan }, json] = await Promise.all([contract(), readJsonFile(path)]);
  const parsed = parsePlan(json);
  if (!parsed.ok) throw new ContractError(path, parsed.problems);
  return parsed.plan;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** To the --out file when one is named, to stdout otherwise; done. */
async function writeOrPrint(out: string | undefined, value: unknown): Promise<number> {
  if (out) await writeJsonFile(out, value);
  else print(value);
  return EXIT.done;
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
    const verdict = (await draft()).validateDraft(plan, read.draft);
    print({ ...verdict, mismatches: verdict.mismatches.map(read.locate) });
    return verdict.valid ? EXIT.done : EXIT.violations;
  }
  const parsed = (await contract()).parseScheduleDraft(await readJsonFile(schedulePath));
  if (!parsed.ok) throw new ContractError(schedulePath, parsed.problems);
  const verdict = (await draft()).validateDraft(plan, parsed.schedule);
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
 * What solve, compare and frontier take: one plan file and the solver options; or usage's exit code. Ids
 * derive from the file name, so that the same plan file gives the same schedule, byte for byte.
 */
function solveArguments(positionals: string[], values: Parameters<typeof solverOptions>[0]) {
  const [planPath] = positionals;
  if (!planPath || positionals.length !== 1) return usage();
  const options = solverOptions(values);
  if ("problem" in options) return usage(options.problem);
  return { planPath, planId: basename(planPath).replace(/\.json(\.gz)?$/, ""), options };
}

async function solve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, ...SOLVER_OPTIONS },
  });
  const toSolve = solveArguments(positionals, values);
  if (typeof toSolve === "number") return toSolve;
  const { planPath, planId, options } = toSolve;
  const solveOptions = { planId, scheduleId: `${planId}-priority`, candidate: "priority", ...options };
  // javascript-lp-solver can cycle past its own timeout, so it solves in a worker thread, terminated at a
  // hard limit. HiGHS stops at its time limit, so its one solve runs right here: no worker thread to start,
  // no second copy of the modules and of HiGHS to load (bench/RESULTS.md, Cold start).
  if (options.backend === "jslp")
    return writeOrPrint(
      values.out,
      await (await localSolve()).solveInWorker(await loadPlan(planPath), solveOptions),
    );
  // One solve in a fresh process: V8 would spend its first seconds compiling HiGHS's hot functions again
  // with its optimizing tier, on the cores the solve needs, for a speed-up only later solves enjoy. Its
  // baseline tier alone finishes first, compiled whole on V8's background threads while the plan is read and
  // the model built, rather than function by function as the solve first calls each. The service keeps V8's
  // defaults.
  setFlagsFromString("--liftoff-only");
  setFlagsFromString("--no-wasm-lazy-compilation");
  prepareBackend(options.backend);
  return writeOrPrint(values.out, await solvePlan(await loadPlan(planPath), solveOptions));
}

/** What compare and frontier take: the plan, its id, the solver options and --table. */
async function planToSolve(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { table: { type: "boolean" }, ...SOLVER_OPTIONS },
  });
  const toSolve = solveArguments(positionals, values);
  if (typeof toSolve === "number") return toSolve;
  const { planPath, planId, options } = toSolve;
  return { plan: await loadPlan(planPath), planId, options, table: values.table === true };
}

/** Every candidate in worker threads, side by side: JSON, or a text table with --table. */
async function compare(args: string[]): Promise<number> {
  const toSolve = await planToSolve(args);
  if (typeof toSolve === "number") return toSolve;
  const { plan, planId, options, table } = toSolve;
  const candidates = await (await localSolve()).solveCandidatesInWorkers(plan, { planId, ...options });
  if (!table) print({ planId, candidates });
  else process.stdout.write(`${(await import("./services/planning.js")).candidateTable(candidates)}\n`);
  return EXIT.done;
}

/** The exact budget frontier, its two parts in worker threads: JSON, or a table in Chinese with --table. */
async function frontier(args: string[]): Promise<number> {
  const toSolve = await planToSolve(args);
  if (typeof toSolve === "number") return toSolve;
  const { plan, planId, options, table } = toSolve;
  const result = await (await localSolve()).frontierInWorkers(plan, { planId, ...options });
  // The steps' model values (starts), the unlimited schedule and the parts' range serve what-if runs only.
  const { starts: _, unlimited: __, range: ___, ...shown } = result;
  if (!table) print({ planId, ...shown });
  else process.stdout.write(`${(await import("./services/frontier.js")).frontierTable(result)}\n`);
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
  return writeOrPrint(values.out, roster);
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
  const parsed = (await contract()).parseSchedule(await readJsonFile(schedulePath));
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
