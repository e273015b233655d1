import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The real server (dist/, as `npm start` runs it) in a child process, for tests of the process itself.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Polls `probe` until it gives a value (errors count as none), or fails after `ms`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** Its log, line by line. */
  stdout: string[];
  stderr: string[];
}

/**
 * This process's environment for a server it starts, without the test run's DATABASE_URL (set by .ci/run for
 * the PostgreSQL suites): a server keeps its own data, and one on PostgreSQL is asked for by name.
 */
export function serverEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _forTheSuites, ...inherited } = process.env;
  return inherited;
}

/** `node dist/src/server.js` on loopback with `env` added; its output is collected line by line. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [join(ROOT, "dist/src/server.js")], {
    env: { ...serverEnv(), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines = (stream: NodeJS.ReadableStream | null) => {
    const collected: string[] = [];
    stream?.on("data", (chunk) => collected.push(...String(chunk).split("\n").filter(Boolean)));
    return collected;
  };
  return { child, stdout: lines(child.stdout), stderr: lines(child.stderr) };
}

/** The child's exit code once it has exited; "still running" if it has not within `ms`. */
export function exited(child: ChildProcess, ms = 60_000): Promise<number | null | "still running"> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("still running"), ms);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** Waits until every process has logged `line`; else fails with each one's last words, for the reason. */
export async function untilEachLogs(
  processes: readonly ServerProcess[],
  line: string,
  what: string,
): Promise<void> {
  try {
    await Promise.all(
      processes.map((p) => until(what, async () => (p.stdout.join("").includes(line) ? true : undefined))),
    );
  } catch (error) {
    const output = processes.map((p) => [...p.stderr, ...p.stdout.slice(-5)].join("\n")).join("\n---\n");
    throw new Error(`${(error as Error).message}\n${output}`);
  }
}

/** SIGTERM to every process still running, then SIGKILL to any that has not exited 20 s later. */
export async function stopServers(processes: readonly ServerProcess[]): Promise<void> {
  const children = processes.map((p) => p.child);
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  for (const child of children) if ((await exited(child, 20_000)) === "still running") child.kill("SIGKILL");
}
