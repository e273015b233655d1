import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorSchema, planParams, scheduleParams, validateResponseSchema } from "../contract/api.js";
import { cadreSchema, staffSchema, venueSchema } from "../contract/index.js";
import { exportScheduleCsv, exportScheduleXlsx, rosterTemplate, XLSX_TYPE } from "../excel/index.js";
import { planFromStored, scheduleFromStored } from "../storage/stored.js";
import { bearer, errorResponses, type RouteDeps } from "./deps.js";
import { HttpError, notFound, planNotFound } from "./errors.js";

// Spreadsheets: the roster template, roster import, schedule export. The work is in src/excel.

const CSV_TYPE = "text/csv";
const BINARY_TYPE = "application/octet-stream";
const UPLOAD_TYPES = [XLSX_TYPE, CSV_TYPE, BINARY_TYPE];

const binary = (what: string) => z.string().meta({ format: "binary" }).describe(what);

const fileBody = z
  .custom<Buffer>((value) => Buffer.isBuffer(value), { error: "请求体应为名册文件（.xlsx 或 CSV）" })
  .meta({ type: "string", format: "binary" })
  .describe("The roster file as it is, not a form upload");

const importQuery = z.object({
  format: z
    .enum(["xlsx", "csv"])
    .optional()
    .describe("The file's format; default: the one its content type names (required for octet-stream)"),
  sheet: z
    .enum(["cadres", "staff", "venues"])
    .optional()
    .describe("Which roster: required for CSV (one roster per file); for xlsx, import only that sheet"),
});

const rosterProblemSchema = z.object({
  path: z.string().describe("JSON Pointer into { cadres, staff, venues }; empty: the file"),
  code: z.string().describe("Stable problem code (src/excel/README.md)"),
  message: z.string().describe("For people, in Chinese"),
  sheet: z.string().nullable().optional().describe("Worksheet name, e.g. 军休干部"),
  row: z.int().nullable().optional().describe("1-based spreadsheet row; 1 is the header"),
  column: z.string().nullable().optional().describe('Column letter and header, e.g. "J 出生日期"'),
});

const rosterSchema = z
  .object({
    cadres: z.array(cadreSchema),
    staff: z.array(staffSchema),
    venues: z.array(venueSchema),
    warnings: z
      .array(rosterProblemSchema)
      .describe("Cells imported as they are that deserve a second look (FORMULA_LIKE_TEXT)"),
  })
  .describe("The imported roster, in the contract's shapes; a sheet not imported is an empty list");

const draftVerdictSchema = validateResponseSchema
  .extend({
    mismatches: z
      .array(rosterProblemSchema)
      .describe("DERIVED_MISMATCH: each stated figure that differs from the computed one, at its cell"),
  })
  .describe("The draft completed by the core and judged by the validator");

const draftRejectedSchema = errorSchema
  .extend({ problems: z.array(rosterProblemSchema) })
  .describe("INVALID_DRAFT: every cell that cannot be read, with its sheet, row and column");

const rosterRejectedSchema = errorSchema
  .extend({ problems: z.array(rosterProblemSchema) })
  .describe("INVALID_ROSTER: every bad cell with its sheet, row and column; INVALID_REQUEST: a bad query");

