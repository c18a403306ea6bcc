import type { RewardLeafJson } from "../../protocol/bundle/types.ts";
import type { Hex } from "../../protocol/types.ts";

/** One epoch as the aggregator lists it (docs/api.md, GET /v1/epochs). Times in unix seconds. */
export type AggregatorEpoch = {
  epoch: number;
  startsAt: number;
  endsAt: number;
  closesAt: number;
  status: string;
  receiptCount: number;
  bytes: string;
  post: {
    attempt: number;
    state: string;
    root: Hex | null;
    bundleHash: Hex | null;
    bundleURI: string | null;
    bundleBytes: number | null;
    receiptCount: number | null;
    leafCount: number | null;
  } | null;
};

/** The aggregator's leaf endpoint answer (GET /v1/epochs/:epoch/leaves/:poolId/:account). */
export type AggregatorLeaf = {
  epoch: number;
  attempt: number;
  state: string;
  claimable: boolean;
  root: Hex;
  bundleHash: Hex;
  leaf: RewardLeafJson;
  leafHash: Hex;
  proof: Hex[];
};

/** The verifier's audit of one post (GET /v1/epochs on the verifier). */
export type VerifierAudit = {
  epoch: string;
  post: { id: string; root: Hex; bundleHash: Hex; rejectedByChallenge: string | null } | null;
  audit: {
    status: string;
    fault: string | null;
    findings: { code: string; message: string; count: number }[];
    evidenceHash: Hex | null;
    evidenceURI: string | null;
    challenge: { status: string; challengeId: string | null; onChain: string | null } | null;
  } | null;
};

/**
 * Every HTTP read of the aggregator's and the verifier's public APIs (docs/api.md), in one place
 * (src/explorer/api/createExplorerApi.ts). Nothing they answer is trusted: bundles are hashed against the chain and
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
  /** The exact bytes of an evidence document (the verifier serves what it committed to). */
  /** The evidence document served at /v1/evidence/<documentHash> (keccak256 of its bytes). */
  readEvidence(documentHash: Hex): Promise<{ url: string; bytes: Uint8Array }>;
};
