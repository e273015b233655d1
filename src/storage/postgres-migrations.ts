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
  // Tenants (src/support/tenancy.ts): the organisation a plan belongs to, and row-level security as a second
  // line behind the service's own checks. A request bound to an organisation sets planner.tenant for its
  // transaction; then a plan is seen if it is that organisation's or below it, written only if its own, and
  // jobs, schedules, events and locks follow their plan. Unset (workers, the nightly run, callers bound to no
  // organisation) everything is seen. FORCE: the owner is held to it too; superusers never are.
  `
  ALTER TABLE plans ADD COLUMN organisation text GENERATED ALWAYS AS (
    (json::json -> 'organizer' ->> 'province') || '/' || (json::json -> 'organizer' ->> 'city') ||
    CASE WHEN json::json -> 'organizer' ->> 'level' = 'county' AND json::json -> 'organizer' ->> 'county' <> ''
      THEN '/' || (json::json -> 'organizer' ->> 'county') ELSE '' END
  ) STORED;
  CREATE INDEX plans_by_organisation ON plans (organisation);

  CREATE FUNCTION planner_tenant() RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT nullif(current_setting('planner.tenant', true), '') $$;
  CREATE FUNCTION planner_may_read(organisation text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT planner_tenant() IS NULL OR organisation = planner_tenant()
      OR starts_with(organisation, planner_tenant() || '/') $$;
  CREATE FUNCTION planner_may_write(organisation text) RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT planner_tenant() IS NULL OR organisation = planner_tenant() $$;

  ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
  ALTER TABLE plans FORCE ROW LEVEL SECURITY;
  CREATE POLICY plans_read ON plans FOR SELECT USING (planner_may_read(organisation));
  CREATE POLICY plans_insert ON plans FOR INSERT WITH CHECK (planner_may_write(organisation));
  CREATE POLICY plans_update ON plans FOR UPDATE
    USING (planner_may_write(organisation)) WITH CHECK (planner_may_write(organisation));

  ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
  ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
  CREATE POLICY jobs_by_plan ON jobs USING (plan_id IN (SELECT id FROM plans));
  ALTER TABLE schedules ENABLE ROW LEVEL SECURITY;
  ALTER TABLE schedules FORCE ROW LEVEL SECURITY;
  CREATE POLICY schedules_by_plan ON schedules USING (plan_id IN (SELECT id FROM plans));
  ALTER TABLE plan_events ENABLE ROW LEVEL SECURITY;
  ALTER TABLE plan_events FORCE ROW LEVEL SECURITY;
  CREATE POLICY events_by_plan ON plan_events USING (plan_id IN (SELECT id FROM plans));
  ALTER TABLE replan_locks ENABLE ROW LEVEL SECURITY;
  ALTER TABLE replan_locks FORCE ROW LEVEL SECURITY;
  CREATE POLICY locks_by_plan ON replan_locks USING (plan_id IN (SELECT id FROM plans));
  `,
];
