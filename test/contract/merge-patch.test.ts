import { describe, expect, it } from "vitest";
import { sweepBudgets } from "../../src/contract/index.js";
import { applyMergePatch, pointerInPatch } from "../../src/contract/merge-patch.js";

describe("applyMergePatch", () => {
  // RFC 7386, Appendix A.
  const rfcExamples: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(rfcExamples)("RFC 7386: %j patched with %j is %j", (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("patches lists of items with ids by id: merge, remove with null, add an unknown id", () => {
    const venues = [
      { id: "V01", capacityPerBatch: 20, available: [{ start: "a" }] },
      { id: "V02", capacityPerBatch: 50 },
    ];
    const patched = applyMergePatch(
      { venues },
      { venues: { V01: { capacityPerBatch: 40 }, V02: null, V03: { capacityPerBatch: 10 } } },
    );
    expect(patched).toEqual({
      venues: [
        { id: "V01", capacityPerBatch: 40, available: [{ start: "a" }] },
        { id: "V03", capacityPerBatch: 10 },
      ],
    });
    // Neither argument changes.
    expect(venues[0]?.capacityPerBatch).toBe(20);
    expect(venues).toHaveLength(2);
  });

  it("keeps __proto__ a plain key", () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe("pointerInPatch", () => {
  const plan = { budget: { total: 1 }, venues: [{ id: "V01" }, { id: "V02" }] };

  it("follows an id-keyed patch with ids, a replaced list with indices, and the rest as in the document", () => {
    const byId = { venues: { V02: { days: 9 } } };
    expect(pointerInPatch(byId, applyMergePatch(plan, byId), "/venues/1/days")).toBe("/venues/V02/days");
    expect(pointerInPatch(byId, applyMergePatch(plan, byId), "/venues/0/days")).toBe("/venues/V01/days");
    const whole = { venues: [{ id: "V01" }, { id: "V02", days: 9 }] };
    expect(pointerInPatch(whole, applyMergePatch(plan, whole), "/venues/1/days")).toBe("/venues/1/days");
    expect(pointerInPatch({}, plan, "/budget/total")).toBe("/budget/total");
    expect(pointerInPatch({}, plan, "")).toBe("");
    expect(pointerInPatch({ "a/b": { "c~": 1 } }, {}, "/a~1b/c~0")).toBe("/a~1b/c~0");
  });
});

describe("sweepBudgets", () => {
  it("sorts, drops repeats, and expands a range to the fen", () => {
    expect(sweepBudgets({ budgets: [3, 1, 2, 1] })).toEqual([1, 2, 3]);
    expect(sweepBudgets({ range: { from: 0, to: 100, step: 40 } })).toEqual([0, 40, 80]);
    expect(sweepBudgets({ range: { from: 0, to: 0.3, step: 0.1 } })).toEqual([0, 0.1, 0.2, 0.3]);
    expect(sweepBudgets({ range: { from: 5, to: 5, step: 1 } })).toEqual([5]);
  });
});
