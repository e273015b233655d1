import { Histogram, Registry } from "prom-client";

// What the process measures as it goes, for /metrics (src/http/system.ts adds what it reads at scrape time).
// prom-client writes the Prometheus text format; its buckets are in seconds.

export const processMetrics = new Registry();

/** One task of a job on a solve thread (a candidate's solve, a budget run, a replan), by its kind. */
export const solveSeconds = new Histogram({
  name: "planner_solve_seconds",
  help: "Seconds one task of a job took on a solve thread, by task kind",
  labelNames: ["kind"] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 20, 40, 60, 120, 300],
  registers: [processMetrics],
});

/** Each HTTP answer, by method, route pattern (never the raw URL, which carries ids) and status. */
export const httpSeconds = new Histogram({
  name: "planner_http_request_seconds",
  help: "Seconds from a request's arrival to its answer, by method, route and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [processMetrics],
});
