import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planner, readPlan, startService, type TestService } from "../support/service.js";

// Tenants over HTTP: tokens bound to an organisation and a role (TOKENS_FILE); PLANNER_TOKENS and
// VIEWER_TOKENS stay bound to none. The database's own line (row-level security) is in test/storage.

const CITY = "山东省/济宁市";
const JINXIANG = "山东省/济宁市/金乡县";
const token = (name: string) => `${name}-token-0123456789`;
const bearer = (name: string) => ({ authorization: `Bearer ${token(name)}` });

function planOf(county: string | null): Record<string, unknown> {
  const plan = readPlan("tiny-a");
  plan.organizer =
    county === null
      ? { level: "city", province: "山东省", city: "济宁市", county: null }
      : { level: "county", province: "山东省", city: "济宁市", county };
  return plan;
}

describe("tenants: each organisation sees its own and what lies below it", () => {
  let service: TestService;
  const plans: Record<string, string> = {};
  let jiaxiangJob: string;
  let jiaxiangSchedule: string;

  beforeAll(async () => {
    service = await startService({
      bound: [
        { token: token("city-viewer"), role: "viewer", organisation: CITY },
        { token: token("city-planner"), role: "planner", organisation: CITY },
        { token: token("jinxiang-viewer"), role: "viewer", organisation: JINXIANG },
        { token: token("jinxiang-planner"), role: "planner", organisation: JINXIANG },
      ],
    });
    // The unbound planner token (PLANNER_TOKENS) stores a plan for each.
    plans.city = await service.postPlan(planOf(null));
    plans.jinxiang = await service.postPlan(planOf("金乡县"));
    plans.jiaxiang = await service.postPlan(planOf("嘉祥县"));
    jiaxiangJob = await service.solve(plans.jiaxiang);
    const done = await service.waitForJob(jiaxiangJob);
    jiaxiangSchedule = (done.result as { scheduleIds: string[] }).scheduleIds[0] as string;
  });
  afterAll(() => service?.close());

  const get = (url: string, who: string) => service.app.inject({ method: "GET", url, headers: bearer(who) });

  it("answers a county 404 for another county's plan, job and schedule, as for one that does not exist", async () => {
    const missing = await get("/v1/plans/pln_nothing", "jinxiang-viewer");
    for (const url of [
      `/v1/plans/${plans.jiaxiang}`,
      `/v1/plans/${plans.jiaxiang}/schedules`,
      `/v1/plans/${plans.jiaxiang}/events`,
      `/v1/plans/${plans.city}`,
    ]) {
      const response = await get(url, "jinxiang-viewer");
      expect(response.statusCode, url).toBe(404);
      expect(response.json(), url).toEqual(missing.json());
    }
    expect((await get(`/v1/jobs/${jiaxiangJob}`, "jinxiang-viewer")).statusCode).toBe(404);
    expect((await get(`/v1/schedules/${jiaxiangSchedule}`, "jinxiang-viewer")).statusCode).toBe(404);
    expect((await get(`/v1/schedules/${jiaxiangSchedule}/bottlenecks`, "jinxiang-viewer")).statusCode).toBe(
      404,
    );
    expect((await get(`/v1/plans/${plans.jinxiang}`, "jinxiang-viewer")).statusCode).toBe(200);
  });

  it("lists a county only its own plans, and a city its own and its counties'", async () => {
    const listed = async (who: string) =>
      ((await get("/v1/plans?limit=100", who)).json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await listed("jinxiang-viewer")).toEqual([plans.jinxiang]);
    expect((await listed("city-viewer")).sort()).toEqual([plans.city, plans.jinxiang, plans.jiaxiang].sort());
    expect((await get(`/v1/schedules/${jiaxiangSchedule}`, "city-viewer")).statusCode).toBe(200);
    expect((await get(`/v1/jobs/${jiaxiangJob}`, "city-viewer")).statusCode).toBe(200);
  });

  it("lets a planner change only its own organisation's plans", async () => {
    const post = (url: string, who: string, payload?: object) =>
      service.app.inject({ method: "POST", url, headers: bearer(who), ...(payload ? { payload } : {}) });
    // Another county's plan: not stored; a county's plan in the city's hands: read, not changed.
    const foreign = await post("/v1/plans", "jinxiang-planner", planOf("嘉祥县"));
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().code).toBe("FORBIDDEN");
    expect((await post(`/v1/plans/${plans.jiaxiang}/solve`, "jinxiang-planner")).statusCode).toBe(404);
    expect((await post(`/v1/plans/${plans.jiaxiang}/solve`, "city-planner")).statusCode).toBe(403);
    expect((await post("/v1/plans", "jinxiang-planner", planOf("金乡县"))).statusCode).toBe(201);
    // The unbound tokens keep today's behaviour: everything.
    const all = await service.app.inject({ method: "GET", url: "/v1/plans?limit=100", headers: planner });
    expect(all.json().total).toBe(4);
  });

  it("rolls the cycle up for a county from its own plan only, and lets it recommend upward for itself only", async () => {
    const rolled = async (who: string) =>
      (await get("/v1/cycles/2027", who)).json() as { plans: { planId: string }[] };
    // Exactly the plans it lists: its own (an earlier test stored a second one for it).
    const own = ((await get("/v1/plans?limit=100", "jinxiang-viewer")).json() as { items: { id: string }[] })
      .items;
    expect((await rolled("jinxiang-viewer")).plans.map((p) => p.planId).sort()).toEqual(
      own.map((p) => p.id).sort(),
    );
    expect(own.map((p) => p.id)).toContain(plans.jinxiang);
    expect(JSON.stringify(await rolled("jinxiang-viewer"))).not.toContain(plans.jiaxiang);
    expect((await rolled("city-viewer")).plans.map((p) => p.planId)).toEqual(
      expect.arrayContaining([plans.city, plans.jinxiang, plans.jiaxiang]),
    );
    const cadre = { ...(planOf(null).cadres as Record<string, unknown>[])[0], id: "C90001" };
    const recommend = (planId: string | undefined, county: string, who: string) =>
      service.app.inject({
        method: "POST",
        url: `/v1/plans/${planId ?? ""}/recommendations`,
        headers: bearer(who),
        payload: { county, date: "2027-01-15", cadres: [cadre] },
      });
    // Its city's plan, which it may not read, takes its recommendations, in its own name only.
    expect((await recommend(plans.city, "嘉祥县", "jinxiang-planner")).statusCode).toBe(403);
    expect((await recommend(plans.jiaxiang, "金乡县", "jinxiang-planner")).statusCode).toBe(404);
    const accepted = await recommend(plans.city, "金乡县", "jinxiang-planner");
    expect(accepted.statusCode, accepted.body).toBe(201);
    const withdrawn = await service.app.inject({
      method: "DELETE",
      url: `/v1/plans/${plans.city}/recommendations/C90001`,
      headers: bearer("jinxiang-planner"),
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
  });
});
