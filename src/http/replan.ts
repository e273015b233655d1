import type { FastifySchemaCompiler } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import { jobAcceptedSchema, planParams } from "../contract/api.js";
import {
  eventsBodySchema,
  MAX_EVENTS_PER_REQUEST,
  type PlanEvent,
  parseEventsBody,
} from "../contract/events.js";
import { omitPersonal } from "../contract/privacy.js";
import {
  eventLogSchema,
  eventsAcceptedSchema,
  eventsQuery,
  readinessQuery,
  readinessSchema,
} from "../contract/replan.js";
import type { Replanner } from "../services/replanning.js";
import { eventFromStored } from "../storage/stored.js";
import { bearer, errorResponses, personalDataFor, type RouteDeps, requirePlan } from "./deps.js";
import { HttpError, InvalidRequestError, notFound, planNotFound } from "./errors.js";
import { answerSubmit } from "./jobs.js";
import { zodValidatorCompiler } from "./zod-validator.js";

export interface ReplanRouteDeps extends RouteDeps {
  replanner: Replanner;
}

/**
 * The events body is one event or an array; a zod union would report a bad event as "matches no option" at
 * the root, so the body is checked against whichever of the two it is, with the failing event's path.
 */
const eventsValidator: FastifySchemaCompiler<unknown> = (route) => {
  if (route.httpPart !== "body") return zodValidatorCompiler({ ...route, schema: route.schema as z.ZodType });
  return (data) => {
    const parsed = parseEventsBody(data);
    return parsed.ok ? { value: data } : { error: new InvalidRequestError(parsed.problems) };
  };
};

const WITHHELD = "（仅对计划员显示）";

/**
 * An event as a viewer may see it: no cadre's name, birth date or health, no staff member's name, no service
 * group's person in charge or phone, no survey comment, no account of how an incident was handled.
 */
function withoutPersonal(event: PlanEvent): PlanEvent {
  switch (event.type) {
    case "cadre_added":
    case "cadre_recommended":
      return { ...event, cadre: omitPersonal(event.cadre) as typeof event.cadre };
    case "cadre_updated":
      return { ...event, changes: omitPersonal(event.changes) };
    case "staff_added":
      return { ...event, staff: omitPersonal(event.staff) as typeof event.staff };
    case "staff_updated":
      return { ...event, changes: omitPersonal(event.changes) };
    case "batch_service_groups_recorded":
      return {
        ...event,
        organiser: omitPersonal(event.organiser) as typeof event.organiser,
        host: omitPersonal(event.host) as typeof event.host,
      };
    // A comment may name people, and how an incident was handled may tell a cadre's health.
    case "satisfaction_recorded":
      return { ...event, responses: event.responses.map(({ comment: _, ...r }) => r) };
    case "incident_recorded":
      return { ...event, handling: WITHHELD };
    default:
      return event;
  }
}

export const replanRoutes: FastifyPluginAsyncZod<ReplanRouteDeps> = async (
  app,
  { storage, replanner, frontiers },
) => {
  app.post(
    "/plans/:id/events",
    {
      config: { access: "planner" },
      validatorCompiler: eventsValidator,
      schema: {
        summary: "Record events: withdrawals, changes, readiness, publications, departures, completions",
        description:
          `One event or an array of up to ${MAX_EVENTS_PER_REQUEST}, stored append-only with who sent them and ` +
          "when, all or none. 400 lists every problem with its path into the body (/1/cadreId: the second " +
          "event's cadreId): a bad shape, an id the plan does not have (UNKNOWN_ID, DUPLICATE_ID), an attended " +
          "cadre not in the batch (NOT_IN_BATCH), or a plan the events would leave outside the contract. 409: a " +
          "batch event that does not name the current version, comes before its date, repeats a step, or " +
          "arrives while the plan is being replanned (jobId); or any event that would make a departed or " +
          "completed batch break a rule (what happened cannot be unmade).",
        operationId: "recordEvents",
        tags: ["replanning"],
        security: bearer,
        params: planParams,
        body: eventsBodySchema,
        response: { 201: eventsAcceptedSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415) },
      },
    },
    async (request, reply) => {
      const parsed = parseEventsBody(request.body);
      if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
      const outcome = await replanner.record(
        request.params.id,
        parsed.events,
        parsed.pointer,
        request.principal,
      );
      switch (outcome.kind) {
        case "no-plan":
          return planNotFound();
        case "invalid":
          throw new InvalidRequestError(outcome.problems);
        case "conflict":
          throw new HttpError(409, "CONFLICT", outcome.message, {
            ...(outcome.jobId === undefined ? {} : { jobId: outcome.jobId }),
            ...(outcome.openItems === undefined ? {} : { openItems: outcome.openItems }),
          });
        case "stored":
          void frontiers.changed(request.params.id);
          return reply
            .code(201)
            .send({ stored: outcome.last - outcome.first + 1, sequence: [outcome.first, outcome.last] });
      }
    },
  );

  app.get(
    "/plans/:id/events",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The plan's events: the audit trail",
        description:
          "In sequence order, each with who sent it (role and token fingerprint) and when. Viewers get the " +
          "events without names, birth dates and health.",
        operationId: "listEvents",
        tags: ["replanning"],
        security: bearer,
        params: planParams,
        querystring: eventsQuery,
        response: { 200: eventLogSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const planId = request.params.id;
      await requirePlan(storage, planId);
      const { whole, personalData } = personalDataFor(request.role);
      const events = await storage.listEvents(planId, request.query.after);
      return {
        planId,
        personalData,
        events: events.map((e) => {
          const event = eventFromStored(e.payload);
          return {
            sequence: e.sequence,
            type: e.type,
            sentBy: e.sentBy,
            receivedAt: e.receivedAt,
            event: whole ? event : withoutPersonal(event),
          };
        }),
      } as const;
    },
  );

  app.post(
    "/plans/:id/replan",
    {
      config: { access: "planner" },
      schema: {
        summary: "Replan now: the nightly replanning, on demand",
        description:
          "Queues a job that makes the next schedule version from the current one and every event so far " +
          "(the first replan solves version 1). Its result holds { scheduleId, version, diff, notify, " +
          "readiness, figures }. One replan per plan at a time (a lock in the database): 409 with the " +
          "running job's id. Until the job commits, the previous version stays current.",
        operationId: "replanPlan",
        tags: ["replanning"],
        security: bearer,
        params: planParams,
        response: { 202: jobAcceptedSchema, ...errorResponses(400, 403, 404, 409, 413, 414, 415, 503) },
      },
    },
    async (request, reply) => {
      return answerSubmit(reply, await replanner.submit(request.params.id, "request"), "重新排程");
    },
  );

  app.get(
    "/plans/:id/readiness",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Readiness for departure (Art. 7, 10) on the current version",
        description:
          "Batches departing within `days` whose participants lack a signed safety agreement or accident " +
          "insurance, and batches yet to depart that no longer have a medic able to travel. 404 until the " +
          "plan has a version.",
        operationId: "getReadiness",
        tags: ["replanning"],
        security: bearer,
        params: planParams,
        querystring: readinessQuery,
        response: { 200: readinessSchema, ...errorResponses(400, 404, 414) },
      },
    },
    async (request) => {
      const { days, today } = request.query;
      const outcome = await replanner.readiness(request.params.id, today ?? replanner.day(), days);
      switch (outcome.kind) {
        case "no-plan":
          return planNotFound();
        case "no-version":
          return notFound("该计划尚无排程版本，请先重新排程");
        case "ok":
          return outcome.readiness;
      }
    },
  );
};
