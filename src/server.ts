import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { buildApp } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { parsePlan } from "./contract/index.js";
import { serveWorkerProbe } from "./http/worker-probe.js";
import { type JobRunner, SolvePool } from "./jobs/pool.js";
import { QueueJobs } from "./jobs/queue.js";
import { logOptions } from "./log.js";
import { Frontiers } from "./services/frontier.js";
import { jobFromRecipe } from "./services/job-recipes.js";
import { scheduleNightlyOnQueue, scheduleNightlyReplans } from "./services/nightly.js";
import { Replanner } from "./services/replanning.js";
import { BudgetSweeps } from "./services/what-if.js";
import { DataDirInUseError } from "./storage/lock.js";
import { PostgresStorage } from "./storage/postgres.js";
import { SqliteStorage } from "./storage/sqlite.js";
import type { Storage } from "./storage/storage.js";
import { readJsonFile } from "./support/files.js";
import { SOLVE_WORKER_URL } from "./support/worker-module.js";

// The process: configuration, storage, workers, listening, and a graceful stop on SIGINT or SIGTERM.

/** The bundled demo plan's fixed id, so the README's curl lines work as written. */
const DEMO_PLAN_ID = "pln_demo";

async function loadDemoPlan(storage: Storage, file: string): Promise<boolean> {
  if (await storage.hasPlan(DEMO_PLAN_ID)) return false;
  const parsed = parsePlan(await readJsonFile(file));
  if (!parsed.ok) {
    // Paths only: a problem's message may quote a value, and values may be personal.
    const paths = parsed.problems.map((problem) => problem.path).join(", ");
    throw new Error(`the demo plan ${file} breaks the contract at ${paths}`);
  }
  try {
    await storage.insertPlan({
      id: DEMO_PLAN_ID,
      createdAt: new Date().toISOString(),
      json: JSON.stringify(parsed.plan),
    });
  } catch (error) {
    // Instances starting together on one database: another stored it first.
    if (await storage.hasPlan(DEMO_PLAN_ID)) return false;
    throw error;
  }
  return true;
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = pino(logOptions(config.logLevel));
let storage: Storage;
try {
  // First of all: a second process on the same SQLite data must change nothing of the first's.
  storage =
    config.databaseUrl === undefined
      ? SqliteStorage.open(config.databaseFile)
      : await PostgresStorage.open(config.databaseUrl);
} catch (error) {
  if (!(error instanceof DataDirInUseError)) throw error;
  process.stderr.write(`refusing to start: ${error.message}\n`);
  process.exit(1);
}
// The solve threads, in every process that solves: the one process with SQLite, workers with PostgreSQL.
const pool =
  config.role === "api"
    ? undefined
    : new SolvePool({
        storage,
        log: logger.child({ component: "jobs" }),
        workerUrl: SOLVE_WORKER_URL,
        ...config.pool,
        // With a queue, unfinished jobs belong to other live processes, or are retried by the queue.
        failUnfinishedOnStart: config.databaseUrl === undefined,
      });
const queue =
  config.databaseUrl === undefined
    ? undefined
    : new QueueJobs({
        storage,
        log: logger.child({ component: "queue" }),
        connectionString: config.databaseUrl,
        queueLimit: config.pool.queueLimit,
        hardLimitSeconds: config.pool.timeLimitSeconds + config.pool.graceSeconds,
        retryLimit: config.queue.retryLimit,
        maintenanceIntervalSeconds: config.queue.superviseSeconds,
        pool,
        rebuild: (recipe) => jobFromRecipe(recipe, { replanner, sweeps }),
      });
// SQLite allows the role all only (config.ts), which has a pool.
const jobs: JobRunner = queue ?? (pool as SolvePool);
const replanner = new Replanner({
  storage,
  jobs,
  log: logger.child({ component: "replan" }),
  readinessDays: config.replan.readinessDays,
});
const sweeps = new BudgetSweeps(storage, jobs, logger.child({ component: "what-if" }));

const frontiers = new Frontiers({
  storage,
  jobs,
  log: logger.child({ component: "frontier" }),
  auto: config.role !== "worker",
});
try {
  // Workers serve no plans: the demo plan and its frontier are the HTTP side's.
  const demoLoaded =
    config.role !== "worker" &&
    config.demoPlan !== undefined &&
    (await loadDemoPlan(storage, config.demoPlan));
  if (demoLoaded) logger.info({ planId: DEMO_PLAN_ID, file: config.demoPlan }, "demo plan loaded");
  await jobs.start();
  if (demoLoaded) void frontiers.changed(DEMO_PLAN_ID);
} catch (error) {
  logger.fatal({ err: error }, "could not start");
  await jobs.close(0);
  await storage.close();
  process.exit(1);
}

const app =
  config.role === "worker"
    ? undefined
    : await buildApp({
        storage,
        jobs,
        replanner,
        sweeps,
        frontiers,
        logger,
        tokens: config.tokens,
        bodyLimit: config.bodyLimit,
        rateLimit: config.rateLimit,
        trustedProxies: config.trustedProxies,
      });
const probe =
  config.role === "worker" && config.metricsPort !== undefined
    ? await serveWorkerProbe({ storage, jobs }, config.host, config.metricsPort)
    : undefined;
if (probe !== undefined) logger.info({ port: probe.port }, "serving /healthz and /metrics");
if (app !== undefined) {
  await app.listen({ host: config.host, port: config.port });
  if (config.tokens === undefined) logger.warn("no tokens configured: every caller on loopback is a planner");
}
logger.info({ role: config.role, storage: queue ? "postgresql" : "sqlite" }, "started");
const replanAll = () => replanner.replanActivePlans();
const nightly =
  queue === undefined
    ? scheduleNightlyReplans(config.replan.cron, replanAll, logger.child({ component: "replan" }))
    : undefined;
if (queue !== undefined)
  await scheduleNightlyOnQueue(
    queue.boss,
    config.replan.cron,
    pool === undefined ? undefined : replanAll,
    logger.child({ component: "replan" }),
  );

/** How long a request handler gets to notice its connection was cut before storage closes under it. */
const CUT_OFF_MS = 1000;

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  // One grace for the whole stop, requests and jobs together: an operator's (or systemd's) timeout holds.
  const deadline = Date.now() + config.shutdownGraceMs;
  const left = () => Math.max(0, deadline - Date.now());
  logger.info({ signal }, "stopping: no new requests; requests and running jobs get a grace period");
  // Order matters: no new nightly run, requests stop, then jobs finish or are marked, storage closes last.
  nightly?.stop();
  if (app !== undefined) {
    const closed = app.close().then(() => true);
    if (!(await Promise.race([closed, sleep(left(), false, { ref: false })]))) {
      logger.warn("grace period over: connections still open are closed");
      app.server.closeAllConnections();
      await Promise.race([closed, sleep(CUT_OFF_MS, false, { ref: false })]);
    }
  }
  await jobs.close(left());
  await probe?.close();
  await storage.close();
  logger.info("stopped");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stop(signal)
      .catch((error: unknown) => {
        logger.fatal({ err: error }, "unclean stop");
        process.exitCode = 1;
      })
      // Whatever is left (an offload thread, a handler still waiting) must not keep the process past its grace.
      .finally(() => process.exit());
  });
}
