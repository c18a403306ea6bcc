/**
 * Deliberate faults the aggregator can be told to commit in one epoch, so the verifier's tests and the demo can
 * watch a wrong epoch get challenged. TEST-ONLY: an aggregator configured with a fault will be slashed.
 */
export const faultKinds = [
  "inflate-bytes",
  "drop-relay-receipts",
  "forge-receipt",
  "duplicate-receipt",
  "wrong-cumulative",
  "overdraw-pool",
  "bad-bundle-hash",
  "unfetchable-bundle",
] as const;

export type FaultKind = (typeof faultKinds)[number];

/** A fault applied to the first post of `epoch` (re-posts after a rejection are honest). */
export type FaultConfig = { kind: FaultKind; epoch: number; relay?: `0x${string}` };
