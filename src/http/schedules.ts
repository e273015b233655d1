import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ScheduleInput, scheduleSchema } from "../contract/index.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { notFound } from "./errors.js";
import { scheduleParams } from "./schemas.js";

export const scheduleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage }) => {
  app.get(
    "/schedules/:scheduleId",
    {
      config: { access: "viewer" },
      schema: {
        summary: "One schedule, exactly as the solver wrote it",
        tags: ["schedules"],
        security: bearer,
        params: scheduleParams,
        response: { 200: scheduleSchema, ...errorResponses(404) },
      },
    },
    async (request, reply) => {
      const json = (await storage.getScheduleJson(request.params.scheduleId)) ?? notFound("方案不存在");
      // The stored bytes go out as they are: exactly what was computed, and nothing to serialise.
      return reply.type("application/json; charset=utf-8").send(json as unknown as ScheduleInput);
    },
  );
};
