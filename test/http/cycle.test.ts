import ExcelJS from "exceljs";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan, Schedule } from "../../solver/index.js";
import { exportRoster, XLSX_TYPE } from "../../src/excel/index.js";
import type { CycleRollUp } from "../../src/replan/cycle.js";
import { Replanner } from "../../src/services/replanning.js";
import { planner, readPlan, startService, type TestService, viewer } from "../support/service.js";

// One cycle, city and counties together, from the committed fixtures: cycle-city.json and three county plans
// (任城区 370811, 邹城市 370883, 嘉祥县 370829) whose rosters are the city roster's cadres placed there, under
// the same ids. Replanned in order, city first, with the real workers and solver.

type Json = Record<string, unknown>;
type RollUp = CycleRollUp & { personalData: string };

const COUNTIES = ["370811", "370883", "370829"] as const;
const today = "2027-02-20";
let service: TestService;
let cityId: string;
const countyIds: string[] = [];
const plans = new Map<string, Plan>();

beforeAll(async () => {
  service = await startService({ today: () => today });
  const city = readPlan("cycle-city");
  cityId = await service.postPlan(city);
  plans.set(cityId, city as unknown as Plan);
  for (const code of COUNTIES) {
    const county = readPlan(`cycle-${code}`);
    const id = await service.postPlan(county);
    countyIds.push(id);
    plans.set(id, county as unknown as Plan);
  }
});
afterAll(async () => {
  await service.close();
});

