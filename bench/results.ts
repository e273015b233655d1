import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

// bench/RESULTS.md holds one `## Title` section per benchmark; each benchmark rewrites only its own.

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILE = `${ROOT}bench/RESULTS.md`;

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function writeResultsSection(title: string, body: string): void {
  let text: string;
  try {
    text = readFileSync(FILE, "utf8");
  } catch {
    text = "# Benchmark results\n";
  }
  const section = `## ${title}\n\n${body.trimEnd()}\n`;
  const start = text.search(new RegExp(`^## ${title}\\s*$`, "m"));
  if (start < 0) text = `${text.trimEnd()}\n\n${section}`;
  else {
    const rest = text.slice(start + 1);
    const next = rest.search(/^## /m);
    text = text.slice(0, start) + section + (next < 0 ? "" : `\n${rest.slice(next)}`);
  }
  writeFileSync(FILE, text);
  process.stdout.write(`wrote the ${title} section of ${FILE}\n`);
}

/** A port free on loopback, for a server a benchmark starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Polls `path` until it answers 2xx; fails after 30 s. */
export async function waitForHealth(base: string, path: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}${path}`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${base} never came up`);
}

/** Polls the service's `GET /v1/jobs/{jobId}` until the job has ended, however; its last answer. */
export async function endedJob(
  base: string,
  jobId: string,
  headers: Record<string, string>,
): Promise<Record<string, unknown>> {
  for (;;) {
    const response = await fetch(`${base}/v1/jobs/${jobId}`, { headers });
    if (!response.ok) throw new Error(`GET /v1/jobs/${jobId}: ${response.status} ${await response.text()}`);
    const job = (await response.json()) as Record<string, unknown>;
    if (job.status !== "queued" && job.status !== "running") return job;
    await sleep(100);
  }
}

/** A node process of this repository (the service, say), its output appended to `logFile`. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const log = openSync(logFile, "a");
  return spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", log, log] });
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
