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
      const database = await answers(storage.ping());
      const queue = jobs.accepting ? await answers(jobs.waiting()) : "down";
      const ok = database === "up" && queue === "up";
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", database, queue });
    },
  );

  // Read at scrape time from storage and the queue, so every instance reports the same jobs and depth.
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
  const metrics = Registry.merge([processMetrics, scraped]);

  app.get(
    "/metrics",
    {
      config: { rateLimit: false },
      schema: {
        summary: "Prometheus metrics: jobs by state, queue depth, solve seconds, HTTP latency",
        description:
          "Prometheus text format. Counts and times only, never a plan's content. Worker processes " +
          "(SERVICE_ROLE=worker) serve no HTTP: their solve times appear in no instance's metrics.",
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
