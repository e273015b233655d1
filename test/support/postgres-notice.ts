// vitest's global setup: runs once per `vitest run`, so the skipped Postgres suites are announced in one line.
export default function setup(): void {
  if (process.env.DATABASE_URL) return;
  process.stdout.write(
    "PostgreSQL tests skipped: DATABASE_URL is not set (run .ci/run, or start PostgreSQL and set " +
      "DATABASE_URL=postgresql://root@localhost/planner_test?host=/var/run/postgresql; see src/README.md)\n",
  );
}
