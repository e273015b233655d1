import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openApiTypes, SCHEMA_FILE } from "./openapi-types.js";

// npm run gen:api: rewrites web/src/api/schema.d.ts from the service's routes.
writeFileSync(SCHEMA_FILE, await openApiTypes());
process.stdout.write(`wrote ${fileURLToPath(SCHEMA_FILE)}\n`);