async function inject(method: "GET" | "POST" | "DELETE", url: string, payload?: unknown, headers = planner) {
  return service.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

async function replan(planId: string): Promise<Schedule> {
  const response = await inject("POST", `/v1/plans/${planId}/replan`);
  expect(response.statusCode, response.body).toBe(202);
  const job = await service.waitForJob(response.json().jobId, 120_000);
  expect(job.status, JSON.stringify(job)).toBe("succeeded");
  const scheduleId = (job.result as { scheduleId: string }).scheduleId;
  return (await service.getSchedule(scheduleId, planner)).json();
}

async function record(planId: string, events: unknown): Promise<void> {
  const response = await inject("POST", `/v1/plans/${planId}/events`, events);
  expect(response.statusCode, response.body).toBe(201);
}

async function rollUp(headers = planner): Promise<RollUp> {
  const response = await inject("GET", "/v1/cycles/2027", undefined, headers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const cadresIn = (s: Schedule) => s.batches.flatMap((b) => b.cadreIds);
const art8 = (s: Schedule, cadreId: string) =>
  s.ineligible.find((i) => i.cadreId === cadreId)?.reasons.find((r) => r.code === "ART8_ALREADY_IN_CYCLE") as
    | { message: string; source?: { planId: string; batchId: string; level: string } }
    | undefined;

/** Every schedule's cadres: no cadre in two plans' batches. */
function expectOncePerCycle(schedules: ReadonlyMap<string, Schedule>): void {
  const placedIn = new Map<string, string>();
  for (const [planId, s] of schedules)
    for (const id of cadresIn(s)) {
      expect(placedIn.get(id), `${id} in ${placedIn.get(id)} and ${planId}`).toBeUndefined();
      placedIn.set(id, planId);
    }
}

/** The roll-up's figures, recomputed here from the plans and their schedules. */
function expectRollUpMatches(roll: RollUp, schedules: ReadonlyMap<string, Schedule>): void {
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  for (const figures of roll.plans) {
    const s = schedules.get(figures.planId) as Schedule;
    expect(figures.eligibleByTier, figures.planId).toEqual(s.summary.eligibleByTier);
    expect(figures.scheduledByTier, figures.planId).toEqual(s.summary.scheduledByTier);
    expect(figures.scheduled).toBe(cadresIn(s).length);
    expect(figures.eligible).toBe(s.summary.eligible);
    expect(figures.budget.planned).toBe(s.summary.totalCost);
    expect(figures.budget.approved).toBe((plans.get(figures.planId) as Plan).budget.total);
    expect(figures.batches.total).toBe(s.batches.length);
  }
  const counties = roll.plans.filter((p) => p.level === "county");
  expect(roll.byLevel.county.scheduled).toBe(sum(counties.map((p) => p.scheduled)));
  expect(roll.byLevel.county.budget.planned).toBe(sum(counties.map((p) => p.budget.planned)));
  const all = [...schedules.values()].flatMap(cadresIn);
  expect(roll.total.scheduled).toBe(new Set(all).size);
  expect(roll.placements.map((p) => p.cadreId).sort()).toEqual([...all].sort());
  // By county: the city plan's cadres placed in each county, beside the county's own plan.
  const city = plans.get(cityId) as Plan;
  const citySchedule = schedules.get(cityId) as Schedule;
  for (const row of roll.byCounty) {
    const placedThere = cadresIn(citySchedule).filter(
      (id) => city.cadres.find((c) => c.id === id)?.placement.county === row.name,
    );
    expect(row.cityPlan.scheduled, row.name).toBe(placedThere.length);
    const own = roll.plans.filter((p) => p.county === row.name);
    expect(row.countyPlans.scheduled, row.name).toBe(sum(own.map((p) => p.scheduled)));
  }
}

describe("one cycle, city and counties", () => {
  const schedules = new Map<string, Schedule>();

  it("puts every plan in the organisation tree", async () => {
    const roll = await rollUp();
    expect(roll.cityCode).toBe("370800");
    expect(roll.plans.filter((p) => p.level === "county").map((p) => p.countyCode)).toEqual([...COUNTIES]);
    expect(roll.byCounty).toHaveLength(11);
  });

  it("replans the city first, and every county gives way to the city's batches with a reason naming them", async () => {
    const city = await replan(cityId);
    schedules.set(cityId, city);
    const cityBatchOf = new Map(city.batches.flatMap((b) => b.cadreIds.map((id) => [id, b.id] as const)));
    let excluded = 0;
    for (const countyId of countyIds) {
      const county = await replan(countyId);
      schedules.set(countyId, county);
      for (const cadre of (plans.get(countyId) as Plan).cadres) {
        const batchId = cityBatchOf.get(cadre.id);
        if (batchId === undefined) continue;
        const reason = art8(county, cadre.id);
        expect(reason?.source, cadre.id).toEqual({ planId: cityId, level: "city", batchId });
        expect(reason?.message).toContain(cityId);
        expect(reason?.message).toContain(`批次 ${batchId}`);
        excluded++;
      }
    }
    expect(excluded, "the fixtures share cadres the city has taken").toBeGreaterThan(3);
    const sending = countyIds.filter((id) => (schedules.get(id)?.batches.length ?? 0) > 0);
    expect(sending.length, "county plans send cadres too").toBe(countyIds.length);
    expectOncePerCycle(schedules);
    expectRollUpMatches(await rollUp(), schedules);
  });

  it("the city gives way to a county's published batch at its next replan", async () => {
    const countyId = countyIds[1] as string;
    const county = schedules.get(countyId) as Schedule;
    const cityPlan = plans.get(cityId) as Plan;
    const onCityRoster = new Set(cityPlan.cadres.map((c) => c.id));
    const batch = county.batches.find((b) => b.cadreIds.some((id) => onCityRoster.has(id)));
    expect(batch).toBeDefined();
    const { id: batchId, cadreIds } = batch as Schedule["batches"][number];
    await record(countyId, { type: "batch_published", scheduleId: county.scheduleId, batchId });
    const city = await replan(cityId);
    schedules.set(cityId, city);
    for (const cadreId of cadreIds) {
      expect(cadresIn(city)).not.toContain(cadreId);
      const reason = art8(city, cadreId);
      // Every one of them is out of the city plan for the county's batch (some were out already, e.g. tier 5).
      if (reason !== undefined) expect(reason.source).toEqual({ planId: countyId, level: "county", batchId });
    }
    expect(cadreIds.filter((id) => art8(city, id)?.source?.planId === countyId).length).toBeGreaterThan(0);
    for (const id of countyIds) schedules.set(id, await replan(id));
    expect(cadresIn(schedules.get(countyId) as Schedule)).toEqual(expect.arrayContaining([...cadreIds]));
    expectOncePerCycle(schedules);
    const roll = await rollUp();
    expectRollUpMatches(roll, schedules);
    expect(roll.warnings).toEqual([]);
    expect(
      roll.placements
        .filter((p) => p.state === "published")
        .map((p) => p.cadreId)
        .sort(),
    ).toEqual([...cadreIds].sort());
  });

  it("a cadre withdrawn from a published city batch is schedulable again in their county at its next replan", async () => {
    const city = schedules.get(cityId) as Schedule;
    const cityPlan = plans.get(cityId) as Plan;
    const countyOf = new Map(
      countyIds.map((id) => [(plans.get(id) as Plan).organizer.county as string, id] as const),
    );
    // A city batch holding a cadre of one of the three counties.
    const batch = city.batches.find((b) =>
      b.cadreIds.some((id) => countyOf.has(cityPlan.cadres.find((c) => c.id === id)?.placement.county ?? "")),
    ) as Schedule["batches"][number];
    const cadreId = batch.cadreIds.find((id) =>
      countyOf.has(cityPlan.cadres.find((c) => c.id === id)?.placement.county ?? ""),
    ) as string;
    const countyId = countyOf.get(
      cityPlan.cadres.find((c) => c.id === cadreId)?.placement.county as string,
    ) as string;
    expect(art8(schedules.get(countyId) as Schedule, cadreId)?.source?.planId).toBe(cityId);

    await record(cityId, [
      { type: "batch_published", scheduleId: city.scheduleId, batchId: batch.id },
      { type: "cadre_withdrew", cadreId },
    ]);
    const nextCity = await replan(cityId);
    expect(cadresIn(nextCity)).not.toContain(cadreId);
    const county = await replan(countyId);
    expect(art8(county, cadreId)).toBeUndefined();
    const schedulable = [...cadresIn(county), ...county.unscheduled.map((u) => u.cadreId)];
    expect(schedulable).toContain(cadreId);
    schedules.set(cityId, nextCity);
    schedules.set(countyId, county);
    expectOncePerCycle(schedules);
    expectRollUpMatches(await rollUp(), schedules);
  });

  it("viewers get the roll-up without names", async () => {
    const planners = await rollUp();
    expect(planners.placements.some((p) => typeof p.name === "string")).toBe(true);
    const viewers = await rollUp(viewer);
    expect(viewers.personalData).toBe("withheld");
    expect(viewers.placements.every((p) => p.name === undefined)).toBe(true);
    expect(viewers.total).toEqual(planners.total);
  });

  it("answers 404 for a cycle without plans, and for another city", async () => {
    expect((await inject("GET", "/v1/cycles/2031")).statusCode).toBe(404);
    expect((await inject("GET", "/v1/cycles/2027?city=泰安市")).statusCode).toBe(404);
  });
});

describe("who committed first keeps the cadre", () => {
  it("a county may not publish a batch holding a cadre the city's current version has taken", async () => {
    // A cycle of its own, where the county's first version comes before the city has any.
    const relabel = (name: string) => {
      const plan = readPlan(name);
      return { ...plan, cycle: { ...(plan.cycle as Json), id: "2027-b" } };
    };
    const countyId = await service.postPlan(relabel("cycle-370883"));
    const county = await replan(countyId);
    const cityB = await service.postPlan(relabel("cycle-city"));
    const city = await replan(cityB);
    const cityCadres = new Set(cadresIn(city));
    const batch = county.batches.find((b) => b.cadreIds.some((id) => cityCadres.has(id)));
    expect(batch, "the city took someone of the county's first version").toBeDefined();
    const response = await inject("POST", `/v1/plans/${countyId}/events`, {
      type: "batch_published",
      scheduleId: county.scheduleId,
      batchId: batch?.id,
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().message).toContain(cityB);
    // The county's next replan gives way, and then its batches may be published.
    const next = await replan(countyId);
    expect(cadresIn(next).filter((id) => cityCadres.has(id))).toEqual([]);
    if (next.batches[0] !== undefined)
      await record(countyId, {
        type: "batch_published",
        scheduleId: next.scheduleId,
        batchId: next.batches[0].id,
      });
  });
});

describe("the nightly run", () => {
  it("replans the city plan before the county plans", async () => {
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const replanner = new Replanner({
      storage: service.storage,
      jobs: service.jobs,
      log,
      today: () => today,
    });
    const tally = await replanner.replanActivePlans();
    expect(tally.failed).toBe(0);
    const order = lines
      .map((l) => JSON.parse(l) as { msg: string; planId?: string })
      .filter((l) => l.msg === "replan stored")
      .map((l) => l.planId);
    expect(order).toEqual(expect.arrayContaining([cityId, ...countyIds]));
    const levels = await Promise.all(
      order.map(
        async (id) => JSON.parse((await service.storage.getPlan(id as string))?.json ?? "{}").organizer.level,
      ),
    );
    expect(levels.filter((l) => l === "city").length).toBeGreaterThan(0);
    expect(levels, "every city plan before every county plan").toEqual([...levels].sort());
  });
});

const recommended = (id: string, name: string, extra: Json = {}) => ({
  id,
  name,
  category: "retired_cadre",
  placement: {
    province: "山东省",
    city: "济宁市",
    county: "任城区",
    institution: "任城区军休所",
    managedByVeteranAffairs: true,
  },
  birthDate: "1950-05-01",
  honors: [{ kind: "merit", class: 1 }],
  nominee: "provincial",
  health: {},
  application: { voluntary: true, familyConsent: true, institutionApproved: true },
  ...extra,
});

describe("recommendation upward (Art. 5)", () => {
  const recommend = (planId: string, body: Json, headers = planner) =>
    inject("POST", `/v1/plans/${planId}/recommendations`, body, headers);

  it("records each cadre with its county and date; a second recommendation is 409 naming both sources", async () => {
    const first = await recommend(cityId, {
      county: "任城区",
      date: "2027-01-10",
      cadres: [recommended("R00001", "张建国")],
    });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ stored: 1, warnings: [] });
    const twice = await recommend(cityId, {
      county: "邹城市",
      date: "2027-01-15",
      cadres: [recommended("R00001", "张建国")],
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message).toContain("任城区于 2027-01-10 推荐");
    expect(twice.json().message).toContain("邹城市于 2027-01-15 推荐");
    const trail = await inject("GET", `/v1/plans/${cityId}/events`, undefined, viewer);
    expect(trail.body).toContain("cadre_recommended");
    expect(trail.body, "viewers get the audit trail without names").not.toContain("张建国");
    const list = (await inject("GET", `/v1/plans/${cityId}/recommendations`, undefined, viewer)).json();
    expect(list.recommendations).toEqual([
      { cadreId: "R00001", county: "任城区", date: "2027-01-10", told: false },
    ]);
  });

  it("refuses a cadre on the city's own roster (409), a county plan (409), and a county the city does not have (400)", async () => {
    const onRoster = (plans.get(cityId) as Plan).cadres[0]?.id as string;
    const again = await recommend(cityId, {
      county: "任城区",
      date: "2027-01-10",
      cadres: [recommended(onRoster, "王某")],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("原有名单");
    const toCounty = await recommend(countyIds[0] as string, {
      county: "任城区",
      date: "2027-01-10",
      cadres: [recommended("R00009", "李某")],
    });
    expect(toCounty.statusCode).toBe(409);
    const rows = service.storedRows();
    const bad = await recommend(cityId, {
      county: "东城区",
      date: "2027-01-10",
      cadres: [recommended("R00002", "赵某")],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems).toEqual([
      expect.objectContaining({ path: "/county", code: "UNKNOWN_COUNTY" }),
    ]);
    const badCadre = await recommend(cityId, {
      county: "任城区",
      date: "2027-01-10",
      cadres: [recommended("R00003", "赵某", { birthDate: "1950-02-30" })],
    });
    expect(badCadre.statusCode).toBe(400);
    expect(badCadre.json().problems[0].path).toBe("/cadres/0/birthDate");
    expect(service.storedRows()).toEqual(rows);
  });

  it("warns when a county plan of the cycle holds the id under another name", async () => {
    const countyId = countyIds[0] as string;
    await record(countyId, { type: "cadre_added", cadre: recommended("R00005", "刘洪") });
    const response = await recommend(cityId, {
      county: "任城区",
      date: "2027-01-12",
      cadres: [recommended("R00005", "刘红")],
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().warnings).toEqual([
      expect.objectContaining({ code: "IDENTITY_MISMATCH", cadreId: "R00005", planIds: [countyId, cityId] }),
    ]);
    expect((await rollUp()).warnings.map((w) => [w.code, w.cadreId])).toContainEqual([
      "IDENTITY_MISMATCH",
      "R00005",
    ]);
  });

  it("takes the roster template too: each row recommended with the query's county and date", async () => {
    const workbook = await exportRoster({
      cadres: [recommended("R00007", "孙立新") as unknown as Plan["cadres"][number]],
      staff: [],
      venues: [],
    });
    const send = (date: string) =>
      service.app.inject({
        method: "POST",
        url: `/v1/plans/${cityId}/recommendations/workbook?county=${encodeURIComponent("嘉祥县")}&date=${date}`,
        headers: { ...planner, "content-type": XLSX_TYPE },
        payload: workbook,
      });
    const first = await send("2027-01-20");
    expect(first.statusCode, first.body).toBe(201);
    const again = await send("2027-01-21");
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain("嘉祥县于 2027-01-20 推荐");
    const list = (await inject("GET", `/v1/plans/${cityId}/recommendations`)).json();
    expect(list.recommendations).toContainEqual({
      cadreId: "R00007",
      county: "嘉祥县",
      date: "2027-01-20",
      told: false,
    });
    const json = await inject(
      "POST",
      `/v1/plans/${cityId}/recommendations/workbook?county=嘉祥县&date=2027-01-20`,
      {},
    );
    expect(json.statusCode).toBe(415);
  });

  it("is withdrawable until the cadre is told", async () => {
    const withdrawn = await inject("DELETE", `/v1/plans/${cityId}/recommendations/R00005`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect((await inject("DELETE", `/v1/plans/${cityId}/recommendations/R00005`)).statusCode).toBe(404);
    // R00001 joins the city's roster at the next replan, as tier 1 (a provincial nominee), and is told.
    const city = await replan(cityId);
    const batch = city.batches.find((b) => b.cadreIds.includes("R00001"));
    expect(batch, "the recommended nominee is scheduled").toBeDefined();
    expect([...cadresIn(city), ...city.ineligible.map((i) => i.cadreId)]).not.toContain("R00005");
    // Told: in a batch of the current version that was published (a refill into one counts as told too).
    const published = (await rollUp()).placements.some(
      (p) => p.batchId === batch?.id && p.state === "published",
    );
    if (!published)
      await record(cityId, { type: "batch_published", scheduleId: city.scheduleId, batchId: batch?.id });
    expect(
      (await inject("GET", `/v1/plans/${cityId}/recommendations`)).json().recommendations,
    ).toContainEqual(expect.objectContaining({ cadreId: "R00001", told: true }));
    const told = await inject("DELETE", `/v1/plans/${cityId}/recommendations/R00001`);
    expect(told.statusCode).toBe(409);
    expect(told.json().message).toContain("已通知本人");
  });
});

describe("nominees (Art. 8 ¶2)", () => {
  it("lists eligible nominees once each, names for planners only, and exports them", async () => {
    const planners = (await inject("GET", "/v1/cycles/2027/nominees")).json();
    const r = planners.nominees.find((n: Json) => n.cadreId === "R00001");
    expect(r).toMatchObject({ name: "张建国", nominee: "provincial", county: "任城区", planIds: [cityId] });
    const ids = planners.nominees.map((n: Json) => n.cadreId);
    expect(new Set(ids).size).toBe(ids.length);
    const viewers = (await inject("GET", "/v1/cycles/2027/nominees", undefined, viewer)).json();
    expect(viewers.nominees.every((n: Json) => n.name === undefined)).toBe(true);
    expect((await inject("GET", "/v1/cycles/2027/nominees.xlsx", undefined, viewer)).statusCode).toBe(403);
    const xlsx = await inject("GET", "/v1/cycles/2027/nominees.xlsx");
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet("优先推荐");
    expect(sheet?.getRow(1).values).toEqual(
      expect.arrayContaining(["登记号", "姓名", "军休机构", "推荐层级"]),
    );
    expect(sheet?.rowCount).toBe(1 + planners.nominees.length);
    const row = sheet?.getRows(2, planners.nominees.length)?.find((x) => x.getCell(1).value === "R00001");
    expect(row?.values).toEqual(expect.arrayContaining(["张建国", "任城区军休所", "一等功", "省级"]));
  });
});

describe("organizer in the tree", () => {
  it("refuses a county organizer naming no county of 济宁市, with its path", async () => {
    const county = readPlan("cycle-370811");
    const response = await service.sendPlan({
      ...county,
      organizer: { ...(county.organizer as Json), county: "东城区" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toEqual([
      expect.objectContaining({ path: "/organizer/county", code: "UNKNOWN_COUNTY" }),
    ]);
  });
});
