// Versioned schema: migration i takes the database from user_version i to i + 1, in one transaction.
// Append only; never edit a migration that has shipped.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    json TEXT NOT NULL
  ) STRICT;

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    result TEXT,
    error TEXT
  ) STRICT;
  CREATE INDEX jobs_by_plan ON jobs (plan_id, created_at);
  -- At most one job of a kind in progress per plan.
  CREATE UNIQUE INDEX jobs_in_progress ON jobs (plan_id, kind) WHERE status IN ('queued', 'running');

  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    job_id TEXT NOT NULL REFERENCES jobs (id),
    candidate TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    json TEXT NOT NULL
  ) STRICT;
  CREATE INDEX schedules_by_plan ON schedules (plan_id, created_at);
  `,
];
