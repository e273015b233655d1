import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { bottlenecks, type Plan, type Schedule } from "../../solver/index.js";
import { type ScheduleInput, scheduleSchema } from "../contract/index.js";
import { applyMergePatch } from "../merge-patch.js";
import { HEALTH_REASON_CODES, withoutHealthReasons } from "../privacy.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { notFound } from "./errors.js";
import { bottleneckSchema, scheduleParams } from "./schemas.js";

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
          : JSON.stringify(withoutHealthReasons(JSON.parse(json.toString("utf8")) as ScheduleInput));
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
      const stored: unknown = JSON.parse(source.planJson);
      const plan = (
        source.planPatch === null ? stored : applyMergePatch(stored, JSON.parse(source.planPatch))
      ) as Plan;
      return { scheduleId, ...bottlenecks(plan, JSON.parse(source.scheduleJson) as Schedule) };
    },
  );
};
