import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_JSON_DEPTH, type Problem, toPointer } from "../contract/index.js";
import { InvalidRequestError } from "./errors.js";

// JSON bodies are checked for depth on their raw text, before anything is parsed into objects: a body nested
// thousands deep would otherwise overflow the stack of whatever recurses through it next (JSON.stringify in
// an offload worker, zod, a merge patch), after the plan may already be stored.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Where a JSON text first nests deeper than `limit` objects and arrays, as a JSON Pointer to the value that
 * opens one level too many; undefined when it never does. One linear pass that skips strings (escapes
 * included) and tracks only the keys and indices of the open containers. It does not check the syntax:
 * JSON.parse does that afterwards, on text that is now known to be shallow.
 */
export function tooDeepAt(text: string, limit: number = MAX_JSON_DEPTH): string | undefined {
  // For each open container: is it an array, and which member of it the scan is in.
  const isArray: boolean[] = [];
  const member: (string | number)[] = [];
  let lastString: [start: number, end: number] = [0, 0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      lastString = [start, i + 1];
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (isArray.length === limit) return toPointer(member);
      isArray.push(c === 0x5b);
      member.push(c === 0x5b ? 0 : "");
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      isArray.pop();
      member.pop();
    } else if (c === 0x2c /* , */) {
      const top = member.length - 1;
      if (isArray[top]) member[top] = (member[top] as number) + 1;
    } else if (c === 0x3a /* : */ && member.length > 0) {
      member[member.length - 1] = keyOf(text.slice(...lastString));
    }
  }
  return undefined;
}

function keyOf(quoted: string): string {
  try {
    return String(JSON.parse(quoted));
  } catch {
    // Malformed JSON: the parse that follows reports it; the pointer only needs to be close.
    return quoted.slice(1, -1);
  }
}

export function tooDeepProblem(path: string): Problem {
  return {
    path,
    code: "TOO_DEEP",
    message: `JSON 嵌套层数超过 ${MAX_JSON_DEPTH} 层，请求被拒绝`,
  };
}

/** The body's text, or the 400 a body nested too deep gets. */
function shallow(body: string): string | InvalidRequestError {
  const at = tooDeepAt(body);
  return at === undefined ? body : new InvalidRequestError([tooDeepProblem(at)]);
}

// What a JSON route takes. `application/json; charset=utf-8` is the same type to fastify.
const JSON_TYPE = "application/json";

/**
 * The service's JSON parsing: depth first, then fastify's own parser (which refuses `__proto__` and
 * `constructor.prototype` keys). Only JSON is read as JSON; fastify's text/plain parser goes, so a body of
 * any other type gets 415 rather than being parsed as JSON regardless.
 */
export function parseJsonBodies(
  app: Pick<FastifyInstance, "getDefaultJsonParser" | "removeContentTypeParser" | "addContentTypeParser">,
): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(
    JSON_TYPE,
    { parseAs: "string" },
    (request: FastifyRequest, body: string, done) => {
      const checked = shallow(body);
      if (checked instanceof Error) done(checked, undefined);
      else parse(request, checked, done);
    },
  );
}

/**
 * In this encapsulated scope, JSON bodies stay text for an offload worker to parse and check, once their
 * depth has been checked here. Routes keep their zod body schema, which documents the body, and pass the
 * text through with `passBodyThrough`.
 */
export function keepJsonBodiesAsText(scope: FastifyInstance): void {
  scope.removeContentTypeParser(JSON_TYPE);
  scope.addContentTypeParser(JSON_TYPE, { parseAs: "string" }, (_request, body, done) => {
    const checked = shallow(body as string);
    if (checked instanceof Error) done(checked, undefined);
    else done(null, checked);
  });
}
