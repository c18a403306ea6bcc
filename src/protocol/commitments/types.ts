import type { PositionSumTree } from "../sumtree/PositionSumTree.ts";
import type { MerkleTree } from "../tree/MerkleTree.ts";
import type { Address, Hex } from "../types.ts";

/**
 * A receipt as the relay receipts tree commits it (docs/fraud-proofs.md, "New commitments"): leaf node
 * `keccak256(abi.encode(receiptId, ticketHash, uint64 segment, uint32 chunk, uint32 size, uint64 deliveredAt,
 * signatureHash))`, value `size`.
 */
export type ReceiptNode = {
  /** EIP-712 digest of the ChunkReceipt (getReceiptId). */
  readonly receiptId: Hex;
  /** EIP-712 struct hash of the receipt's ViewerTicket. */
  readonly ticketHash: Hex;
  /** uint64 */
  readonly segment: bigint;
  /** uint32 */
  readonly chunk: number;
  /** uint32, bytes in the chunk: the leaf's value. */
  readonly size: number;
  /** uint64, unix ms. */
  readonly deliveredAt: bigint;
  /** keccak256 of the receipt's signature bytes as received (64 or 65 bytes): hashSignature. */
  readonly signatureHash: Hex;
};

/**
 * The preimage of a claim leaf's `epochCommitment`: `keccak256(abi.encode(uint256 epochBytes, uint256 baseAmount,
 * uint256 epochAmount, uint256 bonusAmount, bytes32 receiptsRoot, uint256 receiptCount, uint256 prevCumulative))`.
 */
export type EpochCommitmentPreimage = {
  /** Bytes credited to the leaf this epoch: the relay receipts tree's root sum. */
  readonly epochBytes: bigint;
  /** floor(epochBytes · price(epoch) / 1e9), token base units. */
  readonly baseAmount: bigint;
  /** baseAmount after the pool's pro-rata scaling, token base units. */
  readonly epochAmount: bigint;
  /** Token base units; 0 until issue 16 defines it. */
  readonly bonusAmount: bigint;
  /** Root hash of the relay receipts tree (bytes32(0) for no receipts). */
  readonly receiptsRoot: Hex;
  /** Leaves of the relay receipts tree. */
  readonly receiptCount: bigint;
  /** The account's cumulativeAmount in this pool before this epoch (0 for a first leaf), token base units. */
  readonly prevCumulative: bigint;
};

/** A claim leaf, version 2: StandardMerkleTree of `[address account, bytes32 poolId, uint256 cumulativeAmount,
 * bytes32 epochCommitment]`. */
export type ClaimLeaf = {
  readonly account: Address;
  readonly poolId: Hex;
  /** Token base units: prevCumulative + epochAmount + bonusAmount. */
  readonly cumulativeAmount: bigint;
  /** hashEpochCommitment of the leaf's preimage. */
  readonly epochCommitment: Hex;
};

/** A pools-tree leaf: `keccak256(abi.encode(bytes32 poolId, uint256 total, uint256 uncappedTotal,
 * uint256 scaleBalance, bytes32 leavesRoot, uint256 leafCount))`, value `total`. */
export type PoolNode = {
  readonly poolId: Hex;
  /** Σ (epochAmount + bonusAmount) of the pool's leaves, token base units: the low 128 bits of the leaves tree's
   * root sum. */
  readonly total: bigint;
  /** Σ baseAmount of the pool's leaves, token base units: the high 128 bits of the leaves tree's root sum. */
  readonly uncappedTotal: bigint;
  /** The balance the pro-rata scaling used (the contract computes it at post), token base units. */
  readonly scaleBalance: bigint;
  /** Root hash of the pool's accounts tree (buildPoolAccountsTree). */
  readonly leavesRoot: Hex;
  /** Leaves of the pool's accounts tree. */
  readonly leafCount: bigint;
};

/** A leaf of a pool's accounts tree (`leavesRoot`): `keccak256(abi.encode(address account, uint256
 * cumulativeAmount, bytes32 epochCommitment))`, value `baseAmount << 128 | amount` (packPoolAccountValue: one path
 * gives both sums, the root sum being `uncappedTotal << 128 | total`). */
