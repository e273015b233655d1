import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirInUseError } from "../../src/storage/lock.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { exited, freePort, type ServerProcess, spawnServer, until } from "../support/server-process.js";
import { readPlan, startService } from "../support/service.js";

// The process around the service: one per data directory, and a stop that keeps to its grace period.

const dirs: string[] = [];
const children: ServerProcess[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "planner-process-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const { child } of children) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const start = (env: Record<string, string>) => {
  const server = spawnServer(env);
  children.push(server);
  return server;
};

describe("the data directory", () => {
  it("is opened by one storage at a time; the second is refused, naming the holder", async () => {
    const file = join(tempDir(), "planner.sqlite");
    const first = SqliteStorage.open(file);
    expect(() => SqliteStorage.open(file)).toThrow(DataDirInUseError);
    expect(() => SqliteStorage.open(file)).toThrow(`process ${process.pid}`);
    await first.ping();
    await first.close();
    const again = SqliteStorage.open(file);
    await again.close();
  });

  it("refuses a second server process at once, which leaves the first's running job and locks alone", async () => {
    const service = await startService({ dir: tempDir() });
    try {
      const planId = await service.postPlan(readPlan("tiny-d"));
      const at = new Date().toISOString();
      const job = { id: "job_live", planId, kind: "replan" as const, createdAt: at };
      expect((await service.storage.insertJob(job, () => true)).inserted).toBe(true);
      await service.storage.startJob(job.id, at);
      expect(await service.storage.acquireReplanLock(planId, job.id, at)).toEqual({ acquired: true });

      const second = start({ DATA_DIR: service.dir, PORT: String(await freePort()), DEMO_PLAN: "" });
      expect(await exited(second.child, 20_000)).toBe(1);
      expect(second.stderr.join("\n")).toMatch(
        new RegExp(`refusing to start: the data directory is in use by process ${process.pid} .*数据目录`),
      );

      expect(await service.storage.getJob(job.id)).toMatchObject({ status: "running", error: null });
      const db = new Database(join(service.dir, "planner.sqlite"), { readonly: true });
      try {
        expect(db.prepare("SELECT plan_id, job_id FROM replan_locks").all()).toEqual([
          { plan_id: planId, job_id: job.id },
        ]);
      } finally {
        db.close();
      }
    } finally {
      await service.close();
    }
  });
});

describe("SIGTERM", () => {
  it("stops within SHUTDOWN_GRACE_SECONDS, in-flight requests and running solves included", async () => {
    const dir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = start({
      DATA_DIR: dir,
      PORT: String(port),
      SOLVE_WORKERS: "1",
      SHUTDOWN_GRACE_SECONDS: "2",
    });
    await until("the server", async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));

    const solve = await fetch(`${base}/v1/plans/pln_demo/solve`, { method: "POST" });
    expect(solve.status).toBe(202);
    const { jobId } = (await solve.json()) as { jobId: string };
    const status = async () =>
      ((await (await fetch(`${base}/v1/jobs/${jobId}`)).json()) as { status: string }).status;
    await until("the solve to run", async () => ((await status()) === "running" ? true : undefined));

    // An upload that never finishes: a request in flight for as long as its client likes.
    const upload = connect(port, "127.0.0.1");
    upload.on("error", () => {});
    await new Promise((resolve) => upload.once("connect", resolve));
    upload.write(
      "POST /v1/roster/import?sheet=staff HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/csv\r\n" +
        "Content-Length: 1000000\r\n\r\n编号,姓名\r\n",
    );
    await new Promise((resolve) => setTimeout(resolve, 200));

    const stopped = Date.now();
    server.child.kill("SIGTERM");
    const code = await exited(server.child, 15_000);
    const seconds = (Date.now() - stopped) / 1000;
    upload.destroy();
    expect(code).toBe(0);
    // Two seconds of grace, and a little for the stop itself on a busy machine.
    expect(seconds).toBeLessThan(2 + 3);

    const db = new Database(join(dir, "planner.sqlite"), { readonly: true });
    try {
      expect(db.prepare("SELECT status FROM jobs WHERE id = ?").pluck().get(jobId)).toBe("failed");
    } finally {
      db.close();
    }
  });
});
