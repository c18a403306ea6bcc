/**
 * Whole-request error codes of the aggregator's HTTP API (docs/api.md). Stable strings: relays and the CLI
 * branch on them. Per-receipt codes are the protocol's validation codes plus `receiptResultCodes` below.
 */
export const aggregatorErrorCodes = [
  "REQUEST_INVALID_JSON",
  "REQUEST_INVALID",
  "CURSOR_INVALID",
  "IDEMPOTENCY_KEY_MISSING",
  "IDEMPOTENCY_KEY_INVALID",
  "IDEMPOTENCY_KEY_REUSED",
  "BATCH_TOO_LARGE",
  "REQUEST_TOO_LARGE",
  "REQUEST_UNSUPPORTED_MEDIA_TYPE",
  "REQUEST_UNSUPPORTED_ENCODING",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE",
  "INTERNAL",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "POOL_NOT_FOUND",
  "EPOCH_NOT_FOUND",
  "BUNDLE_NOT_FOUND",
  "LEAF_NOT_FOUND",
  "CONFIG_INVALID",
  "MANIFEST_INVALID",
  "MANIFEST_BAD_SIGNER",
  "MANIFEST_POOL_NOT_BOUND",
] as const;

export type AggregatorErrorCode = (typeof aggregatorErrorCodes)[number];

/** Per-receipt codes the aggregator adds to the protocol's validation codes. */
export const receiptResultCodes = [
  "TICKET_UNKNOWN",
  "RECEIPT_RELAY_MISMATCH",
  "RECEIPT_IN_FUTURE",
  "RECEIPT_CHUNK_NOT_IN_MANIFEST",
  "EPOCH_POOL_LIMIT",
] as const;

export type ReceiptResultCode = (typeof receiptResultCodes)[number];
