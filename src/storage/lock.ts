import Database from "better-sqlite3";

// One process per data directory. A second one (`npm start` run twice) would fail the first's running jobs
// and clear its replan locks at start-up. The lock is SQLite's own file lock on a small file beside the
// database, held by an open write transaction: the operating system drops it when the process dies however
// it dies, so there is no stale lock to detect and no pid to trust after a reboot. The database itself stays
// open to readers (backups, sqlite3) and keeps its WAL mode.

export const LOCK_FILE = "planner.lock";

export class DataDirInUseError extends Error {}

interface Holder {
  pid: number;
  since: string;
}

const isBusy = (error: unknown) => (error as { code?: unknown }).code === "SQLITE_BUSY";

export class DataDirLock {
  private constructor(private readonly db: Database.Database) {}

  /** Takes the lock on `file`, or throws DataDirInUseError naming the process that holds it. */
  static acquire(file: string): DataDirLock {
    const db = new Database(file, { timeout: 0 });
    try {
      // Who holds it is written first, committed so that a refused process can read it, then the lock taken
      // for good. Another process may slip in between: then it holds the lock, and this one is refused.
      db.transaction(() => {
        db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since TEXT NOT NULL)");
        db.exec("DELETE FROM holder");
        db.prepare("INSERT INTO holder (pid, since) VALUES (?, ?)").run(
          process.pid,
          new Date().toISOString(),
        );
      }).immediate();
      db.exec("BEGIN IMMEDIATE");
      return new DataDirLock(db);
    } catch (error) {
      if (!isBusy(error)) {
        db.close();
        throw error;
      }
      let holder: Holder | undefined;
      try {
        holder = db.prepare<[], Holder>("SELECT pid, since FROM holder").get();
      } catch {}
      db.close();
      const who = holder ? `process ${holder.pid} (since ${holder.since})` : "another process";
      throw new DataDirInUseError(
        `the data directory is in use by ${who}: one service per DATA_DIR (数据目录已被另一个服务进程使用)`,
      );
    }
  }

  release(): void {
    if (this.db.inTransaction) this.db.exec("ROLLBACK");
    this.db.close();
  }
}
