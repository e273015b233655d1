import type { FastifySchemaCompiler } from "fastify";
import type { z } from "zod";
import { toProblems } from "../contract/index.js";
import { InvalidRequestError } from "./errors.js";

/**
 * Validates requests with the route's zod schemas, the same ones the OpenAPI document is made from, and
 * reports failures as contract problems. `reportInput` is what parsePlan uses too: it tells a missing field
 * from a wrong type.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    return result.success
      ? { value: result.data }
      : { error: new InvalidRequestError(toProblems(result.error)) };
  };
