import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

/**
 * Copies the aggregator's SQLite database to `destination` with SQLite's online backup API: consistent (one
 * committed state, WAL included) while the aggregator keeps running and writing (in WAL mode the copy's read
 * does not block the writer). The copy is written beside the
 * destination and renamed into place when complete. Returns the pages copied.
 */
export async function backupDatabase(source: string, destination: string): Promise<{ pages: number }> {
  mkdirSync(dirname(destination), { recursive: true });
  const tmp = `${destination}.partial`;
  rmSync(tmp, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    // Everything in one step after the first: a step that sees the source change since the previous one restarts
    // the copy, so small steps could chase a busy aggregator forever; one step reads a single committed state.
    const meta = await db.backup(tmp, { progress: ({ totalPages }) => Math.max(totalPages, 100) * 2 });
    const check = new Database(tmp, { readonly: true });
    try {
      const ok = check.pragma("quick_check", { simple: true });
      if (ok !== "ok") throw new Error(`The backup failed its integrity check: ${String(ok)}`);
    } finally {
      check.close();
    }
    renameSync(tmp, destination);
    return { pages: meta.totalPages };
  } finally {
    db.close();
  }
}
