import { createServer } from "node:http";
import type { RouteDeps } from "./deps.js";
import { healthOf, metricsOf } from "./system.js";

// A worker process (SERVICE_ROLE=worker) serves no API, yet its solve times are its own to report: it
// answers GET /healthz and GET /metrics on METRICS_PORT, the same answers an API instance gives there.
// node:http, not a second fastify app: two fixed routes, no bodies, nothing to validate.

export interface WorkerProbe {
  port: number;
  close(): Promise<void>;
}

export async function serveWorkerProbe(
  deps: Pick<RouteDeps, "storage" | "jobs">,
  host: string,
  port: number,
): Promise<WorkerProbe> {
  const metrics = metricsOf(deps);
  const server = createServer((request, response) => {
    const answer = async () => {
      if (request.method !== "GET") return response.writeHead(405, { allow: "GET" }).end();
      if (request.url === "/metrics")
        return response.writeHead(200, { "content-type": metrics.contentType }).end(await metrics.metrics());
      if (request.url === "/healthz") {
        const { ok, body } = await healthOf(deps);
        return response
          .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
          .end(JSON.stringify(body));
      }
      return response.writeHead(404).end();
    };
    answer().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === "object" && address !== null ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
