import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { validateResponseSchema } from "../contract/api.js";
import { validateRequestSchema } from "../contract/index.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { InvalidRequestError } from "./errors.js";
import { keepJsonBodiesAsText } from "./json-body.js";
import { passBodyThrough } from "./offload.js";

export const checkScheduleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { offload }) => {
  keepJsonBodiesAsText(app);

  app.post(
    "/validate",
    {
      // It changes nothing, so reading is enough.
      config: { access: "viewer" },
      schema: {
        summary: "Every rule a schedule breaks, each with its article; a draft is completed first",
        description:
          "The schedule may be a planner's draft: only its batches' venue, dates, cadres and staff are needed. Missing derived fields are computed; given ones that differ are listed in mismatches. 400 when the plan or the schedule breaks the contract, with every problem and its path.",
        operationId: "validateSchedule",
        tags: ["validation"],
        security: bearer,
        // Documents the body; the worker checks it against this same schema (parseValidateRequest).
        body: validateRequestSchema,
        response: { 200: validateResponseSchema, ...errorResponses(400, 413, 415) },
      },
      validatorCompiler: passBodyThrough,
    },
    async (request) => {
      const outcome = await offload.validate(request.body as unknown as string);
      if (!outcome.ok) throw new InvalidRequestError(outcome.problems);
      const { ok: _, ...verdict } = outcome;
      // The core's lists are readonly; the response schema's are not. The serializer only reads them.
      return verdict as unknown as z.output<typeof validateResponseSchema>;
    },
  );
};
