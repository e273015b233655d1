import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { eligibilityReport } from "../../solver/index.js";
import { planParams } from "../contract/api.js";
import { budgetSchema, dateRangeSchema, policySchema } from "../contract/index.js";
import { performanceTargetsSchema } from "../contract/plan.js";
import { withHealthWithheld } from "../contract/privacy.js";
import { PLAN_STATES } from "../storage/storage.js";
import { planFromStored } from "../storage/stored.js";
import { bearer, errorResponses, personalDataFor, type RouteDeps } from "./deps.js";
import { HttpError, InvalidRequestError, planNotFound } from "./errors.js";

// What the workbench needs beside the contract's routes: the plans list, editing a plan's budget, window and
// policy, and who may go with the fields a planner filters by.

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).describe("1-based page; default 1"),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).describe("Plans per page, 1–100; default 20"),
});

const planListSchema = z.object({
  total: z.int().min(0).describe("Plans stored in all"),
  page: z.int().min(1),
  pageSize: z.int().min(1),
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string().nullable().describe("The plan's optional name field; null: none"),
      organizer: z.object({
        level: z.string(),
        province: z.string(),
        city: z.string(),
        county: z.string().nullable().optional(),
      }),
      cycle: z.object({ id: z.string(), start: z.string(), end: z.string() }),
      planningWindow: z.object({ start: z.string(), end: z.string() }),
      budgetTotal: z.number().describe("budget.total, yuan"),
      createdAt: z.string(),
      updatedAt: z.string().describe("The last edit (PATCH), else createdAt"),
      state: z
        .enum(PLAN_STATES)
        .describe(
          "solving: a job queued or running; versioned: a replanned version stored; solved: schedules stored; unsolved: none",
        ),
    }),
  ),
});

const planEditSchema = z
  .strictObject({
    name: z.string().min(1).max(100).optional().describe("The plan's name, for people"),
    budget: budgetSchema.optional().describe("Replaces the plan's budget whole"),
    planningWindow: dateRangeSchema("the planning window").optional().describe("Replaces the window"),
    policy: policySchema.optional().describe("Replaces the policy whole"),
    performanceTargets: performanceTargetsSchema
      .optional()
      .describe("Replaces the performance targets whole (Art. 16); 409 once a batch has departed"),
  })
  .describe("The fields to replace; the edited plan is checked against the contract whole");

const reasonsSchema = z.array(
  z.object({ code: z.string(), article: z.int(), message: z.string().describe("The reason in Chinese") }),
);

const eligibilitySchema = z.object({
  personalData: z.enum(["included", "withheld"]).describe("withheld: a viewer; no names, health withheld"),
  cadres: z.array(
    z.object({
      cadreId: z.string(),
      name: z.string().optional().describe("Planners only"),
      county: z.string().nullable(),
      institution: z.string().nullable(),
      eligible: z.boolean(),
      tier: z.int().nullable().describe("Priority tier (RULES.md §4); null when ineligible"),
      rank: z.int().nullable().describe("Rank in the priority order, 1 first; null when ineligible"),
      reasons: reasonsSchema.describe("Why not (article and Chinese message); empty when eligible"),
    }),
  ),
  excludedVenues: z.array(
    z.object({ venueId: z.string(), name: z.string().nullable(), reasons: reasonsSchema }),
  ),
});

