import { toPointer } from "./problems.js";

// JSON merge patch (RFC 7386), as what-if scenarios apply it to a stored plan, with one extension: a list
// whose items all carry a string `id` (venues, staff, cadres) may be patched by id with an object,
// `{ "venues": { "V01": { "capacityPerBatch": 40 } } }`: each member merges into the item with that id, null
// removes it, an unknown id appends `{ id, ...member }`. Plain RFC 7386 would replace the list by that
// object, which no plan accepts, so the extension changes the meaning of no patch a plan could take.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIdList(value: unknown): value is JsonObject[] {
  return Array.isArray(value) && value.every((item) => isObject(item) && typeof item.id === "string");
}

/** The patched document; neither argument is changed. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  if (isIdList(target)) return patchById(target, patch);
  // Entries and fromEntries, not assignment: a "__proto__" key stays a plain key.
  const entries = new Map(Object.entries(isObject(target) ? target : {}));
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) entries.delete(key);
    else entries.set(key, applyMergePatch(entries.get(key), value));
  }
  return Object.fromEntries(entries);
}

function patchById(list: readonly JsonObject[], patch: JsonObject): unknown[] {
  const result: unknown[] = [...list];
  for (const [id, value] of Object.entries(patch)) {
    const index = result.findIndex((item) => isObject(item) && item.id === id);
    if (value === null) {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = applyMergePatch(result[index], value);
    else result.push(applyMergePatch({ id }, value));
  }
  return result;
}

/** Own members only, so "__proto__" or "constructor" in a path reads nothing. */
function member(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && Object.hasOwn(value, key)
    ? Reflect.get(value, key)
    : undefined;
}

function segmentsOf(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/**
 * Where a problem at `pointer` in the patched document is to be fixed in the patch: the path follows the
 * patch as far as it reaches (list indices become ids where the patch addresses the list by id), then goes on
 * as in the document. A problem outside the patch thus points at where the patch would have to say otherwise.
 */
export function pointerInPatch(patch: unknown, patched: unknown, pointer: string): string {
  const out: string[] = [];
  let inPatch: unknown = patch;
  let inDocument: unknown = patched;
  for (const segment of segmentsOf(pointer)) {
    let key = segment;
    if (isObject(inPatch) && Array.isArray(inDocument)) {
      const item: unknown = inDocument[Number(segment)];
      if (isObject(item) && typeof item.id === "string") key = item.id;
    }
    out.push(key);
    inPatch = member(inPatch, key);
    inDocument = member(inDocument, segment);
  }
  return toPointer(out);
}
