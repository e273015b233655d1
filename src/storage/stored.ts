import type { Schedule } from "../../solver/index.js";
import type { PlanEvent } from "../contract/events.js";
import type { PlanInput } from "../contract/index.js";
import { applyMergePatch } from "../contract/merge-patch.js";

// Reading back what storage keeps as JSON text. Everything stored passed the contract on the way in (a plan
// when stored, a patched plan before its job was queued, an event when recorded, a schedule the validator),
// so it is parsed without being checked again, and here is the one place that says so.

type Patch = Record<string, unknown>;

/** A stored plan, with a stored merge patch (object or its JSON text) applied when there is one. */
export function planFromStored(planJson: string, patch?: Patch | string | null): PlanInput {
  return patchedPlan(JSON.parse(planJson) as PlanInput, patch);
}

/** A plan already read back, with a stored merge patch applied; the parts it does not touch stay the same objects. */
export function patchedPlan(plan: PlanInput, patch?: Patch | string | null): PlanInput {
  if (patch === undefined || patch === null) return plan;
  return applyMergePatch(plan, typeof patch === "string" ? JSON.parse(patch) : patch) as PlanInput;
}

/** A stored schedule. */
export function scheduleFromStored(json: string): Schedule {
  return JSON.parse(json) as Schedule;
}

/** A stored event's payload. */
export function eventFromStored(payload: string): PlanEvent {
  return JSON.parse(payload) as PlanEvent;
}
