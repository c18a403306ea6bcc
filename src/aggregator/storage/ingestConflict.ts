/**
 * The error an ingest transaction throws when what it read changed under it (another process credited the same
 * ticket or key first): the batch is rolled back and run again.
 */
export function ingestConflict(what: string): Error {
  return Object.assign(new Error(`Ingest conflict: ${what}; the batch is rolled back.`), { code: "INGEST_CONFLICT" });
}
