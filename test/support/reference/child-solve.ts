import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { Plan, Schedule, SolveOptions } from "../../../solver/index.js";

// solvePlan in a child process that can be killed. javascript-lp-solver runs synchronously, so a solve that
// never returns would block the test worker for good (vitest's timeouts cannot interrupt it); in a child it
// is killed after a hard limit and the test fails instead of hanging. The child runs the current sources
// of solver/, transpiled (types stripped, nothing else changed) into a temporary directory.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const RUNNER = `
import { readFileSync } from "node:fs";
const { solvePlan } = await import("./solver/index.js");
const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const options = JSON.parse(process.argv[3]);
const schedule = await solvePlan(plan, options);
process.stdout.write(JSON.stringify(schedule));
`;

export type ChildSolve =
  | { kind: "done"; schedule: Schedule; seconds: number }
  | { kind: "killed"; seconds: number }
  | { kind: "error"; message: string; seconds: number };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** A solver that runs in child processes; dispose() removes its temporary directory. */
export class ChildSolver {
  private readonly dir: string;
  private plans = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), "solver-child-"));
    const solverDir = join(ROOT, "solver");
    for (const file of sources(solverDir)) {
      const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
        fileName: file,
        compilerOptions: {
          module: ts.ModuleKind.ESNext,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      const out = join(this.dir, "solver", relative(solverDir, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
    writeFileSync(join(this.dir, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(this.dir, "run.mjs"), RUNNER);
    symlinkSync(join(ROOT, "node_modules"), join(this.dir, "node_modules"), "dir");
  }

  /** Solves in a child process, killed after killAfterSeconds of wall time. */
  solve(plan: Plan, options: SolveOptions, killAfterSeconds: number): Promise<ChildSolve> {
    const planFile = join(this.dir, `plan-${++this.plans}.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const began = performance.now();
    const seconds = () => (performance.now() - began) / 1000;
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(this.dir, "run.mjs"), planFile, JSON.stringify(options)],
        {
          cwd: this.dir,
          timeout: killAfterSeconds * 1000,
          killSignal: "SIGKILL",
          maxBuffer: 256 * 1024 * 1024,
        },
        (error, stdout, stderr) => {
          rmSync(planFile, { force: true });
          if (error && (error.killed || error.signal === "SIGKILL"))
            resolve({ kind: "killed", seconds: seconds() });
          else if (error)
            resolve({ kind: "error", message: `${error.message}\n${stderr}`, seconds: seconds() });
          else resolve({ kind: "done", schedule: JSON.parse(stdout) as Schedule, seconds: seconds() });
        },
      );
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
