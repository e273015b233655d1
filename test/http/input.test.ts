import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ID_LENGTH, MAX_JSON_DEPTH, MAX_YUAN } from "../../src/contract/index.js";
import { tooDeepAt } from "../../src/http/json-body.js";
import { planner, readPlan, startService, type TestService } from "../support/service.js";

// Input that used to break the service: deep nesting, numbers without bounds, fields the contract does not
// have, bodies that are not JSON, URLs the router cannot read. Each is refused with the usual error format
// and leaves nothing stored.

let service: TestService;
let planId: string;
const plan = readPlan("tiny-a");

beforeAll(async () => {
  service = await startService();
  planId = await service.postPlan(plan);
});

afterAll(async () => {
  await service.close();
});

const nested = (open: string, close: string, depth: number, leaf = "1") =>
  open.repeat(depth) + leaf + close.repeat(depth);

function post(url: string, payload: string, contentType = "application/json") {
  return service.app.inject({
    method: "POST",
    url,
    headers: { ...planner, "content-type": contentType },
    payload,
  });
}

/** The body is refused with a 400 whose problems carry `code`, and no table gains a row. */
async function expectRefused(send: () => Promise<{ statusCode: number; body: string }>, code: string) {
  const before = service.storedRows();
  const response = await send();
  expect(response.statusCode, response.body.slice(0, 500)).toBe(400);
  const body = JSON.parse(response.body);
  expect(body.code).toBe("INVALID_REQUEST");
  expect(body.problems.map((p: { code: string }) => p.code)).toContain(code);
  for (const problem of body.problems) expect(problem.message).toMatch(/[\u4e00-\u9fff]/);
  expect(service.storedRows()).toEqual(before);
  return body.problems as { path: string; code: string; message: string }[];
}

function withField(extra: Record<string, unknown> | string): string {
  const text = JSON.stringify(plan);
  return `${text.slice(0, -1)},${typeof extra === "string" ? extra : JSON.stringify(extra).slice(1, -1)}}`;
}

describe("deep nesting is refused on the raw text, before anything is parsed or stored", () => {
  it("finds the depth and the path, skipping strings and escapes", () => {
    expect(tooDeepAt(nested("[", "]", MAX_JSON_DEPTH))).toBeUndefined();
    expect(tooDeepAt(nested("[", "]", MAX_JSON_DEPTH + 1))).toBe(`${"/0".repeat(MAX_JSON_DEPTH)}`);
    expect(tooDeepAt('{"a":[1,{"b\\"/~":[[]]}]}', 3)).toBe('/a/1/b"~1~0');
    expect(tooDeepAt(`{"a":"${"[{".repeat(1000)}\\"[{"}`, 2)).toBeUndefined();
    expect(tooDeepAt('["\\\\",[[]]]', 2)).toBe("/1/0");
  });

  it("POST /v1/plans: 100,000 objects or 20,000 arrays deep in an unknown field", async () => {
    const objects = await expectRefused(
      () => post("/v1/plans", withField(`"x":${nested('{"a":', "}", 100_000)}`)),
      "TOO_DEEP",
    );
    expect(objects[0]?.path).toBe(`/x${"/a".repeat(MAX_JSON_DEPTH - 1)}`);
    await expectRefused(() => post("/v1/plans", withField(`"x":${nested("[", "]", 20_000)}`)), "TOO_DEEP");
  });

  it("POST /v1/plans: 6,000 deep is not stored, so no plan fails to read back", async () => {
    await expectRefused(() => post("/v1/plans", withField(`"x":${nested('{"a":', "}", 6_000)}`)), "TOO_DEEP");
  });

  it("what-if: a scenario patch 4,000 deep", async () => {
    const patch = nested('{"a":', "}", 4_000);
    await expectRefused(
      () => post(`/v1/plans/${planId}/what-if`, `{"scenarios":[{"name":"deep","patch":${patch}}]}`),
      "TOO_DEEP",
    );
  });

  it("events and validate: deep bodies", async () => {
    await expectRefused(() => post(`/v1/plans/${planId}/events`, nested("[", "]", 5_000)), "TOO_DEEP");
    await expectRefused(() => post("/v1/validate", `{"plan":${nested("[", "]", 5_000)}}`), "TOO_DEEP");
  });
});

describe("every number has a bound", () => {
  it("capacityPerBatch 2^53 − 1 is refused rather than failing the solve", async () => {
    const venues = (plan.venues as Record<string, unknown>[]).map((v) => ({
      ...v,
      capacityPerBatch: Number.MAX_SAFE_INTEGER,
    }));
    const problems = await expectRefused(() => service.sendPlan({ ...plan, venues }), "TOO_BIG");
    expect(problems[0]?.path).toBe("/venues/0/capacityPerBatch");
  });

  it("a what-if range to 1e308 is refused", async () => {
    await expectRefused(
      () => post(`/v1/plans/${planId}/what-if`, '{"range":{"from":0,"to":1e308,"step":1e306}}'),
      "TOO_BIG",
    );
    await expectRefused(() => post(`/v1/plans/${planId}/what-if`, '{"budgets":[1e308]}'), "TOO_BIG");
  });

  it("a budget_changed event of 1e308 is refused; the largest budget is taken", async () => {
    await expectRefused(
      () => post(`/v1/plans/${planId}/events`, '{"type":"budget_changed","total":1e308}'),
      "TOO_BIG",
    );
    const fine = await post(
      `/v1/plans/${planId}/events`,
      JSON.stringify({ type: "budget_changed", total: MAX_YUAN }),
    );
    expect(fine.statusCode, fine.body).toBe(201);
  });
});

