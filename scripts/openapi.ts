import { writeFileSync } from "node:fs";
import { openApiDocument } from "./openapi-types.js";

// Writes the service's OpenAPI document, exactly as GET /openapi.json answers it, to the file named by the
// first argument: `npm run lint:openapi` lints that file with Redocly (redocly.yaml).

const [out] = process.argv.slice(2);
if (!out) throw new Error("usage: node dist/scripts/openapi.js OUT.json");
writeFileSync(out, `${JSON.stringify(await openApiDocument(), null, 2)}\n`);
