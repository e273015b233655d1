import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEFAULT_READINESS_DAYS } from "./contract/replan.js";
import { type BoundToken, createTokenTable, type TokenTable } from "./http/auth.js";
import { DEFAULT_REPLAN_CRON, isCronPattern } from "./services/nightly.js";

// The service's settings, all from the environment; the defaults suit a planner's own machine.

const BUNDLED_DEMO_PLAN = fileURLToPath(new URL("../../fixtures/plans/city.json", import.meta.url));

const count = (fallback: number, min = 1) => z.coerce.number().int().min(min).default(fallback);
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const tokenList = z
  .string()
  .default("")
  .transform((list) =>
    list
      .split(",")
      .map((token) => token.trim())
      .filter((token) => token !== ""),
  );

/** proxy-addr's names for whole ranges, besides single addresses and CIDR blocks. */
const PROXY_RANGES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  const [address = "", bits, ...rest] = entry.split("/");
  if (rest.length > 0) return false;
  if (bits === undefined) return PROXY_RANGES.has(address) || isIP(address) !== 0;
  const version = isIP(address);
  return version !== 0 && /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

export const SERVICE_ROLES = ["api", "worker", "all"] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default("data"),
  // PostgreSQL instead of SQLite: several instances and worker processes on one database.
  DATABASE_URL: z
    .string()
    .trim()
    .default("")
    .refine((url) => url === "" || /^postgres(ql)?:\/\//.test(url), "a postgres:// or postgresql:// URL"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PLANNER_TOKENS: tokenList,
  VIEWER_TOKENS: tokenList,
  // A JSON file of tokens, each bound to one organisation and one role (tenants); empty: none.
  TOKENS_FILE: z.string().trim().default(""),
  BODY_LIMIT_BYTES: count(16 * 1024 * 1024),
  RATE_LIMIT_MAX: count(600),
  RATE_LIMIT_WINDOW_SECONDS: seconds(60),
  // Reverse proxies whose X-Forwarded-For is believed; empty: the client is the socket's peer.
  TRUSTED_PROXIES: tokenList.refine(
    (list) => list.every(isProxyAddress),
    "a comma-separated list of addresses, CIDR blocks, loopback, linklocal or uniquelocal",
  ),
  // Workers only: /healthz and /metrics on this port (empty: none); API instances serve them on PORT.
  METRICS_PORT: z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || (/^\d+$/.test(v) && Number(v) <= 65535), "a port number, 0–65535"),
  // api: HTTP only; worker: solves queued jobs only; all: both (the only role with SQLite).
  SERVICE_ROLE: z.enum(SERVICE_ROLES).default("all"),
  // With PostgreSQL: how often a job whose worker process died is retried before it is failed.
  JOB_RETRY_LIMIT: count(2, 0),
  // With PostgreSQL: how often the queue looks for jobs whose worker went silent past their time.
  QUEUE_SUPERVISE_SECONDS: count(30),
  SOLVE_WORKERS: count(Math.max(1, availableParallelism() - 1)),
  SOLVE_QUEUE_LIMIT: count(16, 0),
  SOLVE_TIME_LIMIT_SECONDS: seconds(60),
  SOLVE_GRACE_SECONDS: seconds(15),
  SHUTDOWN_GRACE_SECONDS: seconds(30),
  // Empty: no demo plan.
  DEMO_PLAN: z.string().default(BUNDLED_DEMO_PLAN),
  // Cron pattern in Asia/Shanghai time; empty: no nightly replanning.
  REPLAN_CRON: z
    .string()
    .trim()
    .default(DEFAULT_REPLAN_CRON)
    .refine((p) => p === "" || isCronPattern(p), "not a cron pattern"),
  REPLAN_READINESS_DAYS: count(DEFAULT_READINESS_DAYS, 0),
});

