import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { bottlenecks } from "../../solver/index.js";
import { bottleneckSchema, scheduleParams } from "../contract/api.js";
import { type ScheduleInput, scheduleSchema } from "../contract/index.js";
import { HEALTH_REASON_CODES, withoutHealthReasons } from "../contract/privacy.js";
import { planFromStored, scheduleFromStored } from "../storage/stored.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { notFound } from "./errors.js";

/** Only a schedule that names a health reason has anything to withhold; the rest go out as stored. */
function tellsHealth(json: Buffer): boolean {
  return HEALTH_REASON_CODES.some((code) => json.includes(code));
}

export const scheduleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage }) => {
  app.get(
    "/schedules/:scheduleId",
    {
      config: { access: "viewer" },
      schema: {
        summary: "One schedule, exactly as the solver wrote it",
        description:
          "Planners get the stored bytes. Viewers get the same schedule except that health reasons for " +
          "ineligibility (ART7_HEALTH_EXCLUDED, ART7_HEALTH_UNDECLARED) are replaced by one " +
          "ART7_HEALTH_WITHHELD reason: they are personal data.",
        operationId: "getSchedule",
        tags: ["schedules"],
        security: bearer,
        params: scheduleParams,
        response: { 200: scheduleSchema, ...errorResponses(404, 414) },
      },
    },
    async (request, reply) => {
      const json = (await storage.getScheduleJson(request.params.scheduleId)) ?? notFound("方案不存在");
      // The stored bytes go out as they are: exactly what was computed, and nothing to serialise.
      const shown =
        request.role === "planner" || !tellsHealth(json)
          ? json
          : JSON.stringify(withoutHealthReasons(scheduleFromStored(json.toString("utf8"))));
      return reply.type("application/json; charset=utf-8").send(shown as unknown as ScheduleInput);
    },
  );

  app.get(
    "/schedules/:scheduleId/bottlenecks",
    {
      config: { access: "viewer" },
      schema: {
        summary:
          "Which resource binds in a schedule: the budget, and staff, medics and places month by month",
        description:
          "Read against the plan the schedule answers: for a what-if run, the stored plan with the run's patch.",
        operationId: "getScheduleBottlenecks",
        tags: ["schedules"],
        security: bearer,
        params: scheduleParams,
        response: { 200: bottleneckSchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const { scheduleId } = request.params;
      const source = (await storage.getScheduleSource(scheduleId)) ?? notFound("方案不存在");
      // A what-if run's schedule answers the stored plan with the run's patch.
      const plan = planFromStored(source.planJson, source.planPatch);
      return { scheduleId, ...bottlenecks(plan, scheduleFromStored(source.scheduleJson)) };
    },
  );
};
