import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_NAME_LENGTH,
  MAX_NOTES_LENGTH,
  MAX_YUAN,
  PROBLEM_CODES,
  type Problem,
  parsePlan,
  parseSchedule,
  parseValidateRequest,
  planSchema,
  toPointer,
  toProblems,
} from "../../src/contract/index.js";
import {
  APPLIED,
  CYCLE_2027,
  HEALTHY,
  POLICY_AT_ARTICLE_LIMITS,
  RENCHENG_COUNTY,
  RENCHENG_PLACEMENT,
  TAIAN_VENUE,
} from "../support/plans.js";

// The bureau's examples live in the repo (spec/examples), so a clone on its own has them.
const examplesDir = new URL("../../spec/examples/", import.meta.url);
const exampleNames = readdirSync(examplesDir)
  .filter((name) => name.endsWith(".json") && !name.endsWith(".expected.json"))
  .sort();

function loadExample(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, examplesDir), "utf8"));
}

type Key = string | number;
type Node = Record<Key, unknown>;

function clone<T>(value: T): T {
  return structuredClone(value);
}

function parentOf(root: unknown, path: readonly Key[]): Node {
  let node = root;
  for (const key of path.slice(0, -1)) node = (node as Node)[key];
  return node as Node;
}

function lastOf(path: readonly Key[]): Key {
  const key = path[path.length - 1];
  if (key === undefined) throw new Error("empty path");
  return key;
}

/** A copy of `root` with the value at `path` replaced. */
function setAt(root: unknown, path: readonly Key[], value: unknown): unknown {
  const copy = clone(root);
  parentOf(copy, path)[lastOf(path)] = value;
  return copy;
}

/** A copy of `root` without the field at `path`. */
function deleteAt(root: unknown, path: readonly Key[]): unknown {
  const copy = clone(root);
  delete parentOf(copy, path)[lastOf(path)];
  return copy;
}

function getAt(root: unknown, path: readonly Key[]): unknown {
  let node = root;
  for (const key of path) node = (node as Node)[key];
  return node;
}

function nodeAt(root: unknown, path: readonly Key[]): Node {
  return getAt(root, path) as Node;
}

/** Applies several edits to one copy. */
function edit(root: unknown, change: (copy: Node) => void): unknown {
  const copy = clone(root) as Node;
  change(copy);
  return copy;
}

const range = (start: string, end: string) => ({ start, end });

// Small but complete: every field kind of the contract appears at least once.
const validPlan = {
  version: 1,
  organizer: RENCHENG_COUNTY,
  cycle: CYCLE_2027,
  planningWindow: range("2027-03-01", "2027-11-30"),
  policy: { ...POLICY_AT_ARTICLE_LIMITS, minBatchSize: 10, staffMaxBatches: 4 },
  budget: {
    total: 380000,
    costStandard: { perPersonPerDay: 600, perPersonPerTrip: 4000 },
    insurancePerPerson: 30,
    staffPerDay: 300,
    includeStaffCosts: true,
  },
  venues: [
    TAIAN_VENUE,
    {
      id: "V02",
      ownership: "contracted",
      province: "山东省",
      days: 5,
      capacityPerBatch: 20,
    },
  ],
  staff: [
    {
      id: "S001",
      name: "张三",
      institution: "任城区军休所",
      medical: true,
      available: [],
      unavailable: [range("2027-07-01", "2027-07-20")],
    },
    { id: "S002", medical: false },
  ],
  cadres: [
    {
      id: "C00001",
      name: "李四",
      gender: "M",
      category: "retired_cadre",
      placement: RENCHENG_PLACEMENT,
      birthDate: "1950-03-12",
      honors: [
        { kind: "honorary_title", period: "service" },
        { kind: "merit", class: 2, wartime: true, period: "service" },
        { kind: "commendation", period: "service", level: "military_region" },
        { kind: "commendation", period: "post_transfer", level: "city" },
        { kind: "advanced_cadre", level: "provincial" },
      ],
      nominee: null,
      countyExpansion: {
        grounds: ["combat", "service_length"],
        approvedBy: "party_group",
        publicNoticeEnded: "2026-12-20",
        objection: false,
      },
      health: HEALTHY,
      application: APPLIED,
      unavailable: [range("2027-08-01", "2027-08-31")],
      history: [{ cycleId: "2025", level: "city", start: "2025-05-12", end: "2025-05-18" }],
    },
    {
      id: "C00002",
      category: "retired_nco",
      placement: { province: "山东省", city: "济宁市", managedByVeteranAffairs: true },
      birthDate: "1948-02-29",
      nominee: "provincial",
      countyExpansion: { grounds: [], approvedBy: null, publicNoticeEnded: null },
      health: null,
      application: null,
    },
  ],
};

