import { keccak256 } from "../../protocol/hash/keccak256.ts";
import { hashRewardLeaf } from "../../protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../protocol/tree/verifyMerkleProof.ts";
import type { Hex, RewardLeaf } from "../../protocol/types.ts";
import { bytesToHex, compare32, hexToBytes } from "../../protocol/utils/bytes.ts";
import type { ProofCheck, ProofStep } from "./ProofCheck.ts";

/**
 * Checks one payout from public data, step by step, with the protocol library: the leaf's bundle is the one posted
 * on chain, the leaf hash (OpenZeppelin StandardMerkleTree encoding) recomputed here, each proof element folded in
 * (sorted pairs, as MerkleProof.verify), and the result compared with the root the contract holds. Nothing the
 * service said is taken on trust: its leaf hash and root are only compared, never used.
 */
export function checkPayoutProof(args: {
  epoch: bigint;
  leaf: RewardLeaf;
  proof: readonly Hex[];
  /** What the service said the leaf hash is (compared with the recomputed one). */
  servedLeafHash: Hex;
  /** The bundle hash the service said the leaf comes from, and the one posted on chain. */
  servedBundleHash: Hex;
  postedBundleHash: Hex;
  onChainRoot: Hex;
}): ProofCheck {
  const steps: ProofStep[] = [];
  const bundleOk = args.servedBundleHash.toLowerCase() === args.postedBundleHash.toLowerCase();
  steps.push({
    kind: "bundle",
    label: bundleOk
      ? "The leaf comes from the bundle posted on chain"
      : "The leaf comes from a bundle NOT posted on chain",
    lines: [`served from bundle ${args.servedBundleHash}`, `posted bundleHash ${args.postedBundleHash}`],
    ok: bundleOk,
  });

  const leafHash = hashRewardLeaf(args.leaf);
  const leafOk = leafHash === args.servedLeafHash.toLowerCase();
  steps.push({
    kind: "leaf",
    label: leafOk
      ? "Leaf hash recomputed in the browser"
      : "Leaf hash recomputed in the browser differs from the served one",
    lines: [
      `keccak256(keccak256(abi.encode(${args.leaf.account}, ${args.leaf.poolId}, ${args.leaf.cumulativeAmount}, ` +
        `${args.leaf.epochBytes}, ${args.leaf.epochAmount}, ${args.leaf.receiptsRoot})))`,
      `= ${leafHash}`,
      ...(leafOk ? [] : [`served ${args.servedLeafHash}`]),
    ],
    ok: leafOk,
  });

  const path: { sibling: Hex; node: Hex }[] = [];
  let node = hexToBytes(leafHash, 32, "leafHash");
  for (const [i, sibling] of args.proof.entries()) {
    const s = hexToBytes(sibling, 32, `proof[${i}]`);
    const pair = new Uint8Array(64);
    const less = compare32(node, 0, s, 0) <= 0;
    pair.set(less ? node : s, 0);
    pair.set(less ? s : node, 32);
    node = keccak256(pair);
    path.push({ sibling: sibling.toLowerCase() as Hex, node: bytesToHex(node) });
  }
  const reached = bytesToHex(node);
  steps.push({
    kind: "path",
    label: `Proof path folded (${args.proof.length} sibling${args.proof.length === 1 ? "" : "s"}, sorted pairs)`,
    lines: path.map((p, i) => `${i + 1}. with ${p.sibling} → ${p.node}`),
    ok: true,
  });

  const verified = verifyMerkleProof(args.onChainRoot, leafHash, args.proof);
  const rootOk = verified && reached === args.onChainRoot.toLowerCase();
  steps.push({
    kind: "root",
    label: rootOk ? "Reaches the root the contract holds" : "Does NOT reach the root the contract holds",
    lines: [`reached          ${reached}`, `on-chain root    ${args.onChainRoot.toLowerCase()}`],
    ok: rootOk,
  });
  return {
    epoch: args.epoch,
    leaf: args.leaf,
    leafHash,
    path,
    onChainRoot: args.onChainRoot.toLowerCase() as Hex,
    steps,
    ok: steps.every((s) => s.ok),
  };
}
