import type { Hex, RewardLeaf } from "../../protocol/types.ts";

/** One step of a payout proof checked in the browser, as the relay page shows it. */
export type ProofStep = {
  kind: "bundle" | "leaf" | "path" | "root";
  label: string;
  /** Values shown under the step (hashes in full: an auditor copies them). */
  lines: string[];
  ok: boolean;
};

export type ProofCheck = {
  epoch: bigint;
  leaf: RewardLeaf;
  leafHash: Hex;
  /** The node after each proof element; the last one must be the on-chain root. */
  path: { sibling: Hex; node: Hex }[];
  onChainRoot: Hex;
  steps: ProofStep[];
  /** verifyMerkleProof(onChainRoot, leafHash, proof) — and every other step ok. */
  ok: boolean;
};