function problemsOf(input: unknown): Problem[] {
  const result = parsePlan(input);
  if (result.ok) throw new Error("expected the plan to be rejected");
  return result.problems;
}

function pathsAndCodes(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.path} ${p.code}`);
}

/** The plan is rejected with exactly these (path, code) pairs, in any order. */
function expectExactly(input: unknown, expected: string[]): Problem[] {
  const problems = problemsOf(input);
  expect(pathsAndCodes(problems).sort()).toEqual([...expected].sort());
  return problems;
}

describe("example plans", () => {
  it("finds the four example plans in spec/examples", () => {
    expect(exampleNames).toEqual([
      "city-2027.json",
      "county.json",
      "small-city.json",
      "tight-budget-city.json",
    ]);
  });

  it.each(exampleNames)("%s parses", (name) => {
    const result = parsePlan(loadExample(name));
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
    expect(result.plan.version).toBe(1);
  });

  it("the hand-written fixture parses", () => {
    expect(parsePlan(validPlan)).toMatchObject({ ok: true });
  });

  it("refuses unknown fields everywhere, each at its own path, in Chinese", () => {
    const input = edit(validPlan, (p) => {
      p.note = "top";
      nodeAt(p, ["cadres", 0]).remark = { nested: [1, 2] };
      nodeAt(p, ["cadres", 0, "honors", 1]).citation = "某战役";
      nodeAt(p, ["venues", 0, "available", 0]).label = "spring";
    });
    const result = parsePlan(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.path} ${p.code}`).sort()).toEqual([
      "/cadres/0/honors/1/citation UNKNOWN_FIELD",
      "/cadres/0/remark UNKNOWN_FIELD",
      "/note UNKNOWN_FIELD",
      "/venues/0/available/0/label UNKNOWN_FIELD",
    ]);
    expect(result.problems.find((p) => p.path === "/note")?.message).toContain("契约中没有字段「note」");
  });

  it("keeps free text in notes on the plan, cadres, staff and venues, up to its bound", () => {
    const input = edit(validPlan, (p) => {
      p.notes = "top";
      nodeAt(p, ["cadres", 0]).notes = "腿脚不便";
      nodeAt(p, ["staff", 0]).notes = "x";
      nodeAt(p, ["venues", 0]).notes = "y";
    });
    const result = parsePlan(input);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.plan.notes).toBe("top");
    expect(result.plan.cadres[0]?.notes).toBe("腿脚不便");
    const long = edit(validPlan, (p) => {
      p.notes = "注".repeat(MAX_NOTES_LENGTH + 1);
    });
    expectExactly(long, ["/notes TOO_BIG"]);
  });

  it("accepts the absent and null forms the contract allows", () => {
    const input = edit(validPlan, (p) => {
      delete p.policy;
      p.budget = { total: 0 };
      p.organizer = { level: "city", province: "山东省", city: "济宁市", county: null };
      delete nodeAt(p, ["cadres", 1]).countyExpansion;
      delete nodeAt(p, ["cadres", 0]).health;
    });
    expect(parsePlan(input)).toMatchObject({ ok: true });
  });
});

