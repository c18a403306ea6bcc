import { buildClaimTree } from "../commitments/buildClaimTree.ts";
import { hashEpochDataV2 } from "../commitments/hashEpochDataV2.ts";
import { hashPoolAccountNode } from "../commitments/hashPoolAccountNode.ts";
import { hashPoolNode } from "../commitments/hashPoolNode.ts";
import { hashPostedPoolTotals } from "../commitments/hashPostedPoolTotals.ts";
import { hashReceiptNode } from "../commitments/hashReceiptNode.ts";
import { hashTicketNode } from "../commitments/hashTicketNode.ts";
import { hashTicketReceiptNode } from "../commitments/hashTicketReceiptNode.ts";
import type { RelayReceiptsTree } from "../commitments/types.ts";
import { keccak256 } from "../hash/keccak256.ts";
import { buildPositionSumTree } from "../sumtree/buildPositionSumTree.ts";
import type { PositionSumTree } from "../sumtree/PositionSumTree.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { writeHex } from "../utils/bytes.ts";
import type { FraudEpoch, FraudEpochInput } from "./types.ts";

/**
 * Builds every tree of one post exactly as it was committed, each over its items in the order given (not sorted:
 * a faulty order is itself provable): the claim tree (StandardMerkleTree of the claim leaves), each claim's relay
 * receipts tree, each pool's accounts tree and the pools tree (leavesRoot of each pool from its accounts), each
 * ticket's receipts tree and the tickets tree, and the EpochDataV2 with its hash. An epoch without claims has no
 * claim tree (`claimTree` undefined; its root is EMPTY_EPOCH_ROOT). Throws INVALID_ARGUMENT for a malformed field.
 * Memory: every tree in full (a verifier proves one epoch at a time), except that every claim or ticket without
 * receipts shares one empty tree (about 1 KiB saved a leaf); pass createFastKeccak256() for large epochs.
 */
export function buildFraudEpoch(input: FraudEpochInput, keccak: Keccak256 = keccak256): FraudEpoch {
  const sumTree = (hashes: Hex[], values: bigint[]): PositionSumTree => {
    const flat = new Uint8Array(hashes.length * 32);
    hashes.forEach((h, i) => writeHex(flat, i * 32, h, 32, `leaf ${i}`));
    return buildPositionSumTree(flat, values, keccak);
  };
  const claimTree =
    input.claims.length === 0
      ? undefined
      : buildClaimTree(
          input.claims.map((c) => c.leaf),
          keccak,
        );
  let emptyRelayTree: RelayReceiptsTree | undefined;
  let emptyTicketTree: PositionSumTree | undefined;
  const relayTrees = input.claims.map((c) => {
    if (c.receipts.length === 0 && emptyRelayTree) return emptyRelayTree;
    const tree = sumTree(
      c.receipts.map((r) => hashReceiptNode(r.node, keccak)),
      c.receipts.map((r) => BigInt(r.node.size)),
    );
    const ids = new Uint8Array(c.receipts.length * 32);
    c.receipts.forEach((r, i) => writeHex(ids, i * 32, r.node.receiptId, 32, "receiptId"));
    const relayTree = Object.assign(tree, { receiptIds: ids });
    if (c.receipts.length === 0) emptyRelayTree = relayTree;
    return relayTree;
  });
  const accountsTrees = input.pools.map((p) =>
    sumTree(
      p.accounts.map((a) => hashPoolAccountNode(a, keccak)),
      p.accounts.map((a) => a.value),
    ),
  );
  const poolsTree = sumTree(
    input.pools.map((p, i) => hashPoolNode({ ...p, leavesRoot: accountsTrees[i]!.rootHash }, keccak)),
    input.pools.map((p) => p.total),
  );
  const ticketReceiptsTrees = input.tickets.map((t) => {
    if (t.receipts.length === 0 && emptyTicketTree) return emptyTicketTree;
    const tree = sumTree(
      t.receipts.map((r) => hashTicketReceiptNode(r, keccak)),
      t.receipts.map((r) => BigInt(r.size)),
    );
    if (t.receipts.length === 0) emptyTicketTree = tree;
    return tree;
  });
  const ticketsTree = sumTree(
    input.tickets.map((t, i) =>
      hashTicketNode({ ...t, receiptsOfTicketRoot: ticketReceiptsTrees[i]!.rootHash }, keccak),
    ),
    input.tickets.map((t) => t.bytesIn),
  );
  const data = {
    aggregator: input.aggregator,
    bundleHash: input.bundleHash,
    poolTotalsHash: hashPostedPoolTotals(input.posted, keccak),
    poolsRoot: poolsTree.rootHash,
    poolsCount: BigInt(poolsTree.length),
    ticketsRoot: ticketsTree.rootHash,
    ticketsCount: BigInt(ticketsTree.length),
  };
  return {
    ...input,
    claimTree,
    relayTrees,
    accountsTrees,
    poolsTree,
    ticketsTree,
    ticketReceiptsTrees,
    data,
    dataHash: hashEpochDataV2(data, keccak),
  };
}
