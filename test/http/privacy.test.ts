import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// A schedule's ineligibility reasons would tell a viewer who is ill: viewers get them withheld.

interface Reason {
  code: string;
  article: number;
  message: string;
}
interface Ineligible {
  cadreId: string;
  reasons: Reason[];
}

let service: TestService;
let scheduleId: string;

beforeAll(async () => {
  service = await startService();
  const plan = readPlan("tiny-e") as { cadres: Record<string, unknown>[] };
  const [ill, undeclared] = plan.cadres;
  if (!ill || !undeclared) throw new Error("tiny-e has too few cadres");
  ill.health = { infectiousDisease: true, mentalIllness: false, criticalIllness: false };
  delete undeclared.health;
  const job = await service.waitForJob(await service.solve(await service.postPlan(plan)));
  scheduleId = (job.result as { scheduleIds: string[] }).scheduleIds[0] ?? "";
});
afterAll(async () => {
  await service.close();
});

function read(headers: Record<string, string>) {
  return service.getSchedule(scheduleId, headers);
}

describe("health in a schedule", () => {
  it("is there for planners, byte for byte as stored", async () => {
    const response = await read(planner);
    expect(
      response.rawPayload.equals((await service.storage.getScheduleJson(scheduleId)) ?? Buffer.alloc(0)),
    ).toBe(true);
    const codes = (response.json().ineligible as Ineligible[]).flatMap((i) => i.reasons.map((r) => r.code));
    expect(codes).toEqual(expect.arrayContaining(["ART7_HEALTH_EXCLUDED", "ART7_HEALTH_UNDECLARED"]));
  });

  it("is withheld from viewers, one withheld reason in place of each cadre's health reasons", async () => {
    const whole = (await read(planner)).json();
    const response = await read(viewer);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.body).not.toMatch(/ART7_HEALTH_(EXCLUDED|UNDECLARED)/);
    const shown = response.json();
    // Everything else is as stored.
    expect({ ...shown, ineligible: [] }).toEqual({ ...whole, ineligible: [] });
    const withheld = {
      code: "ART7_HEALTH_WITHHELD",
      article: 7,
      message: "涉及个人健康信息，仅对计划员显示",
    };
    (whole.ineligible as Ineligible[]).forEach((entry, i) => {
      const expected = entry.reasons.map((r) => (r.code.startsWith("ART7_HEALTH_") ? withheld : r));
      expect(shown.ineligible[i], entry.cadreId).toEqual({ ...entry, reasons: expected });
    });
    const withheldFor = (shown.ineligible as Ineligible[])
      .filter((i) => i.reasons.some((r) => r.code === "ART7_HEALTH_WITHHELD"))
      .map((i) => i.cadreId);
    expect(withheldFor).toEqual(expect.arrayContaining(["C00001", "C00002"]));
  });
});
