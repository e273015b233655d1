#!/usr/bin/env node
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { eligibilityReport, validateSchedule } from "../solver/index.js";
import { type Problem, parsePlan, parseSchedule } from "./contract/index.js";
import { InputFileError, readJsonFile, writeJsonFile } from "./files.js";
import { solveInWorker } from "./jobs/solve-once.js";

// Exit status (CONTRACT.md): 0 done, 3 validate found violations, 2 the input breaks the contract, 1 anything else.
const EXIT = { done: 0, failed: 1, contract: 2, violations: 3 } as const;

const USAGE = `usage:
  convalescence eligibility PLAN.json
  convalescence solve PLAN.json [--out SCHEDULE.json] [--time-limit SECONDS] [--backend highs|jslp]
  convalescence validate PLAN.json SCHEDULE.json`;

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
  const parsed = parseSchedule(await readJsonFile(schedulePath));
  if (!parsed.ok) throw new ContractError(schedulePath, parsed.problems);
  const violations = validateSchedule(plan, parsed.schedule);
  print({ valid: violations.length === 0, violations });
  return violations.length === 0 ? EXIT.done : EXIT.violations;
}

async function solve(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: "string" }, "time-limit": { type: "string" }, backend: { type: "string" } },
  });
  const [planPath] = positionals;
  const timeLimit = values["time-limit"] === undefined ? undefined : Number(values["time-limit"]);
  const backend = values.backend;
  if (!planPath || positionals.length !== 1) return usage();
  if (timeLimit !== undefined && !(timeLimit > 0))
    return usage("--time-limit takes a positive number of seconds");
  if (backend !== undefined && backend !== "highs" && backend !== "jslp")
    return usage("--backend is highs or jslp");
  const plan = await loadPlan(planPath);
  // Ids are derived from the file name so that the same plan gives the same schedule, byte for byte.
  const planId = basename(planPath).replace(/\.json(\.gz)?$/, "");
  const schedule = await solveInWorker(plan, {
    planId,
    scheduleId: `${planId}-priority`,
    candidate: "priority",
    timeLimitSeconds: timeLimit,
    backend,
  });
  if (values.out) await writeJsonFile(values.out, schedule);
  else print(schedule);
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

process.exitCode = await main(process.argv.slice(2));
