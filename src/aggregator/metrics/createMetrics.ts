import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type AggregatorMetrics = ReturnType<typeof createMetrics>;

/**
 * The aggregator's Prometheus metrics, in their own registry (GET /metrics). Names are listed in docs/operations.md.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    receipts: new Counter({
      name: "meshpay_aggregator_receipts_total",
      help: "Receipts processed by POST /v1/receipts, by result (accepted, already_accepted, rejected).",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    rejections: new Counter({
      name: "meshpay_aggregator_receipt_rejections_total",
      help: "Reasons receipts were rejected, by code (a receipt rejected for two reasons counts under both).",
      labelNames: ["code"] as const,
      registers: [registry],
    }),
    httpResponses: new Counter({
      name: "meshpay_aggregator_http_responses_total",
      help: "HTTP responses by route, status and error code (code is empty for successes).",
      labelNames: ["route", "status", "code"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "meshpay_aggregator_http_request_duration_seconds",
      help: "HTTP request latency by route.",
      labelNames: ["route"] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    ingestBatchDuration: new Histogram({
      name: "meshpay_aggregator_ingest_batch_seconds",
      help: "Time to validate and durably commit one receipt batch (body parsing excluded).",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ingestBatchSize: new Histogram({
      name: "meshpay_aggregator_ingest_batch_receipts",
      help: "Receipts per batch.",
      buckets: [1, 10, 100, 500, 1000, 2500, 5000],
      registers: [registry],
    }),
    epochCloseDuration: new Histogram({
      name: "meshpay_aggregator_epoch_close_seconds",
      help: "Time to close an epoch: read its receipts, compute rewards and trees, write and hash the bundle.",
      buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    epochsByState: new Gauge({
      name: "meshpay_aggregator_epoch_posts",
      help: "Post attempts by state (prepared, submitted, mined, claimable, rejected, failed).",
      labelNames: ["state"] as const,
      registers: [registry],
    }),
    nextEpoch: new Gauge({
      name: "meshpay_aggregator_chain_next_epoch",
      help: "The contract's next epoch to post (systemState().nextEpoch).",
      registers: [registry],
    }),
    latestClaimableEpoch: new Gauge({
      name: "meshpay_aggregator_latest_claimable_epoch",
      help: "The latest epoch this aggregator posted that is claimable (-1 for none).",
      registers: [registry],
    }),
    postsMined: new Counter({
      name: "meshpay_aggregator_posts_mined_total",
      help: "postEpoch transactions mined successfully.",
      registers: [registry],
    }),
    postFailures: new Counter({
      name: "meshpay_aggregator_post_failures_total",
      help: "Post attempts abandoned, by reason (reverted, nonce_taken, estimate_failed).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    chainHeadBlock: new Gauge({
      name: "meshpay_aggregator_chain_head_block",
      help: "Latest block number seen on the RPC.",
      registers: [registry],
    }),
    chainHeadLag: new Gauge({
      name: "meshpay_aggregator_chain_head_lag_seconds",
      help: "Now minus the timestamp of the latest block seen (how stale the chain view is).",
      registers: [registry],
    }),
    chainSyncedBlock: new Gauge({
      name: "meshpay_aggregator_chain_synced_block",
      help: "Last block whose logs the follower has processed.",
      registers: [registry],
    }),
    rpcErrors: new Counter({
      name: "meshpay_aggregator_rpc_errors_total",
      help: "Failed chain RPC rounds (the follower and poster retry on the next tick).",
      registers: [registry],
    }),
  };
  return m;
}
