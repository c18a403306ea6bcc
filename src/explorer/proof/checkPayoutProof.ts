import { keccak256 } from "../../protocol/hash/keccak256.ts";
import { hashRewardLeaf } from "../../protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../protocol/tree/verifyMerkleProof.ts";
import type { Hex, RewardLeaf } from "../../protocol/types.ts";
import { bytesToHex, compare32, hexToBytes } from "../../protocol/utils/bytes.ts";
import type { ProofCheck, ProofStep } from "./ProofCheck.ts";
import type { BundleLeafProof } from "./proveFromBundle.ts";

/**
 * Checks one payout from public data, step by step, with the protocol library: the leaf and its proof come from the
 * bundle posted on chain, streamed and its tree rebuilt in this browser (proveFromBundle); the leaf hash
 * (OpenZeppelin StandardMerkleTree encoding) is recomputed here, each proof element folded in (sorted pairs, as
 * MerkleProof.verify), and the result compared with the root the contract holds. What the aggregator's leaf endpoint
 * answered (`served`) is only compared with it, never used: a difference is a failed step.
 */
export function checkPayoutProof(args: {
  epoch: bigint;
  /** The account's leaf in the bundle, with the proof rebuilt from the bundle's leaf hashes. */
  found: BundleLeafProof;
  bundle: { url: string; leafCount: number; root: Hex | null; servedHash: Hex | null };
  postedBundleHash: Hex;
  /** The aggregator's leaf endpoint answer for the same epoch, pool and account (null: none was given). */
  served: { leaf: RewardLeaf; leafHash: Hex; proof: readonly Hex[] } | null;
  onChainRoot: Hex;
}): ProofCheck {
  const { found, bundle } = args;
  const posted = args.postedBundleHash.toLowerCase();
  const steps: ProofStep[] = [];
  const bundleOk = bundle.servedHash === null || bundle.servedHash.toLowerCase() === posted;
  steps.push({
    kind: "bundle",
    label: bundleOk
      ? `Leaves streamed from the bundle posted on chain (${bundle.leafCount.toLocaleString("en-US")} leaf lines, tree rebuilt here from their hashes)`
      : "The leaves come from a bundle NOT posted on chain",
    lines: [
      `read ${bundle.url}`,
      ...(bundle.servedHash ? [`served as bundle ${bundle.servedHash}`] : []),
      `posted bundleHash ${posted}`,
      `rebuilt root     ${bundle.root ?? "(no leaves)"}`,
    ],
    ok: bundleOk,
  });

  const leaf = found.leaf;
  const leafHash = hashRewardLeaf(leaf);
  const servedHash = args.served ? hashRewardLeaf(args.served.leaf) : null;
  const leafOk =
    leafHash === found.leafHash.toLowerCase() &&
    (args.served === null || (servedHash === leafHash && args.served.leafHash.toLowerCase() === leafHash));
  steps.push({
    kind: "leaf",
    label: leafOk
      ? "Leaf hash recomputed in the browser"
      : "The leaf the aggregator serves differs from the bundle's leaf",
    lines: [
      `keccak256(keccak256(abi.encode(${leaf.account}, ${leaf.poolId}, ${leaf.cumulativeAmount}, ` +
        `${leaf.epochBytes}, ${leaf.epochAmount}, ${leaf.receiptsRoot})))`,
      `= ${leafHash}`,
      ...(args.served && !leafOk
        ? [
            `the aggregator's leaf endpoint serves cumulativeAmount ${args.served.leaf.cumulativeAmount}, ` +
              `epochBytes ${args.served.leaf.epochBytes}, epochAmount ${args.served.leaf.epochAmount}`,
            `hashing to ${servedHash}, announced as ${args.served.leafHash.toLowerCase()}`,
          ]
        : []),
    ],
    ok: leafOk,
  });

  const path: { sibling: Hex; node: Hex }[] = [];
  let node = hexToBytes(leafHash, 32, "leafHash");
  for (const [i, sibling] of found.proof.entries()) {
    const s = hexToBytes(sibling, 32, `proof[${i}]`);
    const pair = new Uint8Array(64);
    const less = compare32(node, 0, s, 0) <= 0;
    pair.set(less ? node : s, 0);
    pair.set(less ? s : node, 32);
    node = keccak256(pair);
    path.push({ sibling: sibling.toLowerCase() as Hex, node: bytesToHex(node) });
  }
  const reached = bytesToHex(node);
  const sameAsServed =
    args.served === null ||
    (args.served.proof.length === found.proof.length &&
      args.served.proof.every((p, i) => p.toLowerCase() === found.proof[i]!.toLowerCase()));
  steps.push({
    kind: "path",
    label: `Proof path folded (${found.proof.length} sibling${found.proof.length === 1 ? "" : "s"}, sorted pairs)`,
    lines: [
      ...path.map((p, i) => `${i + 1}. with ${p.sibling} → ${p.node}`),
      ...(sameAsServed ? [] : ["(the aggregator's leaf endpoint serves a different path)"]),
    ],
    ok: true,
  });

  const onChainRoot = args.onChainRoot.toLowerCase() as Hex;
  const rootOk = verifyMerkleProof(onChainRoot, leafHash, found.proof) && reached === onChainRoot;
  steps.push({
    kind: "root",
    label: rootOk ? "Reaches the root the contract holds" : "Does NOT reach the root the contract holds",
    lines: [`reached          ${reached}`, `on-chain root    ${onChainRoot}`],
    ok: rootOk,
  });
  return { epoch: args.epoch, leaf, leafHash, path, onChainRoot, steps, ok: steps.every((s) => s.ok) };
}
