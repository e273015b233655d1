import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyReply } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import helmet from "helmet";
import type { Logger } from "pino";
import { authenticate, type TokenTable } from "./http/auth.js";
import { checkScheduleRoutes } from "./http/check-schedule.js";
import { cycleRoutes } from "./http/cycles.js";
import type { RouteDeps } from "./http/deps.js";
import { dossierRoutes } from "./http/dossier.js";
import { BAD_URL, HttpError, handleError, notFound } from "./http/errors.js";
import { excelRoutes } from "./http/excel.js";
import { frontierRoutes } from "./http/frontier.js";
import { jobRoutes } from "./http/jobs.js";
import { parseJsonBodies } from "./http/json-body.js";
import { Offload } from "./http/offload.js";
import { planDeskRoutes } from "./http/plan-desk.js";
import { planRoutes } from "./http/plans.js";
import { replanRoutes } from "./http/replan.js";
import { scheduleRoutes } from "./http/schedules.js";
import { systemRoutes } from "./http/system.js";
import { holdToTenant } from "./http/tenancy.js";
import { whatIfRoutes } from "./http/what-if.js";
import { zodValidatorCompiler } from "./http/zod-validator.js";
import { RequestLog } from "./log.js";
import { Frontiers } from "./services/frontier.js";
import { Replanner } from "./services/replanning.js";
import { BudgetSweeps } from "./services/what-if.js";
import { httpSeconds } from "./support/metrics.js";
import { runInScope } from "./support/tenancy.js";

// The app makes and closes its own offload pool.
export interface AppDeps extends Omit<RouteDeps, "offload" | "frontiers"> {
  logger: Logger;
  /** Bearer tokens by role; undefined lets every caller act as planner (server.ts allows it on loopback only). */
  tokens: TokenTable | undefined;
  /** Largest request body in bytes; past it, 413. */
  bodyLimit: number;
  /** Requests per client address per window; past it, 429. */
  rateLimit: { max: number; timeWindowMs: number };
  /**
   * Reverse proxies whose X-Forwarded-For names the client (addresses, CIDR blocks or proxy-addr's range
   * names). Trusting none keeps a client from choosing its own address; behind a proxy, though, every client
   * would share the proxy's address and one rate limit.
   */
  trustedProxies?: readonly string[] | undefined;
  /** Events and replans; one over storage and jobs when absent (server.ts shares its own with the scheduler). */
  replanner?: Replanner | undefined;
  /** Budget sweeps and their reasons; one over storage and jobs when absent (server.ts shares its own with the queue). */
  sweeps?: BudgetSweeps | undefined;
  /** The calendar day in Asia/Shanghai, for a replanner made here; tests fix it. */
  today?: (() => string) | undefined;
  /**
   * Budget frontiers; when absent, one that only answers what is stored (server.ts passes one that computes
   * each plan's frontier in the background, and loads the demo plan's).
   */
  frontiers?: Frontiers | undefined;
  /** The built workbench page (vite build), served at /; default dist/web. */
  webRoot?: string | undefined;
}

/** dist/web, where `vite build` writes the page; under vitest this module runs from src/, beside dist/. */
function builtWebRoot(): string {
  return fileURLToPath(
    import.meta.url.endsWith(".ts")
      ? new URL("../dist/web/", import.meta.url)
      : new URL("../web/", import.meta.url),
  );
}

/** The OpenAPI document's groups of operations; generated clients and /docs group methods by them. */
const API_TAGS = [
  { name: "plans", description: "计划：提交、查看、求解 (submit, read and solve a plan)" },
  {
    name: "evaluation",
    description: "批次档案与绩效评价 (each batch's dossier, Art. 9–13, and the year's evaluation, Art. 16)",
  },
  {
    name: "jobs",
    description: "任务：求解等后台任务的进度与取消 (progress and cancelling of background jobs)",
  },
  {
    name: "schedules",
    description: "方案：求解得到的安排方案及其瓶颈 (the schedules a solve stored, and what binds them)",
  },
  {
    name: "what-if",
    description:
      "比较与推演：候选方案对比、预算与情景推演 (candidates side by side, budget sweeps, scenarios)",
  },
  { name: "replanning", description: "调整：事件、重新编排与出行准备 (events, replanning, readiness)" },
  {
    name: "cycles",
    description:
      "疗养周期：市县合计、推荐申报与优先推荐 (one cycle, city and counties; recommendations, nominees)",
  },
  {
    name: "validation",
    description: "校验：检查任一方案或计划员的草案 (check any schedule or a planner's draft)",
  },
  {
    name: "excel",
    description: "表格：名册模板、导入与方案导出 (roster template and import, schedule exports)",
  },
  { name: "system", description: "服务状态 (service health)" },
];

const REQUEST_ID = /^[\w.:-]{1,64}$/;

// A URL the router cannot decode (a bad percent-encoding) is sent here rather than refused by the router
// itself, so its 400 passes the hooks every request does: request id, security headers, rate limit, log.
const UNREADABLE_URL = "/_unreadable-url";