export const planDeskRoutes: FastifyPluginAsyncZod<RouteDeps> = async (
  app,
  { storage, offload, frontiers },
) => {
  app.get(
    "/session",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The caller's role, for a page to show what it may do",
        operationId: "getSession",
        tags: ["system"],
        security: bearer,
        response: { 200: z.object({ role: z.enum(["viewer", "planner"]) }), ...errorResponses() },
      },
    },
    async (request) => ({ role: request.role }),
  );

  app.get(
    "/plans",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Stored plans, the most recently changed first, a page at a time",
        operationId: "listPlans",
        tags: ["plans"],
        security: bearer,
        querystring: listQuery,
        response: { 200: planListSchema, ...errorResponses(400) },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const { total, items } = await storage.listPlans({ offset: (page - 1) * pageSize, limit: pageSize });
      return { total, page, pageSize, items };
    },
  );

  app.patch(
    "/plans/:id",
    {
      config: { access: "planner" },
      schema: {
        summary: "Edit a plan's name, budget, planning window, policy or performance targets",
        description:
          "Each field given replaces the stored one whole; the edited plan is checked against the contract " +
          "and a 400 lists every problem with its path. Stored schedules stay as they were; the next solve, " +
          "what-if or replan uses the edited plan. Performance targets are fixed once the first batch has " +
          "departed (409).",
        operationId: "editPlan",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        body: planEditSchema,
        response: {
          200: z.object({ id: z.string(), updatedAt: z.string() }),
          ...errorResponses(400, 403, 404, 409, 413, 414, 415),
        },
      },
    },
    async (request) => {
      const record = (await storage.getPlan(request.params.id)) ?? planNotFound();
      // Art. 16: targets are set before the year runs; after a departure they would be moved to fit the result.
      if (
        request.body.performanceTargets !== undefined &&
        (await storage.listEvents(record.id)).some((e) => e.type === "batch_departed")
      )
        throw new HttpError(409, "CONFLICT", "已有批次出发，绩效目标不能再修改（第十六条）");
      const edited = { ...planFromStored(record.json), ...request.body };
      const outcome = await offload.plan(JSON.stringify(edited));
      // The edit replaces top-level fields, so a problem's path into the plan is its path into the body.
      if (!outcome.ok) throw new InvalidRequestError(outcome.problems);
      const updatedAt = new Date().toISOString();
      if (!(await storage.updatePlan(record.id, outcome.json, updatedAt))) planNotFound();
      void frontiers.changed(record.id);
      return { id: record.id, updatedAt };
    },
  );

  app.get(
    "/plans/:id/eligibility",
    {
      config: { access: "viewer" },
      schema: {
        summary: "Who may go (tier, rank), who may not and why, and the venues that may not be used",
        description:
          "Every cadre in roster order with county and institution. Viewers get no names, and a cadre's health " +
          "reasons become one ART7_HEALTH_WITHHELD reason.",
        operationId: "getEligibility",
        tags: ["plans"],
        security: bearer,
        params: planParams,
        response: { 200: eligibilitySchema, ...errorResponses(404, 414) },
      },
    },
    async (request) => {
      const record = (await storage.getPlan(request.params.id)) ?? planNotFound();
      const plan = planFromStored(record.json);
      const report = eligibilityReport(plan);
      const { whole, personalData } = personalDataFor(request.role);
      const eligible = new Map(report.eligible.map((e) => [e.cadreId, e]));
      const ineligible = new Map(report.ineligible.map((e) => [e.cadreId, e.reasons]));
      const shown = (reasons: readonly { code: string; article: number; message: string }[]) =>
        whole ? [...reasons] : [...withHealthWithheld({ reasons }).reasons];
      const venueNames = new Map(plan.venues.map((v) => [v.id, v.name ?? null]));
      return {
        personalData,
        cadres: plan.cadres.map((cadre) => {
          const yes = eligible.get(cadre.id);
          return {
            cadreId: cadre.id,
            ...(whole && cadre.name !== undefined ? { name: cadre.name } : {}),
            county: cadre.placement.county ?? null,
            institution: cadre.placement.institution ?? null,
            eligible: yes !== undefined,
            tier: yes?.tier ?? null,
            rank: yes?.rank ?? null,
            reasons: shown(ineligible.get(cadre.id) ?? []),
          };
        }),
        excludedVenues: report.excludedVenues.map((v) => ({
          venueId: v.venueId,
          name: venueNames.get(v.venueId) ?? null,
          reasons: v.reasons,
        })),
      } as const;
    },
  );
};
