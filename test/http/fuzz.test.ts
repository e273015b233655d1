import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_YUAN } from "../../src/contract/index.js";
import { planner, readPlan, startService, type TestService } from "../support/service.js";

// Malformed bodies, thousands of them, to every route that reads JSON: valid bodies mutated (a value
// replaced by arbitrary JSON, a field dropped, an unknown field, a deep subtree, an absurd number), then
// perhaps corrupted as text or sent under another content type. The service must answer each with a 4xx in
// the usual format or accept it, never a 5xx; and a refused body must leave storage as it was.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const plan = readPlan("tiny-a") as { [key: string]: Json };

let service: TestService;
let planId: string;
let schedule: Json;

beforeAll(async () => {
  service = await startService({ pool: { timeLimitSeconds: 2, queueLimit: 2 } });
  planId = await service.postPlan(plan);
  const job = await service.waitForJob(await service.solve(planId));
  const [scheduleId] = (job.result as { scheduleIds: string[] }).scheduleIds;
  schedule = (await service.getSchedule(scheduleId ?? "", planner)).json();
});

afterAll(async () => {
  await service.close();
});

/** Every path in a document, the document itself included. */
function pathsOf(value: Json, at: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [at];
  const children = Array.isArray(value)
    ? value.flatMap((item, i) => pathsOf(item, [...at, i]))
    : Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...at, key]));
  return [at, ...children];
}

function edit(
  document: Json,
  path: Path,
  change: (parent: Json[] | Record<string, Json>, key: string | number) => void,
): Json {
  const copy = structuredClone(document);
  if (path.length === 0) return copy;
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  change(parent as Record<string, Json>, path[path.length - 1] as string | number);
  return copy;
}

/** The document with the value at `at` replaced (the whole document for the empty path). */
function setAt(document: Json, at: Path, value: Json): Json {
  if (at.length === 0) return value;
  return edit(document, at, (parent, key) => {
    (parent as Record<string | number, Json>)[key] = value;
  });
}

const DEEP = "\u0000deep\u0000";

const absurdNumber = fc.constantFrom(
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  MAX_YUAN + 1,
  -1,
  0.5,
  1e-300,
  -0,
  2 ** 31,
);

/** One valid document, mutated so that it almost always breaks the contract, as text. */
function mutated(base: Json): fc.Arbitrary<string> {
  const paths = pathsOf(base);
  const path = fc.constantFrom(...paths);
  const replaced = fc
    .tuple(path, fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>)
    .map(([at, value]) => setAt(base, at, value));
  const dropped = path
    .filter((at) => at.length > 0)
    .map((at) =>
      edit(base, at, (p, k) => {
        if (Array.isArray(p)) p.splice(Number(k), 1);
        else delete p[k];
      }),
    );
  const objectPaths = paths.filter((at) => {
    let node: Json = base;
    for (const key of at) node = (node as Record<string | number, Json>)[key] as Json;
    return node !== null && typeof node === "object" && !Array.isArray(node);
  });
  const unknownField = fc
    .tuple(
      fc.constantFrom(...objectPaths),
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.jsonValue({ maxDepth: 2 }),
    )
    .filter(([, key]) => !["__proto__", "constructor", "prototype"].includes(key))
    .map(([at, key, value]) => {
      const copy = structuredClone(base);
      let node = copy as Record<string | number, Json>;
      for (const k of at) node = node[k] as Record<string | number, Json>;
      // A key the contract has would not be unknown; a leading underscore is in none of its objects.
      node[`_${key}`] = value as Json;
      return copy;
    });
  // Deep subtrees are spliced in as text: building them as values would overflow the test's own stack.
  const deep = fc
    .tuple(path, fc.integer({ min: 65, max: 20_000 }), fc.boolean())
    .map(([at, depth, arrays]) => {
      const [open, close] = arrays ? ["[", "]"] : ['{"a":', "}"];
      const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
      return JSON.stringify(setAt(base, at, DEEP)).replace(JSON.stringify(DEEP), nested);
    });
  const absurd = fc.tuple(path, absurdNumber).map(([at, n]) => setAt(base, at, n));
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(replaced, dropped, unknownField, absurd).map((d) => JSON.stringify(d)) },
    { weight: 1, arbitrary: deep },
  );
}

/** The body, sometimes corrupted: a character replaced by a stray one, or dropped. */
const corrupted = (text: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(text) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom("", "{", "}", "[", '"', ",", ":", "\\", "\u0000", "\ud800"))
        .map(([at, insert]) => {
          const i = at % (text.length + 1);
          return text.slice(0, i) + insert + text.slice(i + 1);
        }),
    },
  );

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "text/plain",
      "application/x-www-form-urlencoded",
      "text/csv",
      "application/octet-stream",
    ),
  },
);

interface Route {
  url: () => string;
  base: Json;
}

function routes(): Route[] {
  const cadreId = "C00001";
  return [
    { url: () => "/v1/plans", base: plan },
    { url: () => "/v1/validate", base: { plan, schedule } },
    { url: () => `/v1/plans/${planId}/what-if`, base: { budgets: [6000, 12000] } },
    { url: () => `/v1/plans/${planId}/what-if`, base: { range: { from: 1000, to: 12000, step: 5000 } } },
    {
      url: () => `/v1/plans/${planId}/what-if`,
      base: {
        scenarios: [
          { name: "baseline", patch: {} },
          { name: "bigger", patch: { venues: { V01: { capacityPerBatch: 10 } }, budget: { total: 20000 } } },
        ],
      },
    },
    {
      url: () => `/v1/plans/${planId}/events`,
      base: [
        { type: "budget_changed", total: 13000 },
        { type: "cadre_updated", cadreId, changes: { health: { criticalIllness: false } } },
        { type: "venue_closed", venueId: "V01", range: { start: "2027-04-20", end: "2027-04-21" } },
        { type: "staff_unavailable", staffId: "S002", range: { start: "2027-04-01", end: "2027-04-02" } },
        { type: "cadre_prepared", cadreId, agreementSigned: true, insurancePurchased: false },
      ],
    },
  ];
}

// Tables a request writes to: a refused one must not. Schedules are left out, as accepted what-if jobs
// write theirs in the background.
const REQUEST_TABLES = ["plans", "jobs", "plan_events"];

function requestRows(): Record<string, number> {
  const rows = service.storedRows();
  return Object.fromEntries(REQUEST_TABLES.map((t) => [t, rows[t] ?? 0]));
}

describe("fuzzing the JSON routes", () => {
  it("2,000+ malformed bodies: never a 5xx, and what is refused stores nothing", async () => {
    const cases = fc.oneof(
      ...routes().map((route) =>
        fc.record({
          url: fc.constant(route.url),
          text: mutated(route.base).chain(corrupted),
          type: contentType,
        }),
      ),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(cases, async ({ url, text, type }) => {
        const before = requestRows();
        const response = await service.app.inject({
          method: "POST",
          url: url(),
          headers: { ...planner, "content-type": type },
          payload: text,
        });
        expect(response.statusCode, response.body.slice(0, 300)).toBeLessThan(500);
        if (response.statusCode === 201 && url() === "/v1/plans") {
          // Whatever is stored reads back.
          const id = response.json().id;
          const stored = await service.app.inject({
            method: "GET",
            url: `/v1/plans/${id}`,
            headers: planner,
          });
          expect(stored.statusCode).toBe(200);
        }
        if (response.statusCode >= 400) {
          refused++;
          expect(response.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          expect(requestRows()).toEqual(before);
        }
      }),
      { numRuns: 2_500 },
    );
    expect(refused).toBeGreaterThanOrEqual(2_000);
  });
});
