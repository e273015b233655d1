// PostgreSQL's versioned schema: migration i takes the database from version i to i + 1. All pending ones
// run in one transaction under an advisory lock, so instances starting together migrate once. Append only;
// never edit a migration that has shipped.
//
// The schema mirrors SQLite's (migrations.ts) column for column: times stay ISO text and JSON stays text, so
// both stores hand back the same strings and a schedule is served byte for byte as the worker wrote it.
// `seq` columns give rows the insertion order SQLite's rowid gives (ties in created_at).
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE plans (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    created_at text NOT NULL,
    updated_at text,
    json text NOT NULL
  );

  CREATE TABLE jobs (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    plan_id text NOT NULL REFERENCES plans (id),
    kind text NOT NULL,
    status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
    created_at text NOT NULL,
    started_at text,
    finished_at text,
    result text,
    error text
  );
  CREATE INDEX jobs_by_plan ON jobs (plan_id, created_at);
  -- At most one job of a kind in progress per plan.
  CREATE UNIQUE INDEX jobs_in_progress ON jobs (plan_id, kind) WHERE status IN ('queued', 'running');

  CREATE TABLE schedules (
    id text PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    plan_id text NOT NULL REFERENCES plans (id),
    job_id text NOT NULL REFERENCES jobs (id),
    candidate text NOT NULL,
    status text NOT NULL,
    created_at text NOT NULL,
    summary text NOT NULL,
    json text NOT NULL,
    run text,
    plan_patch text,
    version integer,
    parent_id text REFERENCES schedules (id),
    events_through integer,
    commitments text
  );
  CREATE INDEX schedules_by_plan ON schedules (plan_id, created_at);
  CREATE UNIQUE INDEX schedules_versions ON schedules (plan_id, version) WHERE version IS NOT NULL;

  CREATE TABLE plan_events (
    plan_id text NOT NULL REFERENCES plans (id),
    sequence integer NOT NULL,
    type text NOT NULL,
    payload text NOT NULL,
    sent_by text NOT NULL,
    received_at text NOT NULL,
    PRIMARY KEY (plan_id, sequence)
  );
  -- The log is append-only for every role, the owner included: a trigger refuses any change or removal.
  CREATE FUNCTION plan_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'plan_events is append-only' USING ERRCODE = 'restrict_violation'; END $$;
  CREATE TRIGGER plan_events_no_update_or_delete BEFORE UPDATE OR DELETE ON plan_events
    FOR EACH ROW EXECUTE FUNCTION plan_events_append_only();
  CREATE TRIGGER plan_events_no_truncate BEFORE TRUNCATE ON plan_events
    FOR EACH STATEMENT EXECUTE FUNCTION plan_events_append_only();

  -- Taken before the job row exists, so job_id is not a foreign key.
  CREATE TABLE replan_locks (
    plan_id text PRIMARY KEY REFERENCES plans (id),
    job_id text NOT NULL,
    acquired_at text NOT NULL
  );
  `,
];
