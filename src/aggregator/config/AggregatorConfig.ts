import type { Address, Hex } from "../../protocol/types.ts";

/** The aggregator's validated configuration (docs/operations.md lists every field). */
export type AggregatorConfig = {
  http: {
    host: string;
    port: number;
    /** Base URL others reach this service at; bundle URIs posted on chain start with it. */
    publicUrl: string;
    maxBodyBytes: number;
    /**
     * Aggregator processes `meshpay-aggregator` runs as workers of one primary (node:cluster, sharing the port).
     * More than one needs PostgreSQL (`storage.url`): the workers elect their one closer through the database.
     */
    workers: number;
  };
  ingest: {
    maxReceiptsPerBatch: number;
    maxTicketsPerBatch: number;
    /** Receipts delivered more than this far in the future (by this server's clock) are refused. */
    maxFutureSkewMs: number;
    /** How long a stored idempotent response is kept. */
    idempotencyTtlSeconds: number;
    /** Pools whose receipts must match a broadcaster segment manifest (content binding, docs/player.md). */
    contentBindingPools: Hex[];
  };
  rateLimit: {
    requestsPerSecond: number;
    requestBurst: number;
    receiptsPerSecond: number;
    receiptBurst: number;
  };
  storage: {
    /** SQLite database file. */
    path: string;
    /** Where epoch bundles are written. */
    bundleDir: string;
    synchronous: "FULL" | "NORMAL";
    /**
     * postgres://… of a PostgreSQL database: the aggregator then keeps everything there (several processes may share
     * it) instead of the SQLite file at `path`. Absent: SQLite.
     */
    url: string | undefined;
    /** The PostgreSQL schema holding the tables (set as search_path on every connection); "public" by default. */
    schema: string;
    /**
     * Caps the heap (old generation, MiB) of the worker thread an epoch close runs in; absent: V8's default. The close
     * streams, but V8 lets its garbage grow the heap to a few times the live set (~0.7 KiB a leaf plus ~300 MiB).
     */
    closeHeapMib: number | undefined;
  };
  chain: {
    rpcUrl: string;
    distributor: Address;
    /** Checked against the RPC's eth_chainId when given. */
    chainId: number | undefined;
    pollIntervalMs: number;
    /** Blocks behind the head the follower stays (reorg safety). */
    confirmations: number;
    /** First block to read logs from (the distributor's deployment block). */
    fromBlock: bigint;
    logBlockRange: number;
    requestTimeoutMs: number;
  };
  posting: {
    enabled: boolean;
    privateKey: Hex | undefined;
    /** Register (or re-register after a slash) with the contract's aggregatorBond when not active. */
    autoRegister: boolean;
    /** Re-broadcast a submitted transaction not mined after this long (same nonce, fees bumped). */
    resendAfterMs: number;
    /** Wait this long after an epoch closes before closing it here. */
    closeDelayMs: number;
  };
  log: { level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent" };
  /** Benchmark knobs. */
  testing: {
    /** "noble": recover signatures with @noble/curves instead of libsecp256k1 (benchmark baseline). */
    verifierBackend: "native" | "noble";
  };
};
