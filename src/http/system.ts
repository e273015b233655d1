import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Gauge, Registry } from "prom-client";
import { z } from "zod";
import { errorSchema, healthSchema, JOB_STATUSES } from "../contract/api.js";
import { processMetrics } from "../support/metrics.js";
import type { RouteDeps } from "./deps.js";

const answers = <T>(probe: Promise<T>) =>
  probe.then(
    () => "up" as const,
    () => "down" as const,
  );

type Probed = Pick<RouteDeps, "storage" | "jobs">;

/** Whether the process can take work: the database answers and jobs can be queued (or taken). */
export async function healthOf({ storage, jobs }: Probed) {
  const database = await answers(storage.ping());
  const queue = jobs.accepting ? await answers(jobs.waiting()) : "down";
  const ok = database === "up" && queue === "up";
  return { ok, body: { status: ok ? ("ok" as const) : ("unavailable" as const), database, queue } };
}

/**
 * The process's own measures (solve seconds, HTTP latency) and what is read at scrape time from storage and
 * the queue, so every instance reports the same jobs and depth.
 */
export function metricsOf({ storage, jobs }: Probed): Registry {
  const scraped = new Registry();
  new Gauge({
    name: "planner_jobs",
    help: "Jobs in the database, by state",
    labelNames: ["state"] as const,
    registers: [scraped],
    async collect() {
      const counts = await storage.countJobs();
      for (const state of JOB_STATUSES) this.set({ state }, counts[state] ?? 0);
    },
  });
  new Gauge({
    name: "planner_queue_depth",
    help: "Jobs waiting for a solve worker",
    registers: [scraped],
    async collect() {
      this.set(await jobs.waiting());
    },
  });
  return Registry.merge([processMetrics, scraped]);
}

export const systemRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs }) => {
  app.get(
    "/healthz",
    {
      // A probe must not fail because some client floods the service.
      config: { rateLimit: false },
      schema: {
        summary: "200 when the service can take work: the database answers and jobs can be queued",
        operationId: "getHealth",
        tags: ["system"],
        // Open to all, for load balancers and probes; the rate limit still applies.
        security: [],
        response: { 200: healthSchema, 503: healthSchema, 429: errorSchema, 500: errorSchema },
      },
    },
    async (_request, reply) => {
      const { ok, body } = await healthOf({ storage, jobs });
      return reply.code(ok ? 200 : 503).send(body);
    },
  );

  const metrics = metricsOf({ storage, jobs });

  app.get(
    "/metrics",
    {
      config: { rateLimit: false },
      schema: {
        summary: "Prometheus metrics: jobs by state, queue depth, solve seconds, HTTP latency",
        description:
          "Prometheus text format. Counts and times only, never a plan's content. Worker processes " +
          "(SERVICE_ROLE=worker) serve their own /metrics and /healthz on METRICS_PORT, for their solve times.",
        operationId: "getMetrics",
        tags: ["system"],
        security: [],
        produces: ["text/plain"],
        response: { 200: z.string(), 429: errorSchema, 500: errorSchema },
      },
    },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
};
