import type { FastifyRequest } from "fastify";
import type { OwnedKind, Storage } from "../storage/storage.js";
import { canRead, canWrite } from "../support/tenancy.js";
import { HttpError, notFound } from "./errors.js";

// The first line of tenancy (the second is PostgreSQL's row-level security): for a caller bound to an
// organisation, every /v1 route naming a plan, job or schedule in its path answers only for those of its
// organisation or below it. Another tenant's answers 404, exactly as a missing one, so existence does not
// leak; one the caller may read but not change (a city's planner on a county's plan) answers 403 to writes.

const OWNED_BY_PARAM: Readonly<Record<string, { kind: OwnedKind; missing: string }>> = {
  id: { kind: "plan", missing: "计划不存在" },
  jobId: { kind: "job", missing: "任务不存在" },
  scheduleId: { kind: "schedule", missing: "方案不存在" },
};

const READS = new Set(["GET", "HEAD"]);

/** Whether `tenant` is a county directly below the city `organisation`. */
function isCountyOf(tenant: string, organisation: string): boolean {
  return tenant.startsWith(`${organisation}/`) && !tenant.slice(organisation.length + 1).includes("/");
}

/**
 * A county-bound caller recommends for its own county only (Art. 5: each county its own cadres); throws 403
 * otherwise. Callers bound to the city or above, or to nothing, may name any county.
 */
export function holdToOwnCounty(tenant: string | undefined, planOrganisation: string, county: string): void {
  if (tenant === undefined || !isCountyOf(tenant, planOrganisation)) return;
  if (tenant !== `${planOrganisation}/${county}`)
    throw new HttpError(403, "FORBIDDEN", `只能以本单位（${tenant.split("/").at(-1)}）的名义推荐或撤回`);
}

/** preHandler for /v1, after authenticate() and the params' schemas. */
export function holdToTenant(storage: Storage) {
  return async (request: FastifyRequest): Promise<void> => {
    const tenant = request.organisation;
    if (tenant === undefined) return;
    const params = (request.params ?? {}) as Record<string, unknown>;
    for (const [param, { kind, missing }] of Object.entries(OWNED_BY_PARAM)) {
      const id = params[param];
      if (typeof id !== "string") continue;
      const organisation = await storage.organisationOf(kind, id);
      if (
        kind === "plan" &&
        organisation !== undefined &&
        request.routeOptions.config.upward === true &&
        isCountyOf(tenant, organisation)
      )
        continue;
      if (organisation === undefined || !canRead(tenant, organisation)) notFound(missing);
      if (!READS.has(request.method) && !canWrite(tenant, organisation))
        throw new HttpError(403, "FORBIDDEN", "该计划属于下级单位，只能查看，不能修改");
    }
  };
}
