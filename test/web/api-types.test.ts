import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { openApiTypes, SCHEMA_FILE } from "../../scripts/openapi-types.js";

// The page's types are generated from the service's OpenAPI document; a route changed without
// `npm run gen:api` would leave the page compiling against an API that no longer exists.
it("web/src/api/schema.d.ts is what npm run gen:api writes from today's routes", async () => {
  const committed = readFileSync(SCHEMA_FILE, "utf8");
  expect(await openApiTypes(), "stale: run npm run gen:api and commit web/src/api/schema.d.ts").toBe(
    committed,
  );
});
