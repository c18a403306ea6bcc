import { keccak256 } from "../../protocol/hash/keccak256.ts";
import { hashRewardLeaf } from "../../protocol/tree/hashRewardLeaf.ts";
import { verifyMerkleProof } from "../../protocol/tree/verifyMerkleProof.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { bytesToHex, compare32, hexToBytes } from "../../protocol/utils/bytes.ts";
import type { ProofCheck, ProofSource, ProofStep } from "./ProofCheck.ts";

/**
 * Checks one payout from public data, step by step, with the protocol library. The leaf and its proof come from
 * `source` (the aggregator's leaf endpoint, or the posted bundle's leaf section streamed and its tree rebuilt here)
 * and are not trusted: the leaf must be `account`'s in `poolId`, its hash (OpenZeppelin StandardMerkleTree encoding)
 * is recomputed here from its values, each proof element is folded in (sorted pairs, as MerkleProof.verify), and the
 * result must be the root the contract holds. The root is on chain, so these steps alone prove the payout; whether
 * the bundle's bytes match the posted bundle hash is a separate check (the relay page runs it in the background).
 */
export function checkPayoutProof(args: {
  epoch: bigint;
  account: Address;
  poolId: Hex;
  source: ProofSource;
  postedBundleHash: Hex;
  onChainRoot: Hex;
}): ProofCheck {
  const { source } = args;
  const posted = args.postedBundleHash.toLowerCase();
  const steps: ProofStep[] = [];
  if (source.kind === "aggregator") {
    const ok = source.bundleHash.toLowerCase() === posted;
    steps.push({
      kind: "source",
      label: ok
        ? "Leaf and proof served by the aggregator's leaf endpoint (not trusted: each step is checked below)"
        : "The aggregator serves this leaf from a bundle NOT posted on chain",
      lines: [
        `read ${source.url}`,
        `served from bundle ${source.bundleHash.toLowerCase()}`,
        `posted bundleHash ${posted}`,
      ],
      ok,
    });
  } else {
    const ok = source.servedHash === null || source.servedHash.toLowerCase() === posted;
    steps.push({
      kind: "source",
      label: ok
        ? `Leaf and proof rebuilt here from the bundle's leaf section, streamed (${source.leafCount.toLocaleString("en-US")} leaf lines, the tree rebuilt from their hashes)`
        : "The leaves come from a bundle NOT posted on chain",
      lines: [
        `read ${source.url}`,
        ...(source.servedHash ? [`served as bundle ${source.servedHash.toLowerCase()}`] : []),
        `posted bundleHash ${posted}`,
        `rebuilt root     ${source.root ?? "(no leaves)"}`,
      ],
      ok,
    });
  }

  const leaf = source.leaf;
  const account = args.account.toLowerCase() as Address;
  const poolId = args.poolId.toLowerCase();
  const leafHash = hashRewardLeaf(leaf);
  const announced = source.leafHash.toLowerCase();
  const owner = leaf.account.toLowerCase() === account && leaf.poolId.toLowerCase() === poolId;
  const leafOk = owner && leafHash === announced;
  steps.push({
    kind: "leaf",
    label: !owner
      ? `The leaf is NOT ${account}'s in pool ${poolId}`
      : leafOk
        ? "Leaf hash recomputed in the browser"
        : `The leaf's values do NOT hash to the leaf hash the ${source.kind === "aggregator" ? "aggregator announces" : "bundle gives"}`,
    lines: [
      `keccak256(keccak256(abi.encode(${leaf.account}, ${leaf.poolId}, ${leaf.cumulativeAmount}, ` +
        `${leaf.epochBytes}, ${leaf.epochAmount}, ${leaf.receiptsRoot})))`,
      `= ${leafHash}`,
      ...(leafHash === announced ? [] : [`announced as ${announced}`]),
    ],
    ok: leafOk,
  });

  const path: { sibling: Hex; node: Hex }[] = [];
  let node = hexToBytes(leafHash, 32, "leafHash");
  let malformed: string | null = null;
  for (const [i, sibling] of source.proof.entries()) {
    let s: Uint8Array;
    try {
      s = hexToBytes(sibling, 32, `proof[${i}]`);
    } catch {
      malformed = `proof element ${i + 1} is not a 32-byte hash: ${String(sibling)}`;
      break;
    }
    const pair = new Uint8Array(64);
    const less = compare32(node, 0, s, 0) <= 0;
    pair.set(less ? node : s, 0);
    pair.set(less ? s : node, 32);
    node = keccak256(pair);
    path.push({ sibling: sibling.toLowerCase() as Hex, node: bytesToHex(node) });
  }
  const n = source.proof.length;
  steps.push({
    kind: "path",
    label: malformed
      ? "The proof path is malformed"
      : `Proof path folded (${n} sibling${n === 1 ? "" : "s"}, sorted pairs)`,
    lines: [...path.map((p, i) => `${i + 1}. with ${p.sibling} → ${p.node}`), ...(malformed ? [malformed] : [])],
    ok: malformed === null,
  });

  const reached = bytesToHex(node);
  const onChainRoot = args.onChainRoot.toLowerCase() as Hex;
  const rootOk =
    malformed === null && reached === onChainRoot && verifyMerkleProof(onChainRoot, leafHash, source.proof);
  steps.push({
    kind: "root",
    label: rootOk ? "Reaches the root the contract holds" : "Does NOT reach the root the contract holds",
    lines: [`reached          ${reached}`, `on-chain root    ${onChainRoot}`],
    ok: rootOk,
  });
  return {
    epoch: args.epoch,
    source: source.kind,
    leaf,
    account,
    leafHash,
    path,
    onChainRoot,
    steps,
    ok: steps.every((s) => s.ok),
  };
}
