import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";

/** One step of a payout proof checked in the browser, as the relay page shows it. */
export type ProofStep = {
  kind: "source" | "leaf" | "path" | "root";
  label: string;
  /** Values shown under the step (hashes in full: an auditor copies them). */
  lines: string[];
  ok: boolean;
};

/**
 * Where the leaf and its proof came from; neither is trusted, both are checked against the on-chain root:
 * `aggregator`: its leaf endpoint's answer (leaf, leaf hash, proof) — the fast path;
 * `bundle`: the posted bundle's leaf section streamed and its tree rebuilt here — the fallback when the leaf
 * endpoint does not answer.
 */
export type ProofSource =
  | {
      kind: "aggregator";
      /** The request, as the page made it. */
      url: string;
      /** The bundle hash the aggregator says the leaf is from. */
      bundleHash: Hex;
      leaf: RewardLeaf;
      /** The leaf hash the aggregator announces (compared with the one recomputed here). */
      leafHash: Hex;
      proof: readonly Hex[];
    }
  | {
      kind: "bundle";
      url: string;
      /** Leaf lines read and the root of the tree rebuilt from their hashes. */
      leafCount: number;
      root: Hex | null;
      /** The bundle hash the server announced for those bytes (X-Meshpay-Bundle-Hash), if any. */
      servedHash: Hex | null;
      leaf: RewardLeaf;
      leafHash: Hex;
      proof: readonly Hex[];
    };

export type ProofCheck = {
  epoch: bigint;
  source: ProofSource["kind"];
  leaf: RewardLeaf;
  account: Address;
  leafHash: Hex;
  /** The node after each proof element; the last one must be the on-chain root. */
  path: { sibling: Hex; node: Hex }[];
  onChainRoot: Hex;
  steps: ProofStep[];
  /** verifyMerkleProof(onChainRoot, leafHash, proof) — and every other step ok. */
  ok: boolean;
};
