import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { validateSchedule } from "../../solver/index.js";
import { validateRequestSchema } from "../contract/index.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { validateResponseSchema } from "./schemas.js";

export const validateRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app) => {
  app.post(
    "/validate",
    {
      // It changes nothing, so reading is enough.
      config: { access: "viewer" },
      schema: {
        summary: "Every rule a schedule breaks, each with its article",
        description:
          "400 when the plan or the schedule breaks the contract, with every problem and its path.",
        tags: ["validation"],
        security: bearer,
        body: validateRequestSchema,
        response: { 200: validateResponseSchema, ...errorResponses(400, 413, 415) },
      },
    },
    async (request) => {
      const violations = validateSchedule(request.body.plan, request.body.schedule);
      return { valid: violations.length === 0, violations };
    },
  );
};