describe("malformed plans: every problem at its exact path, nothing thrown", () => {
  it("missing required fields", () => {
    expectExactly(deleteAt(validPlan, ["cadres", 1, "birthDate"]), ["/cadres/1/birthDate REQUIRED"]);
    expectExactly(deleteAt(validPlan, ["budget", "total"]), ["/budget/total REQUIRED"]);
    expectExactly(deleteAt(validPlan, ["venues"]), ["/venues REQUIRED"]);
    expectExactly(deleteAt(validPlan, ["staff", 1, "medical"]), ["/staff/1/medical REQUIRED"]);
    expectExactly(deleteAt(validPlan, ["cadres", 0, "honors", 2, "level"]), [
      "/cadres/0/honors/2/level REQUIRED",
    ]);
    expectExactly(deleteAt(validPlan, ["cadres", 0, "honors", 1, "class"]), [
      "/cadres/0/honors/1/class REQUIRED",
    ]);
    expectExactly(deleteAt(validPlan, ["cadres", 0, "honors", 0, "kind"]), [
      "/cadres/0/honors/0/kind REQUIRED",
    ]);
    expectExactly(deleteAt(validPlan, ["cadres", 0, "honors", 3, "period"]), [
      "/cadres/0/honors/3/period REQUIRED",
    ]);
    expectExactly(deleteAt(validPlan, ["venues", 1, "ownership"]), ["/venues/1/ownership REQUIRED"]);
    const [problem] = problemsOf(deleteAt(validPlan, ["cadres", 1, "birthDate"]));
    expect(problem?.message).toContain("birthDate");
  });

  it("a misspelt required field is named by its right spelling, never guessed at", () => {
    const input = edit(validPlan, (p) => {
      const cadre = nodeAt(p, ["cadres", 0]);
      cadre.birthdate = cadre.birthDate;
      delete cadre.birthDate;
    });
    expectExactly(input, ["/cadres/0/birthDate REQUIRED", "/cadres/0/birthdate UNKNOWN_FIELD"]);
  });

  it("wrong types", () => {
    expectExactly(setAt(validPlan, ["venues", 0, "days"], "6"), ["/venues/0/days INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["staff", 0, "medical"], "yes"), ["/staff/0/medical INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["cadres"], {}), ["/cadres INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["cadres", 0, "honors"], "none"), ["/cadres/0/honors INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["organizer"], null), ["/organizer INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["budget", "total"], "NaN"), ["/budget/total INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["budget", "total"], Number.NaN), ["/budget/total INVALID_TYPE"]);
    expectExactly(setAt(validPlan, ["version"], "1"), ["/version INVALID_TYPE"]);
  });

  it("numbers out of range", () => {
    expectExactly(setAt(validPlan, ["venues", 0, "days"], 6.5), ["/venues/0/days NOT_INTEGER"]);
    expectExactly(setAt(validPlan, ["venues", 0, "capacityPerBatch"], 0), [
      "/venues/0/capacityPerBatch TOO_SMALL",
    ]);
    expectExactly(setAt(validPlan, ["budget", "total"], -1), ["/budget/total TOO_SMALL"]);
    expectExactly(setAt(validPlan, ["venues", 0, "pricePerPersonDay"], -0.01), [
      "/venues/0/pricePerPersonDay TOO_SMALL",
    ]);
    expectExactly(setAt(validPlan, ["venues", 0, "startWeekdays"], [0, 7, 8]), [
      "/venues/0/startWeekdays/0 TOO_SMALL",
      "/venues/0/startWeekdays/2 TOO_BIG",
    ]);
    expectExactly(setAt(validPlan, ["venues", 0, "days"], 1e20), ["/venues/0/days TOO_BIG"]);
    expectExactly(setAt(validPlan, ["venues", 0, "days"], 0.5), ["/venues/0/days NOT_INTEGER"]);
    expectExactly(JSON.parse(JSON.stringify(validPlan).replace('"total":380000', '"total":1e400')), [
      "/budget/total INVALID_TYPE",
    ]);
    // Bounded (src/contract/bounds.ts): a budget of 1e308 used to give null budgets in what-if results.
    expectExactly(setAt(validPlan, ["budget", "total"], 1e308), ["/budget/total TOO_BIG"]);
    expect(parsePlan(setAt(validPlan, ["budget", "total"], MAX_YUAN))).toMatchObject({ ok: true });
    expectExactly(setAt(validPlan, ["venues", 0, "capacityPerBatch"], Number.MAX_SAFE_INTEGER), [
      "/venues/0/capacityPerBatch TOO_BIG",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "name"], "名".repeat(MAX_NAME_LENGTH + 1)), [
      "/cadres/0/name TOO_BIG",
    ]);
  });

  it("unknown enum values", () => {
    expectExactly(setAt(validPlan, ["venues", 0, "ownership"], "leased"), [
      "/venues/0/ownership INVALID_ENUM",
    ]);
    expectExactly(setAt(validPlan, ["organizer", "level"], "province"), ["/organizer/level INVALID_ENUM"]);
    expectExactly(setAt(validPlan, ["cadres", 0, "gender"], "X"), ["/cadres/0/gender INVALID_ENUM"]);
    expectExactly(setAt(validPlan, ["cadres", 0, "nominee"], "city"), ["/cadres/0/nominee INVALID_ENUM"]);
    expectExactly(setAt(validPlan, ["cadres", 0, "honors", 0, "kind"], "medal"), [
      "/cadres/0/honors/0/kind INVALID_ENUM",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "honors", 1, "class"], 4), [
      "/cadres/0/honors/1/class INVALID_ENUM",
    ]);
    // Commendation levels depend on the period.
    expectExactly(setAt(validPlan, ["cadres", 0, "honors", 2, "level"], "national"), [
      "/cadres/0/honors/2/level INVALID_ENUM",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "honors", 3, "level"], "cmc"), [
      "/cadres/0/honors/3/level INVALID_ENUM",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "honors", 2, "period"], "retired"), [
      "/cadres/0/honors/2/period INVALID_ENUM",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "countyExpansion", "grounds", 1], "age"), [
      "/cadres/0/countyExpansion/grounds/1 INVALID_ENUM",
    ]);
    const [problem] = problemsOf(setAt(validPlan, ["cadres", 0, "honors", 0, "kind"], "medal"));
    expect(problem?.message).toContain("honorary_title");
  });

  it("dates that do not exist or are not yyyy-mm-dd", () => {
    expectExactly(setAt(validPlan, ["cadres", 0, "birthDate"], "2027-02-30"), [
      "/cadres/0/birthDate INVALID_DATE",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "birthDate"], "2027-02-29"), [
      "/cadres/0/birthDate INVALID_DATE",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "birthDate"], "1950-3-12"), [
      "/cadres/0/birthDate INVALID_DATE",
    ]);
    expectExactly(setAt(validPlan, ["cycle", "end"], "2027-13-01"), ["/cycle/end INVALID_DATE"]);
    expectExactly(setAt(validPlan, ["venues", 0, "blackout", 0, "start"], "2027-05-01T00:00"), [
      "/venues/0/blackout/0/start INVALID_DATE",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "countyExpansion", "publicNoticeEnded"], "2026-11-31"), [
      "/cadres/0/countyExpansion/publicNoticeEnded INVALID_DATE",
    ]);
    // Leap days exist in leap years.
    expect(parsePlan(setAt(validPlan, ["cadres", 0, "birthDate"], "1952-02-29"))).toMatchObject({ ok: true });
  });

  it("ranges whose start is after their end, each at the range's path", () => {
    expectExactly(setAt(validPlan, ["venues", 0, "available", 0], range("2027-06-30", "2027-04-01")), [
      "/venues/0/available/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["venues", 0, "blackout", 0], range("2027-05-05", "2027-05-01")), [
      "/venues/0/blackout/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["staff", 0, "available"], [range("2027-09-02", "2027-09-01")]), [
      "/staff/0/available/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["staff", 0, "unavailable", 0], range("2027-07-21", "2027-07-20")), [
      "/staff/0/unavailable/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "unavailable", 0], range("2027-09-01", "2027-08-01")), [
      "/cadres/0/unavailable/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["cadres", 0, "history", 0, "end"], "2025-05-11"), [
      "/cadres/0/history/0 RANGE_START_AFTER_END",
    ]);
    expectExactly(setAt(validPlan, ["planningWindow"], range("2027-11-30", "2027-03-01")), [
      "/planningWindow RANGE_START_AFTER_END",
    ]);
    // A cycle turned inside out also leaves the window outside it.
    expectExactly(setAt(validPlan, ["cycle", "end"], "2026-12-31"), [
      "/cycle RANGE_START_AFTER_END",
      "/planningWindow WINDOW_OUTSIDE_CYCLE",
    ]);
    // A one-day range is fine.
    expect(
      parsePlan(setAt(validPlan, ["venues", 0, "blackout", 0], range("2027-05-01", "2027-05-01"))),
    ).toMatchObject({ ok: true });
  });

  it("duplicate ids, reported at the later duplicate's id", () => {
    const twice = (list: "venues" | "staff" | "cadres") =>
      edit(validPlan, (p) => {
        const items = p[list] as Node[];
        items.push(clone(items[0] as Node));
      });
    expectExactly(twice("venues"), ["/venues/2/id DUPLICATE_ID"]);
    expectExactly(twice("staff"), ["/staff/2/id DUPLICATE_ID"]);
    expectExactly(twice("cadres"), ["/cadres/2/id DUPLICATE_ID"]);
    const thrice = edit(validPlan, (p) => {
      const cadres = p.cadres as Node[];
      cadres.push(clone(cadres[1] as Node), clone(cadres[1] as Node));
    });
    const problems = expectExactly(thrice, ["/cadres/2/id DUPLICATE_ID", "/cadres/3/id DUPLICATE_ID"]);
    expect(problems[0]?.message).toContain("C00002");
    expect(problems[0]?.message).toContain("/cadres/1");
  });

  it("a birth date after the planning window", () => {
    const end = (validPlan as { planningWindow: { end: string } }).planningWindow.end;
    const [year, month, day] = end.split("-").map(Number) as [number, number, number];
    const next = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
    expectExactly(setAt(validPlan, ["cadres", 0, "birthDate"], next), [
      "/cadres/0/birthDate BIRTH_AFTER_WINDOW",
    ]);
    expect(parsePlan(setAt(validPlan, ["cadres", 0, "birthDate"], end))).toMatchObject({ ok: true });
  });

  it("a planning window outside the cycle", () => {
    expectExactly(setAt(validPlan, ["planningWindow", "end"], "2028-01-10"), [
      "/planningWindow WINDOW_OUTSIDE_CYCLE",
    ]);
    expectExactly(setAt(validPlan, ["planningWindow", "start"], "2026-12-31"), [
      "/planningWindow WINDOW_OUTSIDE_CYCLE",
    ]);
    // The window may fill the cycle exactly.
    expect(parsePlan(setAt(validPlan, ["planningWindow"], range("2027-01-01", "2027-12-31")))).toMatchObject({
      ok: true,
    });
  });

  it("policy maxDays above 7 (Art. 6)", () => {
    const [problem] = expectExactly(setAt(validPlan, ["policy", "maxDays"], 8), [
      "/policy/maxDays POLICY_MAX_DAYS_ART6",
    ]);
    expect(problem?.message).toContain("每期疗养时间不超过7天");
    expect(problem?.message).toContain("第六条");
    expect(parsePlan(setAt(validPlan, ["policy", "maxDays"], 5))).toMatchObject({ ok: true });
  });

  it("policy cadresPerStaff outside [5, 10] or inverted (Art. 10)", () => {
    const [low] = expectExactly(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 4, max: 10 }), [
      "/policy/cadresPerStaff/min POLICY_RATIO_MIN_ART10",
    ]);
    expect(low?.message).toContain("第十条");
    const [high] = expectExactly(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 5, max: 11 }), [
      "/policy/cadresPerStaff/max POLICY_RATIO_MAX_ART10",
    ]);
    expect(high?.message).toContain("第十条");
    expectExactly(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 8, max: 6 }), [
      "/policy/cadresPerStaff POLICY_RATIO_ORDER_ART10",
    ]);
    expectExactly(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 4, max: 11 }), [
      "/policy/cadresPerStaff/min POLICY_RATIO_MIN_ART10",
      "/policy/cadresPerStaff/max POLICY_RATIO_MAX_ART10",
    ]);
    expectExactly(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 5 }), [
      "/policy/cadresPerStaff/max REQUIRED",
    ]);
    expect(parsePlan(setAt(validPlan, ["policy", "cadresPerStaff"], { min: 6, max: 8 }))).toMatchObject({
      ok: true,
    });
  });

  it("policy maxAge above 80 (Art. 7)", () => {
    const [problem] = expectExactly(setAt(validPlan, ["policy", "maxAge"], 81), [
      "/policy/maxAge POLICY_MAX_AGE_ART7",
    ]);
    expect(problem?.message).toContain("第七条");
    expect(parsePlan(setAt(validPlan, ["policy", "maxAge"], 75))).toMatchObject({ ok: true });
  });

  it("a county organizer without a county", () => {
    expectExactly(deleteAt(validPlan, ["organizer", "county"]), [
      "/organizer/county COUNTY_ORGANIZER_WITHOUT_COUNTY",
    ]);
    expectExactly(setAt(validPlan, ["organizer", "county"], null), [
      "/organizer/county COUNTY_ORGANIZER_WITHOUT_COUNTY",
    ]);
  });

  it("a version other than 1", () => {
    expectExactly(setAt(validPlan, ["version"], 2), ["/version UNSUPPORTED_VERSION"]);
    expectExactly(deleteAt(validPlan, ["version"]), ["/version REQUIRED"]);
  });

  it("several problems at once are all listed, cross-field ones too", () => {
    const input = edit(validPlan, (p) => {
      p.version = 2;
      nodeAt(p, ["policy"]).maxDays = 8;
      nodeAt(p, ["policy"]).maxAge = 81;
      nodeAt(p, ["planningWindow"]).end = "2028-02-01";
      nodeAt(p, ["venues", 0]).ownership = "leased";
      nodeAt(p, ["venues", 0]).days = 6.5;
      nodeAt(p, ["venues", 1]).id = "V01";
      nodeAt(p, ["staff", 1]).medical = 1;
      nodeAt(p, ["cadres", 0]).birthDate = "2027-02-30";
      delete nodeAt(p, ["cadres", 1]).category;
      nodeAt(p, ["cadres", 0, "unavailable", 0]).end = "2027-07-01";
    });
    expectExactly(input, [
      "/version UNSUPPORTED_VERSION",
      "/policy/maxDays POLICY_MAX_DAYS_ART6",
      "/policy/maxAge POLICY_MAX_AGE_ART7",
      "/planningWindow WINDOW_OUTSIDE_CYCLE",
      "/venues/0/ownership INVALID_ENUM",
      "/venues/0/days NOT_INTEGER",
      "/venues/1/id DUPLICATE_ID",
      "/staff/1/medical INVALID_TYPE",
      "/cadres/0/birthDate INVALID_DATE",
      "/cadres/1/category REQUIRED",
      "/cadres/0/unavailable/0 RANGE_START_AFTER_END",
    ]);
  });

  it("every message is Chinese and every code is in the vocabulary", () => {
    const input = edit(validPlan, (p) => {
      p.organizer = 5;
      p.version = "x";
      nodeAt(p, ["venues", 0]).days = 0.5;
      nodeAt(p, ["venues", 0]).startWeekdays = [9];
      nodeAt(p, ["cadres", 0, "honors", 0]).kind = "medal";
      nodeAt(p, ["cadres", 0]).id = "";
    });
    for (const problem of problemsOf(input)) {
      expect(problem.message).toMatch(/[\u4e00-\u9fff]/);
      expect(Object.keys(PROBLEM_CODES)).toContain(problem.code);
    }
  });

  it("non-object input gets one problem at the document root", () => {
    for (const input of [undefined, null, "plan", 42, Number.NaN, true, [], [validPlan]]) {
      expectExactly(input, [" INVALID_TYPE"]);
    }
  });

  it("prototype-pollution keys neither pollute nor throw", () => {
    const text = JSON.stringify(validPlan)
      .replace(
        '"version":1',
        '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"version":1',
      )
      .replace('"id":"C00001"', '"__proto__":{"admin":true},"id":"C00001"');
    const result = parsePlan(JSON.parse(text));
    // Unknown fields like any other.
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it("hostile non-JSON values are reported, not thrown", () => {
    const trap = clone(validPlan) as Node;
    Object.defineProperty(trap, "cadres", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    expectExactly(trap, [" UNREADABLE_INPUT"]);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(() => parsePlan(revoked.proxy)).not.toThrow();
    expect(() => parsePlan(Symbol("x"))).not.toThrow();
    expect(() => parsePlan(() => validPlan)).not.toThrow();
    expect(() => parsePlan(10n)).not.toThrow();
  });
});

describe("toProblems and paths", () => {
  it("writes paths as RFC 6901 JSON pointers", () => {
    expect(toPointer([])).toBe("");
    expect(toPointer(["cadres", 12, "birthDate"])).toBe("/cadres/12/birthDate");
    expect(toPointer(["a/b", "c~d"])).toBe("/a~1b/c~0d");
    expect(toPointer([Symbol("s")])).toBe("/Symbol(s)");
  });

  it("works on a zod error from a plain safeParse too", () => {
    const result = planSchema.safeParse(deleteAt(validPlan, ["cadres", 0, "birthDate"]));
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(pathsAndCodes(toProblems(result.error))).toEqual(["/cadres/0/birthDate REQUIRED"]);
    }
  });
});

