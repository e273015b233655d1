import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// The routes the workbench needs beside the contract's: the plans list, editing a plan, and eligibility.

let service: TestService;
beforeAll(async () => {
  service = await startService();
});
afterAll(async () => {
  await service.close();
});

const json = { ...planner, "content-type": "application/json" };

describe("GET /v1/plans", () => {
  it("lists plans newest first with their headline fields and state, a page at a time", async () => {
    const first = await service.postPlan({ ...readPlan("tiny-a"), name: "甲" });
    const second = await service.postPlan(readPlan("tiny-b"));
    const all = await service.app.inject({ url: "/v1/plans?pageSize=100", headers: viewer });
    expect(all.statusCode, all.body).toBe(200);
    const body = all.json();
    const ids = body.items.map((item: { id: string }) => item.id);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    const a = body.items.find((item: { id: string }) => item.id === first);
    expect(a).toMatchObject({
      name: "甲",
      organizer: { level: "city", city: "济宁市" },
      cycle: { id: "2027" },
      planningWindow: { start: "2027-04-01", end: "2027-04-28" },
      budgetTotal: 12000,
      state: "unsolved",
    });
    expect(a.updatedAt).toBe(a.createdAt);
    expect(body.items.find((item: { id: string }) => item.id === second).name).toBeNull();

    const paged = (await service.app.inject({ url: "/v1/plans?page=2&pageSize=1", headers: viewer })).json();
    expect(paged).toMatchObject({ total: body.total, page: 2, pageSize: 1 });
    expect(paged.items.map((item: { id: string }) => item.id)).toEqual([ids[1]]);
  });

  it("says a plan is solved once it has schedules", async () => {
    const id = await service.postPlan(readPlan("tiny-a"));
    await service.waitForJob(await service.solve(id));
    const list = (await service.app.inject({ url: "/v1/plans", headers: viewer })).json();
    expect(list.items.find((item: { id: string }) => item.id === id).state).toBe("solved");
  });

  it("refuses a page size past 100 with the parameter's path", async () => {
    const response = await service.app.inject({ url: "/v1/plans?pageSize=500", headers: viewer });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems[0].path).toContain("pageSize");
  });
});

describe("PATCH /v1/plans/{id}", () => {
  it("replaces the budget and window, and the plan read back has them", async () => {
    const id = await service.postPlan(readPlan("tiny-a"));
    const budget = { ...(readPlan("tiny-a").budget as object), total: 20000 };
    const response = await service.app.inject({
      method: "PATCH",
      url: `/v1/plans/${id}`,
      headers: json,
      payload: { budget, planningWindow: { start: "2027-04-01", end: "2027-05-31" } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const stored = (await service.app.inject({ url: `/v1/plans/${id}`, headers: planner })).json();
    expect(stored.plan.budget.total).toBe(20000);
    expect(stored.plan.planningWindow.end).toBe("2027-05-31");
    const listed = (await service.app.inject({ url: "/v1/plans", headers: viewer })).json();
    const item = listed.items.find((i: { id: string }) => i.id === id);
    expect(item.updatedAt > item.createdAt).toBe(true);
    expect(listed.items[0].id).toBe(id);
  });

  it("refuses a window outside the cycle with its path, and changes nothing", async () => {
    const id = await service.postPlan(readPlan("tiny-a"));
    const response = await service.app.inject({
      method: "PATCH",
      url: `/v1/plans/${id}`,
      headers: json,
      payload: { planningWindow: { start: "2027-04-01", end: "2028-02-01" } },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().problems.map((p: { path: string }) => p.path);
    expect(paths.some((path: string) => path.startsWith("/planningWindow"))).toBe(true);
    expect(response.json().problems[0].message).toMatch(/[\u4e00-\u9fff]/);
    const stored = (await service.app.inject({ url: `/v1/plans/${id}`, headers: planner })).json();
    expect(stored.plan.planningWindow.end).toBe("2027-04-28");
  });

  it("refuses fields it cannot edit, and viewers", async () => {
    const id = await service.postPlan(readPlan("tiny-a"));
    const unknown = await service.app.inject({
      method: "PATCH",
      url: `/v1/plans/${id}`,
      headers: json,
      payload: { cadres: [] },
    });
    expect(unknown.statusCode).toBe(400);
    const asViewer = await service.app.inject({
      method: "PATCH",
      url: `/v1/plans/${id}`,
      headers: { ...viewer, "content-type": "application/json" },
      payload: { name: "乙" },
    });
    expect(asViewer.statusCode).toBe(403);
  });
});

describe("GET /v1/plans/{id}/eligibility", () => {
  it("gives each cadre tier and rank or reasons; viewers get no names and no health", async () => {
    const plan = readPlan("tiny-e") as { cadres: Record<string, unknown>[] };
    const [ill] = plan.cadres;
    if (!ill) throw new Error("tiny-e has no cadres");
    ill.health = { infectiousDisease: true, mentalIllness: false, criticalIllness: false };
    const id = await service.postPlan(plan);

    const whole = (await service.app.inject({ url: `/v1/plans/${id}/eligibility`, headers: planner })).json();
    expect(whole.cadres).toHaveLength(plan.cadres.length);
    expect(whole.cadres[0]).toMatchObject({ cadreId: ill.id, eligible: false, tier: null, rank: null });
    expect(whole.cadres[0].reasons.map((r: { code: string }) => r.code)).toContain("ART7_HEALTH_EXCLUDED");
    expect(whole.cadres[0].name).toBe(ill.name);
    const eligible = whole.cadres.filter((c: { eligible: boolean }) => c.eligible);
    expect(eligible.length).toBeGreaterThan(0);
    expect(eligible.every((c: { tier: number; rank: number }) => c.tier >= 1 && c.rank >= 1)).toBe(true);

    const response = await service.app.inject({ url: `/v1/plans/${id}/eligibility`, headers: viewer });
    const shown = response.json();
    expect(shown.personalData).toBe("withheld");
    expect(response.body).not.toContain("ART7_HEALTH_EXCLUDED");
    expect(shown.cadres[0].reasons[0].code).toBe("ART7_HEALTH_WITHHELD");
    for (const cadre of plan.cadres) expect(response.body).not.toContain(`"${cadre.name}"`);
  });

  it("answers 404 for an unknown plan", async () => {
    const response = await service.app.inject({ url: "/v1/plans/pln_nope/eligibility", headers: viewer });
    expect(response.statusCode).toBe(404);
  });
});
