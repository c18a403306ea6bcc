import type { AggregatorEpoch, AggregatorLeaf, VerifierAudit } from "../../client/types.ts";
import type { Hex } from "../../protocol/types.ts";

/**
 * Every HTTP read of the aggregator's and the verifier's public APIs (docs/api.md), in one place
 * (src/explorer/api/createExplorerApi.ts, through the typed client src/client; the answer types are the client's). Nothing they answer is trusted: bundles are hashed against the chain and
 * proofs folded to the on-chain root by the pages. Errors are ExplorerError *_UNREACHABLE / *_ERROR.
 */
export type ExplorerApi = {
  hasAggregator: boolean;
  hasVerifier: boolean;
  /** The newest epochs, newest first (at most `limit`, up to 500). */
  listEpochs(limit?: number): Promise<{ currentEpoch: number; epochs: AggregatorEpoch[] }>;
  /** The account's leaf and proof in the bundle with `bundleHash`; null when it has none (LEAF_NOT_FOUND). */
  readLeaf(epoch: bigint, poolId: Hex, account: Hex, bundleHash: Hex): Promise<AggregatorLeaf | null>;
  /** The bundle posted with `bundleHash`, as a stream (never read whole into memory by the caller). */
  openBundle(
    epoch: bigint,
    bundleHash: Hex,
  ): Promise<{ url: string; body: ReadableStream<Uint8Array>; size: number | null; servedHash: Hex | null }>;
  /**
   * The leaf lines and end line of the bundle posted with `bundleHash` (the aggregator's leaf section: what a proof
   * needs, without the tickets and receipts before it), as a stream; the whole bundle (`startAt: "header"`) from an
   * aggregator without that route.
   */
  openBundleLeaves(
    epoch: bigint,
    bundleHash: Hex,
  ): Promise<{ url: string; body: ReadableStream<Uint8Array>; startAt: "header" | "leaf"; servedHash: Hex | null }>;
  /** The verifier's latest audits, newest first. */
  listAudits(): Promise<VerifierAudit[]>;
  /** The evidence document served at /v1/evidence/<documentHash> (keccak256 of its bytes). */
  readEvidence(documentHash: Hex): Promise<{ url: string; bytes: Uint8Array }>;
};
