import type { Schedule, ScheduledBatch } from "./types.js";
import { pushTo } from "./util.js";

// What changed between two versions of a schedule, and whom to tell. A cadre's place is its venue and dates:
// a batch renumbered but unchanged is no change to anyone.

export interface Placement {
  batchId: string;
  venueId: string;
  start: string;
  end: string;
}

export interface ScheduleDiff {
  added: { cadreId: string; to: Placement }[];
  removed: { cadreId: string; from: Placement }[];
  moved: { cadreId: string; from: Placement; to: Placement }[];
  staff: { staffId: string; joined: Placement[]; left: Placement[] }[];
  /** Everyone whose trip changed, with whether they had been told the old one (a published batch). */
  notify: {
    personId: string;
    role: "cadre" | "staff";
    change: "added" | "removed" | "moved" | "reassigned";
    wasPublished: boolean;
  }[];
}

function placement(batch: ScheduledBatch): Placement {
  return { batchId: batch.id, venueId: batch.venueId, start: batch.start, end: batch.end };
}

const samePlace = (a: Placement, b: Placement) =>
  a.venueId === b.venueId && a.start === b.start && a.end === b.end;

function placements(schedule: Pick<Schedule, "batches">, people: (b: ScheduledBatch) => readonly string[]) {
  const map = new Map<string, Placement[]>();
  for (const batch of schedule.batches) for (const id of people(batch)) pushTo(map, id, placement(batch));
  return map;
}

export function diffSchedules(
  previous: Pick<Schedule, "batches">,
  next: Pick<Schedule, "batches">,
  publishedBatchIds: readonly string[] = [],
): ScheduleDiff {
  const published = new Set(publishedBatchIds);
  const before = placements(previous, (b) => b.cadreIds);
  const after = placements(next, (b) => b.cadreIds);
  const diff: ScheduleDiff = { added: [], removed: [], moved: [], staff: [], notify: [] };
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const cadreId of ids) {
    const from = before.get(cadreId)?.[0];
    const to = after.get(cadreId)?.[0];
    const wasPublished = from !== undefined && published.has(from.batchId);
    if (from && !to) {
      diff.removed.push({ cadreId, from });
      diff.notify.push({ personId: cadreId, role: "cadre", change: "removed", wasPublished });
    } else if (!from && to) {
      diff.added.push({ cadreId, to });
      diff.notify.push({ personId: cadreId, role: "cadre", change: "added", wasPublished });
    } else if (from && to && !samePlace(from, to)) {
      diff.moved.push({ cadreId, from, to });
      diff.notify.push({ personId: cadreId, role: "cadre", change: "moved", wasPublished });
    }
  }
  const staffBefore = placements(previous, (b) => b.staffIds);
  const staffAfter = placements(next, (b) => b.staffIds);
  for (const staffId of [...new Set([...staffBefore.keys(), ...staffAfter.keys()])].sort()) {
    const old = staffBefore.get(staffId) ?? [];
    const now = staffAfter.get(staffId) ?? [];
    const joined = now.filter((p) => !old.some((q) => samePlace(p, q)));
    const left = old.filter((p) => !now.some((q) => samePlace(p, q)));
    if (joined.length === 0 && left.length === 0) continue;
    diff.staff.push({ staffId, joined, left });
    diff.notify.push({
      personId: staffId,
      role: "staff",
      change: "reassigned",
      wasPublished: left.some((p) => published.has(p.batchId)),
    });
  }
  return diff;
}
