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
  // What-if runs: which run of the job a schedule is, and the merge patch that made its plan from the stored
  // one (null: the stored plan itself), so its plan can be rebuilt (bottlenecks) without being stored twice.
  `
  ALTER TABLE schedules ADD COLUMN run TEXT;
  ALTER TABLE schedules ADD COLUMN plan_patch TEXT;
  `,
  // Nightly replanning: the append-only event log, one replan lock per plan, and schedule versions (a
  // version's parent, the last event it includes, and the published and frozen batches it honored).
  `
  CREATE TABLE plan_events (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    sequence INTEGER NOT NULL,
    type TEXT NOT NULL,
    payload TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, sequence)
  ) STRICT;
  CREATE TRIGGER plan_events_append_only_update BEFORE UPDATE ON plan_events
    BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END;
  CREATE TRIGGER plan_events_append_only_delete BEFORE DELETE ON plan_events
    BEGIN SELECT RAISE(ABORT, 'plan_events is append-only'); END;

  -- Taken before the job row exists, so job_id is not a foreign key.
  CREATE TABLE replan_locks (
    plan_id TEXT PRIMARY KEY REFERENCES plans (id),
    job_id TEXT NOT NULL,
    acquired_at TEXT NOT NULL
  ) STRICT;

  ALTER TABLE schedules ADD COLUMN version INTEGER;
  ALTER TABLE schedules ADD COLUMN parent_id TEXT REFERENCES schedules (id);
  ALTER TABLE schedules ADD COLUMN events_through INTEGER;
  ALTER TABLE schedules ADD COLUMN commitments TEXT;
  CREATE UNIQUE INDEX schedules_versions ON schedules (plan_id, version) WHERE version IS NOT NULL;
  `,
  // Plans can be edited (budget, window, policy): when a plan last changed, for the plans list.
  `
  ALTER TABLE plans ADD COLUMN updated_at TEXT;
  `,
  // Tenants: the organisation a plan belongs to (src/support/tenancy.ts), read from its organizer.
  `
  ALTER TABLE plans ADD COLUMN organisation TEXT GENERATED ALWAYS AS (
    json_extract(json, '$.organizer.province') || '/' || json_extract(json, '$.organizer.city') ||
    CASE WHEN json_extract(json, '$.organizer.level') = 'county' AND json_extract(json, '$.organizer.county') <> ''
      THEN '/' || json_extract(json, '$.organizer.county') ELSE '' END
  ) VIRTUAL;
  `,
];