const validSchedule = {
  planId: "P1",
  scheduleId: "S1",
  candidate: "priority",
  status: "optimal",
  batches: [
    {
      id: "B01",
      venueId: "V01",
      start: "2027-04-05",
      end: "2027-04-10",
      cadreIds: ["C00001"],
      staffIds: ["S001"],
      cost: { fixed: 1500, cadres: 51000, staff: 4800, total: 57300 },
    },
  ],
  summary: {
    eligibleByTier: [1, 2, 3, 4, 0, 0],
    scheduledByTier: [1, 2, 3, 0, 0, 0],
    eligible: 10,
    scheduled: 6,
    totalCost: 57300,
    budget: 380000,
    systemVenueShare: 1,
  },
  unscheduled: [{ cadreId: "C00002", tier: 4, reasons: ["BUDGET", "PRIORITY"] }],
  ineligible: [{ cadreId: "C00003", reasons: [{ code: "ART7_AGE", article: 7, message: "超过80周岁" }] }],
  excludedVenues: [
    { venueId: "V09", reasons: [{ code: "ART6_OUT_OF_PROVINCE", article: 6, message: "省外" }] },
  ],
  solver: { backend: "highs", seconds: 1.5, provenOptimal: true, gap: 0 },
};

describe("schedule", () => {
  it("a well-formed schedule parses and keeps extra fields", () => {
    const result = parseSchedule(validSchedule);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.schedule.solver.gap).toBe(0);
  });

  it("malformed schedules name their paths", () => {
    const result = parseSchedule(
      edit(validSchedule, (s) => {
        s.status = "done";
        delete s.solver;
        nodeAt(s, ["batches", 0]).end = "2027-04-31";
        (getAt(s, ["summary", "eligibleByTier"]) as unknown[]).length = 5;
        (getAt(s, ["unscheduled", 0, "reasons"]) as unknown[]).push("LUCK");
      }),
    );
    if (result.ok) throw new Error("expected the schedule to be rejected");
    const problems = pathsAndCodes(result.problems);
    expect(problems.sort()).toEqual(
      [
        "/status INVALID_ENUM",
        "/solver REQUIRED",
        "/batches/0/end INVALID_DATE",
        "/summary/eligibleByTier TOO_SMALL",
        "/unscheduled/0/reasons/2 INVALID_ENUM",
      ].sort(),
    );
  });

  it("a validate request needs both a plan and a schedule", () => {
    expect(parseValidateRequest({ plan: validPlan, schedule: validSchedule })).toMatchObject({ ok: true });
    const result = parseValidateRequest({ plan: deleteAt(validPlan, ["budget"]) });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(pathsAndCodes(result.problems).sort()).toEqual(["/plan/budget REQUIRED", "/schedule REQUIRED"]);
  });
});

