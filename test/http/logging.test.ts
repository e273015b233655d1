import { describe, expect, it } from "vitest";
import { PLANNER_TOKEN, planner, readPlan, startService } from "../support/service.js";

// Distinctive personal data, to be looked for in every log line.
const NAME = "测试姓名泄露甲";
const STAFF_NAME = "测试姓名泄露乙";
const BIRTH_DATE = "1946-07-13";

function planWithPersonalData(): Record<string, unknown> {
  const plan = structuredClone(readPlan("tiny-e")) as {
    cadres: Record<string, unknown>[];
    staff: Record<string, unknown>[];
  };
  const [cadre] = plan.cadres;
  const [member] = plan.staff;
  if (!cadre || !member) throw new Error("tiny-e has cadres and staff");
  Object.assign(cadre, { name: NAME, birthDate: BIRTH_DATE, health: { criticalIllness: true } });
  member.name = STAFF_NAME;
  return plan;
}

describe("logs", () => {
  it("have one line per request with its id, and never names, birth dates, health or tokens", async () => {
    const lines: string[] = [];
    const service = await startService({ logLines: lines });
    try {
      const plan = planWithPersonalData();
      const planId = await service.postPlan(plan);
      await service.app.inject({ method: "GET", url: `/v1/plans/${planId}`, headers: planner });
      await service.waitForJob(await service.solve(planId));
      // A plan that breaks the contract, one that is not JSON, and one refused before its body is read.
      const broken = { ...plan, version: 2 };
      await service.sendPlan(broken);
      await service.sendPlanText(
        `{"cadres":[{"name":"${NAME}","birthDate":"${BIRTH_DATE}"`,
        "application/json",
      );
      await service.sendPlan(plan, {});
      // Whatever code logs a plan by mistake, at any depth, has it scrubbed.
      service.app.log.info({ plan, nested: [{ deeper: plan }] }, "a careless line");
      service.app.log.error({ err: Object.assign(new Error("boom"), { input: plan }) }, "a careless error");
      const tagged = await service.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "trace-123" },
      });
      expect(tagged.headers["x-request-id"]).toBe("trace-123");

      const text = lines.join("\n");
      for (const secret of [NAME, STAFF_NAME, BIRTH_DATE, "criticalIllness", PLANNER_TOKEN]) {
        expect(text, secret).not.toContain(secret);
      }
      expect(text).toContain("a careless line");
      expect(text).toContain("a careless error");

      const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request");
      expect(requests.length).toBe(new Set(requests.map((r) => r.reqId)).size);
      expect(requests.find((r) => r.reqId === "trace-123")).toMatchObject({ url: "/healthz", status: 200 });
      expect(requests.map((r) => r.status)).toEqual(expect.arrayContaining([201, 200, 202, 400, 401]));
    } finally {
      await service.close();
    }
  });
});