function routableUrl(url: string): string {
  // Absolute-form targets are the router's to read; what it cannot read gets frameworkErrors below.
  if (!url.startsWith("/")) return url;
  const path = url.split(/[?#]/, 1)[0] ?? "";
  try {
    decodeURI(path);
    return url;
  } catch {
    return UNREADABLE_URL;
  }
}

/** The service as a fastify instance, not yet listening; the caller owns storage and jobs and closes them. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new RequestLog(),
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
    rewriteUrl: (request) => routableUrl(request.url ?? "/"),
    // Ids are bounded by the params schemas (a 400 with a path); the router's own, smaller limit would
    // answer a bare 414 that skips the error format and every hook.
    routerOptions: { maxParamLength: 64 * 1024 },
    // Whatever the router still refuses gets the service's error format, at least.
    frameworkErrors: (_error, request, reply: FastifyReply) => {
      reply.header("x-request-id", request.id).code(400).send(BAD_URL);
    },
    // A caller's own request id is kept when it is a sane one, so its logs and ours line up.
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(zodValidatorCompiler);
  // Response schemas document the API and type the handlers; encoding a city plan through zod would cost
  // the HTTP thread some 50 ms per answer, so answers are plain JSON.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  parseJsonBodies(app);
  app.setNotFoundHandler(() => notFound());

  // First of all: each request its own scope, which authenticate() may bind to an organisation (tenancy.ts).
  // Called back inside the scope, fastify runs the rest of the request within it.
  app.addHook("onRequest", (_request, _reply, done) => runInScope(done));
  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  // Every answer's time for /metrics, under its route's pattern: ids in URLs would make a series per plan.
  app.addHook("onResponse", async (request, reply) => {
    httpSeconds.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });

  // The service speaks plain HTTP (behind a proxy for TLS), so the page must not be told to upgrade its
  // requests to https; the rest of helmet's policy (same-origin scripts, inline styles for antd) stands.
  // Built once: @fastify/helmet builds helmet's middleware again on every request, about a fifth of a cheap
  // route's time (bench/RESULTS.md, Budget frontier).
  const securityHeaders = helmet({
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app.addHook("onRequest", (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()));
  await app.register(rateLimit, { max: deps.rateLimit.max, timeWindow: deps.rateLimit.timeWindowMs });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "荣誉疗养 planner",
        version: "1",
        description:
          "Plans in, schedules out (CONTRACT.md). Bearer tokens: planner may write and read, viewer may read. " +
          "On loopback with no tokens configured, every caller is a planner.",
      },
      // Relative: the document is served by the service it describes, wherever that listens.
      servers: [{ url: "/", description: "This service (HOST, PORT; 127.0.0.1:3000 by default)" }],
      tags: API_TAGS,
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
    // Schemas with a zod `id` (Plan, Schedule, Venue, …) become components, referenced wherever they recur.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  const offload = new Offload();
  app.addHook("onClose", () => offload.close());
  const frontiers =
    deps.frontiers ??
    new Frontiers({ storage: deps.storage, jobs: deps.jobs, log: deps.logger, auto: false });
  const routeDeps: RouteDeps = { storage: deps.storage, jobs: deps.jobs, offload, frontiers };
  const replanner =
    deps.replanner ??
    new Replanner({
      storage: deps.storage,
      jobs: deps.jobs,
      log: deps.logger.child({ component: "replan" }),
      today: deps.today,
    });
  const sweeps =
    deps.sweeps ?? new BudgetSweeps(deps.storage, deps.jobs, deps.logger.child({ component: "what-if" }));
  await app.register(systemRoutes, routeDeps);
  app.all(UNREADABLE_URL, { schema: { hide: true } }, async () => {
    throw new HttpError(400, BAD_URL.code, BAD_URL.message);
  });
  const webRoot = deps.webRoot ?? builtWebRoot();
  if (existsSync(join(webRoot, "index.html"))) {
    // The page's routes live after the # (hash routing), so the files themselves are all there is to serve;
    // a path with no file falls through to the JSON 404, and /v1, /docs and /openapi.json keep their routes.
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: "/",
      decorateReply: false,
      setHeaders: (reply, path) => {
        // Vite names assets by content hash; index.html must be fetched afresh to name the new ones.
        reply.header(
          "cache-control",
          path.includes(join("assets", "")) ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    });
  }
  await app.register(
    async (v1) => {
      // Least privilege until authenticate() has looked at the token.
      v1.decorateRequest("role", "viewer");
      v1.decorateRequest("principal", "");
      v1.decorateRequest("organisation", undefined);
      v1.addHook("onRequest", authenticate(deps.tokens));
      v1.addHook("preHandler", holdToTenant(deps.storage));
      await v1.register(planRoutes, routeDeps);
      await v1.register(planDeskRoutes, routeDeps);
      await v1.register(jobRoutes, routeDeps);
      await v1.register(scheduleRoutes, routeDeps);
      await v1.register(checkScheduleRoutes, routeDeps);
      await v1.register(whatIfRoutes, { ...routeDeps, sweeps });
      await v1.register(frontierRoutes, routeDeps);
      await v1.register(excelRoutes, routeDeps);
      await v1.register(replanRoutes, { ...routeDeps, replanner });
      await v1.register(cycleRoutes, { ...routeDeps, replanner });
      await v1.register(dossierRoutes, { ...routeDeps, replanner });
    },
    { prefix: "/v1" },
  );
  return app;
}
