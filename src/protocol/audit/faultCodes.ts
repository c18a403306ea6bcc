/**
 * What an audit can find wrong with a posted epoch (the table in docs/bundle.md, "Finding codes"). Stable strings:
 * evidence documents, the HTTP API, metrics
 * and arbiters depend on them. Listed from the most fundamental to the most derived: an evidence document's
 * `fault` is its most fundamental finding (see getPrimaryFault).
 */
export const faultCodes = [
  "BUNDLE_UNAVAILABLE",
  "BUNDLE_HASH_MISMATCH",
  "BUNDLE_MALFORMED",
  "HEADER_MISMATCH",
  "RECEIPT_INVALID",
  "RECEIPT_DUPLICATE",
  "RECEIPTS_OMITTED",
  "RELAY_TOTAL_MISMATCH",
  "POOL_TOTAL_MISMATCH",
  "CUMULATIVE_MISMATCH",
  "ROOT_MISMATCH",
] as const;

export type FaultCode = (typeof faultCodes)[number];
