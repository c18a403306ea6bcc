/**
 * Deliberate faults a test or the demo can make the aggregator commit in one epoch, so a verifier has a wrong epoch
 * to catch. They live outside src/: the production aggregator cannot commit them. Each kind is implemented in
 * faultTampers.ts over prepareEpoch's tamper seam (src/aggregator/epoch/EpochTamper.ts); a new kind is a new name
 * here and its tamper there.
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

/** A fault applied to the posts of `epoch` until one lands on chain (re-posts after a rejection are honest). */
export type FaultConfig = { kind: FaultKind; epoch: number; relay?: `0x${string}` };
