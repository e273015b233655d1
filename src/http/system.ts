import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { errorSchema, healthSchema } from "../contract/api.js";
import type { RouteDeps } from "./deps.js";

export const systemRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, jobs }) => {
  app.get(
    "/healthz",
    {
      // A probe must not fail because some client floods the service.
      config: { rateLimit: false },
      schema: {
        summary: "200 when the service can take work: storage answers and solve workers are up",
        operationId: "getHealth",
        tags: ["system"],
        // Open to all, for load balancers and probes; the rate limit still applies.
        security: [],
        response: { 200: healthSchema, 503: healthSchema, 429: errorSchema, 500: errorSchema },
      },
    },
    async (_request, reply) => {
      const storageUp = await storage.ping().then(
        () => true,
        () => false,
      );
      return storageUp && jobs.accepting
        ? reply.send({ status: "ok" })
        : reply.code(503).send({ status: "unavailable" });
    },
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
};