/** Every leaf (primitive, null, empty array or object) of a JSON value, with its path. */
function leafPaths(value: unknown, path: Key[] = []): Key[][] {
  if (Array.isArray(value) && value.length > 0)
    return value.flatMap((item, i) => leafPaths(item, [...path, i]));
  if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    return Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]));
  }
  return [path];
}

/** Values of a JSON type other than the leaf's, so the contract cannot accept them there. */
function wrongTypeFor(leaf: unknown): fc.Arbitrary<unknown> {
  const object = fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 });
  const array = fc.array(fc.integer(), { maxLength: 2 });
  if (typeof leaf === "string") return fc.oneof(fc.double(), fc.boolean(), array, object);
  if (typeof leaf === "number") return fc.oneof(fc.string(), fc.boolean(), fc.constant(null), array, object);
  if (typeof leaf === "boolean") return fc.oneof(fc.string(), fc.double(), fc.constant(null), array, object);
  // Null stands where a string, enum or object may also go (county, nominee, health…).
  if (leaf === null) return fc.oneof(fc.double(), fc.boolean(), array);
  if (Array.isArray(leaf)) return fc.oneof(fc.string(), fc.double(), fc.boolean(), object);
  return fc.oneof(fc.string(), fc.double(), fc.boolean(), array);
}

