import Database from "better-sqlite3";
import { RelaySdkError } from "../errors/RelaySdkError.ts";

/** How better-sqlite3 / bindings / Node say the native addon is absent or built for another Node. */
const MISSING_BINARY = /Could not locate the bindings file|NODE_MODULE_VERSION|better_sqlite3\.node/;

/**
 * `new Database(path, options)`, except that a better-sqlite3 without its native binary fails with
 * SQLITE_UNAVAILABLE naming the package and the fix. better-sqlite3 loads its addon on the first `new Database`,
 * so importing the SDK (and everything that does not open a store) works without one; an install that skipped
 * install scripts (`npm install --ignore-scripts`, or npm not approving them) has no binary.
 */
export function newSqliteDatabase(path: string, options?: Database.Options): Database.Database {
  try {
    return new Database(path, options);
  } catch (cause) {
    if (cause instanceof Error && MISSING_BINARY.test(cause.message))
      throw new RelaySdkError(
        "SQLITE_UNAVAILABLE",
        "The relay store needs better-sqlite3's native binary, which this install does not have: run " +
          "`npm rebuild better-sqlite3` (it downloads a prebuilt binary or compiles one).",
        { cause },
      );
    throw cause;
  }
}