function mediaType(request: FastifyRequest): string {
  return (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function formatOf(format: "xlsx" | "csv" | undefined, type: string): "xlsx" | "csv" {
  if (format) return format;
  if (type === XLSX_TYPE) return "xlsx";
  if (type === CSV_TYPE) return "csv";
  throw new HttpError(
    400,
    "INVALID_REQUEST",
    "application/octet-stream 的请求须用 format=xlsx 或 format=csv 指明文件格式",
  );
}

/** Before the body is read: fastify's own 415 would say JSON is wanted. */
async function acceptUploads(request: FastifyRequest): Promise<void> {
  if (!UPLOAD_TYPES.includes(mediaType(request))) {
    throw new HttpError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      `请求体应为 .xlsx（${XLSX_TYPE}）或 CSV（${CSV_TYPE}）文件`,
    );
  }
}

export function download(reply: FastifyReply, type: string, filename: string, body: Buffer | string) {
  // Ids are safe already; the filter keeps the header plain ASCII whatever an id may hold.
  const safe = filename.replace(/[^\w.-]/g, "_");
  return reply.type(type).header("content-disposition", `attachment; filename="${safe}"`).send(body);
}

export const excelRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { storage, offload }) => {
  // Encapsulated: only these routes take raw files, and they take nothing else (no JSON).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(UPLOAD_TYPES, { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.get(
    "/templates/roster.xlsx",
    {
      config: { access: "viewer" },
      schema: {
        summary: "The roster template planners fill in (.xlsx)",
        description:
          "Sheets 军休干部, 服务保障人员, 疗养地点 with Chinese headers (each with a note on its format), dropdowns, " +
          "and a 说明 sheet documenting every column. Import the filled file with POST /v1/roster/import.",
        operationId: "getRosterTemplate",
        tags: ["excel"],
        security: bearer,
        response: {
          200: {
            description: "The template",
            content: { [XLSX_TYPE]: { schema: binary("An .xlsx workbook") } },
          },
          ...errorResponses(),
        },
      },
    },
    async (_request, reply) => download(reply, XLSX_TYPE, "roster-template.xlsx", await rosterTemplate()),
  );

  app.post(
    "/roster/import",
    {
      config: { access: "planner" },
      onRequest: acceptUploads,
      schema: {
        summary: "Read a filled roster (.xlsx or CSV) into cadres, staff and venues",
        description:
          "The body is the file itself. Every cell is checked, then every row against the contract's schemas; " +
          "a 400 lists every bad cell with its sheet, row and column, and nothing is imported. Nothing is " +
          "stored either: put the answer into a plan and POST /v1/plans.",
        operationId: "importRoster",
        tags: ["excel"],
        security: bearer,
        consumes: UPLOAD_TYPES,
        querystring: importQuery,
        body: fileBody,
        response: { 200: rosterSchema, 400: rosterRejectedSchema, ...errorResponses(403, 413, 415) },
      },
    },
    async (request, reply) => {
      const result = await offload.importRoster({
        file: request.body,
        format: formatOf(request.query.format, mediaType(request)),
        sheet: request.query.sheet,
      });
      if (result.ok) {
        const { cadres, staff, venues, warnings } = result;
        return { cadres, staff, venues, warnings };
      }
      return reply
        .code(400)
        .send({ code: "INVALID_ROSTER", message: "名册有误，未导入任何数据", problems: result.problems });
    },
  );

  app.post(
    "/plans/:id/validate",
    {
      // Planners only: the answer is read against the stored plan, health reasons included.
      config: { access: "planner" },
      onRequest: acceptUploads,
      schema: {
        summary: "Check a draft schedule workbook against the stored plan",
        description:
          "The body is a workbook in the schedule export's layout (GET /v1/schedules/{id}/export.xlsx), " +
          "edited or drafted in Excel: one sheet per batch, 费用 optional. The core completes what is left out " +
          "and the validator judges the result; every stated figure that differs from the computed one is a " +
          "mismatch at its cell. A cell that cannot be read is a 400 with its sheet, row and column. Nothing " +
          "is stored. Layout: src/excel/README.md.",
        operationId: "validateDraftWorkbook",
        tags: ["validation"],
        security: bearer,
        consumes: [XLSX_TYPE, BINARY_TYPE],
        params: planParams,
        body: fileBody,
        response: {
          200: draftVerdictSchema,
          400: draftRejectedSchema,
          ...errorResponses(403, 404, 413, 414, 415),
        },
      },
    },
    async (request, reply) => {
      const plan = (await storage.getPlan(request.params.id)) ?? planNotFound();
      const outcome = await offload.draftWorkbook({ planJson: plan.json, file: request.body });
      if (outcome.ok) {
        const { ok: _, ...verdict } = outcome;
        // The core's lists are readonly; the response schema's are not. The serializer only reads them.
        return verdict as unknown as z.output<typeof draftVerdictSchema>;
      }
      return reply
        .code(400)
        .send({ code: "INVALID_DRAFT", message: "日程草稿有误，无法检查", problems: outcome.problems });
    },
  );

  const exportRoute = (kind: "xlsx" | "csv") => ({
    config: { access: "planner" as const },
    schema: {
      summary:
        kind === "xlsx"
          ? "A schedule as a workbook: 费用, one sheet per batch, 未安排, 不符合条件"
          : "A schedule as CSV: one row per person, then the unscheduled and the ineligible",
      description:
        "Planners only: it names people and their health reasons. Read against the plan the schedule " +
        "answers (for a what-if run, the stored plan with the run's patch). Layout: src/excel/README.md.",
      operationId: `exportSchedule${kind === "xlsx" ? "Xlsx" : "Csv"}`,
      tags: ["excel"],
      security: bearer,
      params: scheduleParams,
      response: {
        200: {
          description: kind === "xlsx" ? "An .xlsx workbook" : "UTF-8 CSV with a BOM, as Excel opens it",
          content: {
            [kind === "xlsx" ? XLSX_TYPE : CSV_TYPE]: {
              schema: kind === "xlsx" ? binary("An .xlsx workbook") : z.string(),
            },
          },
        },
        ...errorResponses(403, 404, 414),
      },
    },
  });

  app.get("/schedules/:scheduleId/export.xlsx", exportRoute("xlsx"), async (request, reply) => {
    const { scheduleId } = request.params;
    const source = (await storage.getScheduleSource(scheduleId)) ?? notFound("方案不存在");
    const body = await exportScheduleXlsx(
      planFromStored(source.planJson, source.planPatch),
      scheduleFromStored(source.scheduleJson),
    );
    return download(reply, XLSX_TYPE, `${scheduleId}.xlsx`, body);
  });

  app.get("/schedules/:scheduleId/export.csv", exportRoute("csv"), async (request, reply) => {
    const { scheduleId } = request.params;
    const source = (await storage.getScheduleSource(scheduleId)) ?? notFound("方案不存在");
    const body = exportScheduleCsv(
      planFromStored(source.planJson, source.planPatch),
      scheduleFromStored(source.scheduleJson),
    );
    return download(reply, `${CSV_TYPE}; charset=utf-8`, `${scheduleId}.csv`, body);
  });
};
