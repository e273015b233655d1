import pg from "pg";

// PostgreSQL for tests: DATABASE_URL names a server and a database the tests may use to create others (CI's
// .ci/run sets it); each suite gets a database of its own, dropped when it is done. Without DATABASE_URL the
// Postgres tests are skipped, and test/support/postgres-notice.ts says so once.

export const DATABASE_URL = process.env.DATABASE_URL;
export const HAS_POSTGRES = DATABASE_URL !== undefined && DATABASE_URL !== "";

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** One statement on DATABASE_URL's database, as its (superuser) user: roles, databases. */
export async function adminQuery(sql: string): Promise<void> {
  await admin((client) => client.query(sql));
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, empty database on DATABASE_URL's server. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (DATABASE_URL === undefined) throw new Error("DATABASE_URL is not set");
  const name = `planner_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(DATABASE_URL, name),
    name,
    // WITH (FORCE) ends any connection a failed test left open.
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
