import type { EpochSource } from "../epoch/EpochSource.ts";
import type { EpochSnapshot } from "./EpochSnapshot.ts";
import { openPostgresEpochSnapshot } from "./openPostgresEpochSnapshot.ts";
import { openSqliteEpochSnapshot } from "./openSqliteEpochSnapshot.ts";

/** Opens the epoch-close view of the database `source` names, on its engine. */
export function openEpochSnapshot(source: EpochSource): Promise<EpochSnapshot> {
  return source.engine === "sqlite"
    ? Promise.resolve(openSqliteEpochSnapshot(source.path))
    : openPostgresEpochSnapshot(source.url, source.schema);
}
