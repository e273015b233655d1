// The floors of the project, lowest first: a module may import from its own floor or any floor below it,
// never from one above, and nothing imports in a cycle. `npm run lint:deps` checks it (part of `npm test`).
const SRC_FLOORS = [
  "src/support/", // ids, files, worker module paths
  "src/contract/", // the wire: zod schemas, problems, privacy, merge patch
  "src/storage/", // the database behind one interface, and reading back what it keeps
  "src/(replan|excel)/", // pure computations on the contract: replanning, workbooks
  "src/jobs/", // the pool of worker threads and their runtime, knowing tasks only by kind
  "src/services/", // the features that queue jobs: planning, replanning, the nightly run
  "src/http/", // routes
  "src/[^/]+$", // the process: app, server, cli, config, log
];

const floorRules = SRC_FLOORS.slice(0, -1).map((floor, i) => ({
  name: `floor-${floor.replaceAll(/[^a-z]+/g, "-").replace(/^-|-$/g, "")}`,
  comment: `${floor} may import only from its own floor or below`,
  severity: "error",
  from: { path: `^${floor}` },
  to: { path: SRC_FLOORS.slice(i + 1).map((higher) => `^${higher}`) },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Cycles make floors meaningless",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "solver-is-pure",
      comment: "The core never imports the service, the page, zod, fastify or the file system",
      severity: "error",
      from: { path: "^solver/" },
      to: { path: ["^src/", "^web/", "^(node:)?fs", "zod", "fastify"] },
    },
    {
      name: "solver-through-its-entry",
      comment: "Everything outside the core goes through solver/index.ts",
      severity: "error",
      from: { path: "^(src|web|bench|fixtures)/" },
      to: { path: "^solver/", pathNot: "^solver/index\\.ts$" },
    },
    {
      name: "web-talks-to-the-api-only",
      comment: "The page imports nothing from src/ or solver/",
      severity: "error",
      from: { path: "^web/" },
      to: { path: ["^src/", "^solver/"] },
    },
    {
      name: "nothing-imports-tests-or-benchmarks",
      severity: "error",
      from: { path: "^(src|solver|web|fixtures)/" },
      to: { path: "^(test|bench)/" },
    },
    ...floorRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