export interface Config {
  /** What this process does: serve HTTP (api), solve queued jobs (worker), or both (all). */
  role: ServiceRole;
  host: string;
  port: number;
  /** A worker's port for /healthz and /metrics; undefined: it serves none. */
  metricsPort: number | undefined;
  /** The SQLite file, used when there is no databaseUrl. */
  databaseFile: string;
  /** PostgreSQL's connection URL; undefined: SQLite. */
  databaseUrl: string | undefined;
  logLevel: string;
  tokens: TokenTable | undefined;
  bodyLimit: number;
  rateLimit: { max: number; timeWindowMs: number };
  /** Proxies whose X-Forwarded-For names the client (rate limit, logs); empty: none. */
  trustedProxies: string[];
  pool: { size: number; queueLimit: number; timeLimitSeconds: number; graceSeconds: number };
  /** PostgreSQL's job queue: retries of a job whose worker died, and how often expired jobs are looked for. */
  queue: { retryLimit: number; superviseSeconds: number };
  shutdownGraceMs: number;
  demoPlan: string | undefined;
  /** Nightly replanning: the cron pattern (Asia/Shanghai; empty: off) and the readiness report's horizon. */
  replan: { cron: string; readinessDays: number };
}

export class ConfigError extends Error {}

/** A tokens file: `[{ "token", "role", "organisation" }]`, organisation a path such as 山东省/济宁市/金乡县. */
const tokensFileSchema = z.array(
  z.strictObject({
    token: z.string(),
    role: z.enum(["planner", "viewer"]),
    organisation: z
      .string()
      .regex(/^[^/\s]+(\/[^/\s]+){0,2}$/, "province, province/city or province/city/county"),
  }),
);

function readTokensFile(file: string): BoundToken[] {
  if (file === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`TOKENS_FILE ${file}: ${(error as Error).message}`);
  }
  const checked = tokensFileSchema.safeParse(parsed);
  if (!checked.success) {
    // Paths only: a message could quote a token.
    throw new ConfigError(
      `TOKENS_FILE ${file}: bad entries at ${checked.error.issues.map((i) => i.path.join(".")).join(", ")}`,
    );
  }
  return checked.data;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`bad environment: ${issues.join("; ")}`);
  }
  const e = parsed.data;
  const bound = readTokensFile(e.TOKENS_FILE);
  let tokens: TokenTable | undefined;
  try {
    tokens =
      e.PLANNER_TOKENS.length + e.VIEWER_TOKENS.length + bound.length === 0
        ? undefined
        : createTokenTable({ planner: e.PLANNER_TOKENS, viewer: e.VIEWER_TOKENS }, bound);
  } catch (error) {
    throw new ConfigError(`bad tokens: ${(error as Error).message}`);
  }
  if (e.SERVICE_ROLE !== "all" && e.DATABASE_URL === "") {
    throw new ConfigError(
      `SERVICE_ROLE=${e.SERVICE_ROLE} needs PostgreSQL (DATABASE_URL): with SQLite one process serves HTTP and solves, SERVICE_ROLE=all (使用 SQLite 时只能以 all 角色运行)`,
    );
  }
  if (tokens === undefined && !isLoopback(e.HOST)) {
    throw new ConfigError(
      `refusing to listen on ${e.HOST} without tokens: set PLANNER_TOKENS and/or VIEWER_TOKENS, or HOST=127.0.0.1`,
    );
  }
  return {
    role: e.SERVICE_ROLE,
    host: e.HOST,
    port: e.PORT,
    metricsPort: e.METRICS_PORT === "" ? undefined : Number(e.METRICS_PORT),
    databaseFile: resolve(e.DATA_DIR, "planner.sqlite"),
    databaseUrl: e.DATABASE_URL === "" ? undefined : e.DATABASE_URL,
    logLevel: e.LOG_LEVEL,
    tokens,
    bodyLimit: e.BODY_LIMIT_BYTES,
    rateLimit: { max: e.RATE_LIMIT_MAX, timeWindowMs: e.RATE_LIMIT_WINDOW_SECONDS * 1000 },
    trustedProxies: e.TRUSTED_PROXIES,
    pool: {
      size: e.SOLVE_WORKERS,
      queueLimit: e.SOLVE_QUEUE_LIMIT,
      timeLimitSeconds: e.SOLVE_TIME_LIMIT_SECONDS,
      graceSeconds: e.SOLVE_GRACE_SECONDS,
    },
    queue: { retryLimit: e.JOB_RETRY_LIMIT, superviseSeconds: e.QUEUE_SUPERVISE_SECONDS },
    shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
    demoPlan: e.DEMO_PLAN === "" ? undefined : resolve(e.DEMO_PLAN),
    replan: { cron: e.REPLAN_CRON, readinessDays: e.REPLAN_READINESS_DAYS },
  };
}
