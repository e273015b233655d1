import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { buildApp } from "./app.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { parsePlan } from "./contract/index.js";
import { SolvePool } from "./jobs/pool.js";
import { logOptions } from "./log.js";
import { Frontiers } from "./services/frontier.js";
import { scheduleNightlyReplans } from "./services/nightly.js";
import { Replanner } from "./services/replanning.js";
import { DataDirInUseError } from "./storage/lock.js";
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
  await storage.insertPlan({
    id: DEMO_PLAN_ID,
    createdAt: new Date().toISOString(),
    json: JSON.stringify(parsed.plan),
  });
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
let storage: SqliteStorage;
try {
  // First of all: a second process on the same data must change nothing of the first's.
  storage = SqliteStorage.open(config.databaseFile);
} catch (error) {
  if (!(error instanceof DataDirInUseError)) throw error;
  process.stderr.write(`refusing to start: ${error.message}\n`);
  process.exit(1);
}
const jobs = new SolvePool({
  storage,
  log: logger.child({ component: "jobs" }),
  workerUrl: SOLVE_WORKER_URL,
  ...config.pool,
});

const frontiers = new Frontiers({ storage, jobs, log: logger.child({ component: "frontier" }), auto: true });
try {
  const demoLoaded = config.demoPlan !== undefined && (await loadDemoPlan(storage, config.demoPlan));
  if (demoLoaded) logger.info({ planId: DEMO_PLAN_ID, file: config.demoPlan }, "demo plan loaded");
  await jobs.start();
  if (demoLoaded) void frontiers.changed(DEMO_PLAN_ID);
} catch (error) {
  logger.fatal({ err: error }, "could not start");
  await jobs.close(0);
  await storage.close();
  process.exit(1);
}

const replanner = new Replanner({
  storage,
  jobs,
  log: logger.child({ component: "replan" }),
  readinessDays: config.replan.readinessDays,
});
const app = await buildApp({
  storage,
  jobs,
  replanner,
  frontiers,
  logger,
  tokens: config.tokens,
  bodyLimit: config.bodyLimit,
  rateLimit: config.rateLimit,
  trustedProxies: config.trustedProxies,
});
await app.listen({ host: config.host, port: config.port });
if (config.tokens === undefined) logger.warn("no tokens configured: every caller on loopback is a planner");
const nightly = scheduleNightlyReplans(
  config.replan.cron,
  () => replanner.replanActivePlans(),
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
  const closed = app.close().then(() => true);
  if (!(await Promise.race([closed, sleep(left(), false, { ref: false })]))) {
    logger.warn("grace period over: connections still open are closed");
    app.server.closeAllConnections();
    await Promise.race([closed, sleep(CUT_OFF_MS, false, { ref: false })]);
  }
  await jobs.close(left());
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
