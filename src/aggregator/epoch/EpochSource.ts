/**
 * Where an epoch close reads its receipts: the aggregator's SQLite file, or its PostgreSQL database (`url`, with the
 * tables in `schema`). JSON-safe: it crosses the worker boundary of runPrepareEpochInWorker.
 */
export type EpochSource = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string; schema: string };
