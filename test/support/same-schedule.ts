import { expect } from "vitest";
import type { Schedule } from "../../solver/index.js";
import { planner, type TestService } from "./service.js";

// Two schedules compared as what-if runs promise them: the same, apart from the solver's seconds and the ids.

/**
 * A stored schedule once its reasons are written in; undefined if they never come (its re-solve, cut short,
 * did not give the same batches, so they stay pending).
 */
export async function explainedSchedule(service: TestService, id: string): Promise<Schedule | undefined> {
  for (let i = 0; i < 1200; i++) {
    const stored: Schedule = (await service.getSchedule(id, planner)).json();
    if (stored.solver.unscheduledReasonsPending === undefined) return stored;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/**
 * Everything but the solver's seconds and the ids, field by field (a difference names its field). The
 * resource reasons come from time-boxed re-solves: compared only where both schedules say they are proven.
 */
function comparable(s: Schedule, other: Schedule) {
  const proven = s.solver.unscheduledReasonsProven === true && other.solver.unscheduledReasonsProven === true;
  const unscheduled = proven ? s.unscheduled : s.unscheduled.map(({ cadreId, tier }) => ({ cadreId, tier }));
  const solver = { ...s.solver, seconds: 0, unscheduledReasonsProven: proven };
  return Object.entries({ ...s, scheduleId: "", unscheduled, solver }).map(
    ([key, value]) => `${key}: ${JSON.stringify(value)}`,
  );
}

export function expectSameSchedule(a: Schedule, b: Schedule, label: string): void {
  expect(comparable(a, b), label).toEqual(comparable(b, a));
}