export type PoolAccountNode = {
  readonly account: Address;
  /** Token base units. */
  readonly cumulativeAmount: bigint;
  readonly epochCommitment: Hex;
  /** The claim leaf's baseAmount, token base units (< 2^128): the value's high half. */
  readonly baseAmount: bigint;
  /** epochAmount + bonusAmount of the claim leaf, token base units (< 2^128): the value's low half. */
  readonly amount: bigint;
};

/** A tickets-tree leaf: `keccak256(abi.encode(bytes32 ticketHash, bytes32 ticketSignatureHash, uint256 bytesBefore,
 * uint256 bytesIn, bytes32 receiptsOfTicketRoot, uint256 count, uint256 prevEpoch))`, value `bytesIn`. */
export type TicketNode = {
  readonly ticketHash: Hex;
  /** keccak256 of the ticket signature's bytes (hashSignature). */
  readonly ticketSignatureHash: Hex;
  /** Bytes of the ticket credited in earlier epochs. */
  readonly bytesBefore: bigint;
  /** Bytes of the ticket credited this epoch: the ticket receipts tree's root sum. */
  readonly bytesIn: bigint;
  /** Root hash of the ticket receipts tree (buildTicketReceiptsTree). */
  readonly receiptsOfTicketRoot: Hex;
  /** Leaves of the ticket receipts tree. */
  readonly count: bigint;
  /** The latest earlier epoch with a credited receipt of the ticket; the tree's own epoch when there is none. */
  readonly prevEpoch: bigint;
};

/** A leaf of a ticket's receipts tree: `keccak256(abi.encode(uint64 segment, uint32 chunk, address relay,
 * bytes32 receiptId))`, value `size`. */
export type TicketReceiptNode = {
  /** uint64 */
  readonly segment: bigint;
  /** uint32 */
  readonly chunk: number;
  /** The relay (claim leaf account) the receipt is credited to. */
  readonly relay: Address;
  readonly receiptId: Hex;
  /** uint32, bytes: the node's value. */
  readonly size: number;
};

/** A leaf of a keyed tree, already hashed: the caller streams its items and keeps only this. */
export type KeyedSumEntry = {
  /** The sort key: 32 bytes (poolId, ticketHash) or 20 bytes (account). */
  readonly key: Hex;
  /** The leaf node's hash. */
  readonly hash: Hex;
  /** The leaf node's value (uint256). */
  readonly value: bigint;
};

/** A position-bound sum tree with the keys of its leaves, in tree order (ascending, unique). */
export type KeyedPositionSumTree = PositionSumTree & {
  /** Width of a key in bytes (32 or 20). */
  readonly keyBytes: number;
  /** length × keyBytes bytes: key i is the key of leaf i. */
  readonly keys: Uint8Array;
};

/** A relay receipts tree (one claim leaf's receipts, ascending receiptId): root hash = receiptsRoot, root sum =
 * epochBytes, length = receiptCount. */
export type RelayReceiptsTree = PositionSumTree & {
  /** length × 32 bytes: the receiptId of leaf i. */
  readonly receiptIds: Uint8Array;
};

/** A claim tree (version 2): StandardMerkleTree over the claim leaves; getProof(i) proves leaves[i]. */
export type ClaimTree = MerkleTree & { readonly leaves: readonly ClaimLeaf[] };

/** A ticket's receipts tree (receiptsOfTicketRoot) with its receipts in tree order. */
export type TicketReceiptsTree = PositionSumTree & { readonly receipts: readonly TicketReceiptNode[] };

/** One posted pool total, as the distributor hashes it into `poolTotalsHash` (ascending poolId; token base units;
 * `scaleBalance` as the distributor computed it at post). */
export type PostedPoolTotal = {
  readonly poolId: Hex;
  readonly total: bigint;
  readonly uncappedTotal: bigint;
  readonly scaleBalance: bigint;
};

/** The preimage of an epoch's stored dataHash (version 2): the roots are those of the pools and tickets trees. */
export type EpochDataV2 = {
  readonly aggregator: Address;
  readonly bundleHash: Hex;
  /** hashPostedPoolTotals of the post's pool totals. */
  readonly poolTotalsHash: Hex;
  readonly poolsRoot: Hex;
  readonly poolsCount: bigint;
  readonly ticketsRoot: Hex;
  readonly ticketsCount: bigint;
};
