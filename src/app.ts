import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { authenticate, type TokenTable } from "./http/auth.js";
import type { RouteDeps } from "./http/deps.js";
import { handleError, notFound } from "./http/errors.js";
import { excelRoutes } from "./http/excel.js";
import { jobRoutes } from "./http/jobs.js";
import { Offload } from "./http/offload.js";
import { planDeskRoutes } from "./http/plan-desk.js";
import { planRoutes } from "./http/plans.js";
import { replanRoutes } from "./http/replan.js";
import { scheduleRoutes } from "./http/schedules.js";
import { systemRoutes } from "./http/system.js";
import { validateRoutes } from "./http/validate.js";
import { validatorCompiler } from "./http/validation.js";
import { workflowRoutes } from "./http/workflows.js";
import { RequestLog } from "./log.js";
import { Replanner } from "./replan/service.js";

// The app makes and closes its own offload pool.
export interface AppDeps extends Omit<RouteDeps, "offload"> {
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
  /** The calendar day in Asia/Shanghai, for a replanner made here; tests fix it. */
  today?: (() => string) | undefined;
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

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** The service as a fastify instance, not yet listening; the caller owns storage and jobs and closes them. */
export async function buildApp(deps: AppDeps) {
  const app = Fastify({
    loggerInstance: deps.logger,
    logController: new RequestLog(),
    bodyLimit: deps.bodyLimit,
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
    // A caller's own request id is kept when it is a sane one, so its logs and ours line up.
    genReqId: (request) => {
      const given = request.headers["x-request-id"];
      return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API and type the handlers; encoding a city plan through zod would cost
  // the HTTP thread some 50 ms per answer, so answers are plain JSON.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(() => notFound());

  app.addHook("onRequest", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  // The service speaks plain HTTP (behind a proxy for TLS), so the page must not be told to upgrade its
  // requests to https; the rest of helmet's policy (same-origin scripts, inline styles for antd) stands.
  await app.register(helmet, { contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } });
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
      components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
    // Schemas with a zod `id` (Plan, Schedule, Venue, …) become components, referenced wherever they recur.
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  const offload = new Offload();
  app.addHook("onClose", () => offload.close());
  const routeDeps: RouteDeps = { storage: deps.storage, jobs: deps.jobs, offload };
  const replanner =
    deps.replanner ??
    new Replanner({
      storage: deps.storage,
      jobs: deps.jobs,
      log: deps.logger.child({ component: "replan" }),
      today: deps.today,
    });
  await app.register(systemRoutes, routeDeps);
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
      v1.addHook("onRequest", authenticate(deps.tokens));
      await v1.register(planRoutes, routeDeps);
      await v1.register(planDeskRoutes, routeDeps);
      await v1.register(jobRoutes, routeDeps);
      await v1.register(scheduleRoutes, routeDeps);
      await v1.register(validateRoutes, routeDeps);
      await v1.register(workflowRoutes, routeDeps);
      await v1.register(excelRoutes, routeDeps);
      await v1.register(replanRoutes, { ...routeDeps, replanner });
    },
    { prefix: "/v1" },
  );
  return app;
}