describe("nonsense the contract used to take", () => {
  it("a birth date after the planning window", async () => {
    const end = (plan.planningWindow as { end: string }).end;
    const cadres = (plan.cadres as Record<string, unknown>[]).map((c, i) =>
      i === 0 ? { ...c, birthDate: `${Number(end.slice(0, 4)) + 1}-01-01` } : c,
    );
    const problems = await expectRefused(() => service.sendPlan({ ...plan, cadres }), "BIRTH_AFTER_WINDOW");
    expect(problems[0]?.path).toBe("/cadres/0/birthDate");
  });

  it("an event whose changes hold only unknown fields", async () => {
    const cadreId = (plan.cadres as { id: string }[])[0]?.id;
    const problems = await expectRefused(
      () =>
        post(
          `/v1/plans/${planId}/events`,
          JSON.stringify({ type: "cadre_updated", cadreId, changes: { helth: { criticalIllness: true } } }),
        ),
      "UNKNOWN_FIELD",
    );
    expect(problems[0]?.path).toBe("/changes/helth");
  });

  it("a 15 MB junk field in a plan", async () => {
    const problems = await expectRefused(
      () => post("/v1/plans", withField({ junk: "x".repeat(15 * 1024 * 1024) })),
      "UNKNOWN_FIELD",
    );
    expect(problems).toEqual([
      { path: "/junk", code: "UNKNOWN_FIELD", message: expect.stringContaining("junk") },
    ]);
  });

  it("unknown fields in what-if bodies and events", async () => {
    await expectRefused(
      () => post(`/v1/plans/${planId}/what-if`, '{"budgets":[1000],"budget":[2000]}'),
      "UNKNOWN_FIELD",
    );
    await expectRefused(
      () => post(`/v1/plans/${planId}/events`, '{"type":"budget_changed","total":5,"note":"x"}'),
      "UNKNOWN_FIELD",
    );
  });

  it("a free-form notes field is kept on the plan", async () => {
    const id = await service.postPlan({ ...plan, notes: "2027 年首批" });
    const stored = await service.app.inject({ method: "GET", url: `/v1/plans/${id}`, headers: planner });
    expect(stored.json().plan.notes).toBe("2027 年首批");
  });
});

describe("content types", () => {
  it("text/plain is refused with 415 and stores nothing", async () => {
    const before = service.storedRows();
    for (const [url, body] of [
      ["/v1/plans", JSON.stringify(plan)],
      ["/v1/validate", "{}"],
      [`/v1/plans/${planId}/what-if`, '{"budgets":[1000]}'],
      [`/v1/plans/${planId}/events`, '{"type":"budget_changed","total":5}'],
    ] as const) {
      const response = await post(url, body, "text/plain");
      expect(response.statusCode, url).toBe(415);
      expect(response.json()).toEqual({
        code: "UNSUPPORTED_MEDIA_TYPE",
        message: "请求体应为 application/json",
      });
    }
    expect(service.storedRows()).toEqual(before);
  });

  it("application/json with a charset is JSON", async () => {
    const response = await post("/v1/plans", JSON.stringify(plan), "application/json; charset=utf-8");
    expect(response.statusCode, response.body).toBe(201);
  });
});

describe("URLs the router cannot read get the service's error format and hooks", () => {
  function expectServiceHeaders(response: { headers: Record<string, unknown> }) {
    expect(response.headers["x-request-id"]).toEqual(expect.any(String));
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-ratelimit-limit"]).toBeDefined();
  }

  it("a bad percent-encoding", async () => {
    const response = await service.app.inject({ method: "GET", url: "/v1/plans/%E0%A4%A", headers: planner });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: "BAD_URL", message: expect.stringMatching(/[\u4e00-\u9fff]/) });
    expectServiceHeaders(response);
  });

  it("an id over the id length", async () => {
    const long = "p".repeat(MAX_ID_LENGTH + 1);
    for (const url of [`/v1/plans/${long}`, `/v1/jobs/${long}`, `/v1/schedules/${long}`]) {
      const response = await service.app.inject({ method: "GET", url, headers: planner });
      expect(response.statusCode, url).toBe(400);
      expect(response.json()).toMatchObject({ code: "INVALID_REQUEST", problems: [{ code: "TOO_BIG" }] });
      expect(response.body).not.toContain(long);
      expectServiceHeaders(response);
    }
    const fine = await service.app.inject({
      method: "GET",
      url: `/v1/plans/${"p".repeat(MAX_ID_LENGTH)}`,
      headers: planner,
    });
    expect(fine.statusCode).toBe(404);
  });
});

describe("URLs the router cannot read are logged like any request", () => {
  it("one request line, with its id and status", async () => {
    const lines: string[] = [];
    const logged = await startService({ logLines: lines });
    try {
      for (const url of ["/v1/plans/%E0%A4%A", `/v1/plans/${"p".repeat(MAX_ID_LENGTH + 1)}`]) {
        const response = await logged.app.inject({
          method: "GET",
          url,
          headers: { ...planner, "x-request-id": "trace-bad-url" },
        });
        expect(response.headers["x-request-id"]).toBe("trace-bad-url");
      }
      const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === "request");
      expect(requests.filter((r) => r.reqId === "trace-bad-url").map((r) => r.status)).toEqual([400, 400]);
    } finally {
      await logged.close();
    }
  });
});

describe("/healthz", () => {
  it("answers while a flooding client is being refused", async () => {
    const limited = await startService({ rateLimitMax: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await limited.app.inject({ method: "GET", url: "/v1/plans/x", headers: planner })).statusCode,
        );
      }
      expect(statuses).toContain(429);
      for (let i = 0; i < 4; i++) {
        expect((await limited.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      }
    } finally {
      await limited.close();
    }
  });
});