function mutationsOf(plan: unknown) {
  const paths = leafPaths(plan);
  return fc
    .constantFrom(...paths)
    .chain((path) => wrongTypeFor(getAt(plan, path)).map((value) => ({ path, value })));
}

describe("properties", () => {
  it("parsePlan and parseSchedule never throw on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const plan = parsePlan(value);
        expect(plan.ok).toBe(false);
        if (!plan.ok) expect(plan.problems.length).toBeGreaterThan(0);
        expect(parseSchedule(value).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("parsePlan never throws on arbitrary values, prototype keys included", () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withObjectString: true, withBigInt: true }),
        (value) => {
          expect(() => parsePlan(value)).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("replacing any part of a valid plan with arbitrary JSON never throws", () => {
    const paths = leafPaths(validPlan).flatMap((path) => path.map((_, i) => path.slice(0, i + 1)));
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
        expect(() => parsePlan(setAt(validPlan, path, value))).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });

  it("a wrong type at any leaf of a valid plan is rejected at that leaf's path", () => {
    for (const plan of [validPlan, slicedExample("county.json")]) {
      fc.assert(
        fc.property(mutationsOf(plan), ({ path, value }) => {
          const result = parsePlan(setAt(plan, path, value));
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(toPointer(path));
        }),
        { numRuns: 400 },
      );
    }
  });
});

/** An example plan cut down to a few cadres, so the property runs stay fast. */
function slicedExample(name: string): unknown {
  return edit(loadExample(name), (p) => {
    const cadres = p.cadres as Node[];
    // Keep some county-expansion records among the sample.
    p.cadres = [...cadres.slice(0, 8), ...cadres.filter((c) => c.countyExpansion).slice(0, 4)];
  });
}
