import type {
  ClaimLeaf,
  ClaimTree,
  EpochCommitmentPreimage,
  EpochDataV2,
  KeyedPositionSumTree,
  PoolNode,
  PostedPoolTotal,
  ReceiptNode,
  RelayReceiptsTree,
  TicketNode,
  TicketReceiptNode,
} from "../commitments/types.ts";
import type { PositionSumTree } from "../sumtree/PositionSumTree.ts";
import type { Address, ChunkReceipt, EpochParams, Hex, MeshpayDomain, ViewerTicket } from "../types.ts";

/** The fault kinds of issue 12, in the order of their on-chain number (IFraudProver: `kind` 0..7). */
export const fraudProofKinds = [
  "badSignature",
  "badTicket",
  "duplicate",
  "relayTotal",
  "amount",
  "cumulative",
  "poolTotal",
  "maxBytes",
] as const;
export type FraudProofKind = (typeof fraudProofKinds)[number];

// --- What an epoch committed to (from its bundle), in tree order ----------------------------------------------

/** A receipt credited to a claim leaf: the node its relay receipts tree commits and the signed data behind it. */
export type FraudEpochReceipt = {
  readonly node: ReceiptNode;
  readonly receipt: ChunkReceipt;
  /** The viewer's signature as received (64 or 65 bytes). */
  readonly signature: Hex;
  readonly ticket: ViewerTicket;
  /** The ticket signer's signature as received. */
  readonly ticketSignature: Hex;
};

/** A claim leaf with its epochCommitment preimage and its receipts in relay receipts tree order (as committed). */
export type FraudEpochClaim = {
  readonly leaf: ClaimLeaf;
  readonly commitment: EpochCommitmentPreimage;
  readonly receipts: readonly FraudEpochReceipt[];
};

/** A pool-account leaf as committed: the claim leaf's (account, cumulativeAmount, epochCommitment) and the value. */
export type FraudEpochPoolAccount = {
  readonly account: Address;
  /** Token base units. */
  readonly cumulativeAmount: bigint;
  readonly epochCommitment: Hex;
  /** The leaf's value in the pool's leavesRoot: `baseAmount << 128 | (epochAmount + bonusAmount)`. */
  readonly value: bigint;
};

/** A pools-tree leaf (leavesRoot is that of `accounts`, in the order given) and its accounts in tree order. */
export type FraudEpochPool = Omit<PoolNode, "leavesRoot"> & { readonly accounts: readonly FraudEpochPoolAccount[] };

/** A tickets-tree leaf (receiptsOfTicketRoot is that of `receipts`, in the order given) and its receipts. */
export type FraudEpochTicket = Omit<TicketNode, "receiptsOfTicketRoot"> & {
  readonly receipts: readonly TicketReceiptNode[];
};

/**
 * Everything one post of an epoch committed to, as its bundle and EpochPosted carry it: every list in the order its
 * tree has it (a faulty aggregator's order included: the proofs must open the trees it built, not sorted copies).
 */
export type FraudEpochInput = {
  /** Epoch number. */
  readonly epoch: bigint;
  readonly aggregator: Address;
  readonly bundleHash: Hex;
  /** The posted pool totals (calldata of postEpoch). */
  readonly posted: readonly PostedPoolTotal[];
  readonly claims: readonly FraudEpochClaim[];
  readonly pools: readonly FraudEpochPool[];
  readonly tickets: readonly FraudEpochTicket[];
};

/** What a post's EpochPosted event (and its calldata) says that its bundle cannot: buildFraudEpochInputFromBundle. */
export type FraudEpochPost = {
  readonly aggregator: Address;
  /** keccak256 of the bundle's bytes, as posted. */
  readonly bundleHash: Hex;
  /** The posted pool totals (postEpoch's calldata), in the order posted. */
  readonly posted: readonly PostedPoolTotal[];
};

/** A FraudEpochInput with its trees built (buildFraudEpoch): what every proof builder reads. */
export type FraudEpoch = FraudEpochInput & {
  /** Undefined for an epoch without claim leaves (its root is EMPTY_EPOCH_ROOT). */
  readonly claimTree: ClaimTree | undefined;
  /** claims[i]'s relay receipts tree (its leaves in the order of claims[i].receipts). */
  readonly relayTrees: readonly RelayReceiptsTree[];
  readonly poolsTree: PositionSumTree;
  /** pools[i]'s accounts tree (leavesRoot). */
  readonly accountsTrees: readonly PositionSumTree[];
  readonly ticketsTree: PositionSumTree;
  /** tickets[i]'s receipts tree (receiptsOfTicketRoot). */
  readonly ticketReceiptsTrees: readonly PositionSumTree[];
  readonly data: EpochDataV2;
  /** keccak256(abi.encode(data)); the chain stores its first 27 bytes. */
  readonly dataHash: Hex;
};

/** What the chain says that an honest epoch follows (read at the post's block), and the epochs it is compared with. */
export type FraudFacts = {
  readonly domain: MeshpayDomain;
  readonly epochParams: EpochParams;
  /** priceAt(poolId, epoch): token base units per 1e9 bytes. */
  priceAt(poolId: Hex): bigint;
  /** ticketSignerAt(poolId, timestamp), timestamp in unix seconds. */
  ticketSignerAt(poolId: Hex, timestampSeconds: bigint): Address;
  /** The current posts of earlier epochs still in the ring (any order); e − 1 among them for the cumulative checks. */
  readonly earlier: readonly FraudEpoch[];
};

// --- Proof parts: the shapes of IFraudProver.sol's structs (same field names) -----------------------------------

/** A PositionSumTree path: index, the leaf's recorded value and the siblings bottom-up. */
export type SumPath = {
  readonly index: bigint;
  readonly value: bigint;
  readonly siblings: readonly { readonly hash: Hex; readonly sum: bigint }[];
};

export type ClaimMembership = {
  readonly leaf: ClaimLeaf;
  /** OpenZeppelin MerkleProof against the epoch's claim root. */
  readonly proof: readonly Hex[];
  readonly commitment: EpochCommitmentPreimage;
};

export type ReceiptMembership = { readonly claim: ClaimMembership; readonly node: ReceiptNode; readonly path: SumPath };

/** IFraudProver's PoolLeaf / TicketLeaf / PoolAccountLeaf / TicketReceiptLeaf. */
export type PoolLeaf = PoolNode;
export type TicketLeaf = TicketNode;
export type PoolAccountLeaf = {
  readonly account: Address;
  readonly cumulativeAmount: bigint;
  readonly epochCommitment: Hex;
};
export type TicketReceiptLeaf = Omit<TicketReceiptNode, "size">;

/** A key's absence shown by its neighbours in a tree (leaf `lower` at i, `upper` at i + 1). */
export type Neighbours<Leaf> = {
  readonly hasLower: boolean;
  readonly lower?: Leaf;
  readonly lowerPath?: SumPath;
  readonly hasUpper: boolean;
  readonly upper?: Leaf;
  readonly upperPath?: SumPath;
};

export type AccountAbsence = {
  readonly poolAbsent: boolean;
  readonly pool?: PoolLeaf;
  readonly poolPath?: SumPath;
  readonly accounts?: Neighbours<PoolAccountLeaf>;
  readonly pools?: Neighbours<PoolLeaf>;
};

/** Fields a proof struct leaves unset are encoded as zero (encodeFraudProof). */
export type BadSignatureProof = {
  readonly credited: ReceiptMembership;
  readonly receipt: ChunkReceipt;
  readonly signature: Hex;
  readonly ticket: ViewerTicket;
};
export type BadTicketProof = {
  readonly credited: ReceiptMembership;
  readonly receipt: ChunkReceipt;
  readonly ticket: ViewerTicket;
  readonly ticketSignature: Hex;
  readonly data: EpochDataV2;
  readonly ticketLeaf: TicketLeaf;
  readonly ticketPath: SumPath;
};
export type DuplicateProof = {
  readonly mode: number;
  readonly otherEpoch?: bigint;
  readonly first?: ReceiptMembership;
  readonly second?: ReceiptMembership;
  readonly data?: EpochDataV2;
  readonly ticket?: TicketLeaf;
  readonly ticketPath?: SumPath;
  readonly firstInTicket?: TicketReceiptLeaf;
  readonly firstInTicketPath?: SumPath;
  readonly secondInTicket?: TicketReceiptLeaf;
  readonly secondInTicketPath?: SumPath;
};
export type RelayTotalProof = {
  readonly mode: number;
  readonly claim: ClaimMembership;
  readonly node?: ReceiptNode;
  readonly path?: SumPath;
};
export type AmountProof = {
  readonly claim: ClaimMembership;
  readonly data: EpochDataV2;
  readonly pool: PoolLeaf;
  readonly poolPath: SumPath;
};
export type CumulativeProof = {
  readonly mode: number;
  readonly current?: ClaimMembership;
  readonly previous?: ClaimMembership;
  readonly data?: EpochDataV2;
  readonly previousData?: EpochDataV2;
  readonly absence?: AccountAbsence;
  readonly pool?: PoolLeaf;
  readonly poolPath?: SumPath;
  readonly poolAccount?: PoolAccountLeaf;
  readonly poolAccountPath?: SumPath;
};
export type PoolTotalProof = {
  readonly mode: number;
  readonly data: EpochDataV2;
  readonly pool?: PoolLeaf;
  readonly poolPath?: SumPath;
  readonly account?: PoolAccountLeaf;
  readonly commitment?: EpochCommitmentPreimage;
  readonly accountPath?: SumPath;
  readonly posted?: readonly PostedPoolTotal[];
  readonly postedIndex?: bigint;
  readonly absence?: Neighbours<PoolLeaf>;
  readonly other?: PoolLeaf;
  readonly otherPath?: SumPath;
  readonly otherAccount?: PoolAccountLeaf;
  readonly otherAccountPath?: SumPath;
};
export type MaxBytesProof = {
  readonly mode: number;
  readonly data: EpochDataV2;
  readonly ticket?: TicketLeaf;
  readonly ticketPath?: SumPath;
  readonly viewerTicket?: ViewerTicket;
  readonly otherEpoch?: bigint;
  readonly otherData?: EpochDataV2;
  readonly otherTicket?: TicketLeaf;
  readonly otherTicketPath?: SumPath;
  readonly ticketAbsence?: Neighbours<TicketLeaf>;
  readonly receipt?: TicketReceiptLeaf;
  readonly receiptPath?: SumPath;
  readonly credited?: ReceiptMembership;
  readonly receiptAbsence?: Neighbours<TicketReceiptLeaf>;
};

export type FraudProofByKind = {
  badSignature: BadSignatureProof;
  badTicket: BadTicketProof;
  duplicate: DuplicateProof;
  relayTotal: RelayTotalProof;
  amount: AmountProof;
  cumulative: CumulativeProof;
  poolTotal: PoolTotalProof;
  maxBytes: MaxBytesProof;
};

/** A fault that one transaction proves: its kind, the epoch it is against, a sentence, and the proof. */
export type ProvableFault = {
  [K in FraudProofKind]: {
    readonly kind: K;
    readonly epoch: bigint;
    readonly message: string;
    readonly proof: FraudProofByKind[K];
  };
}[FraudProofKind];

/** Where a credited receipt is: claims[claim].receipts[receipt]. */
export type ReceiptLocation = { readonly claim: number; readonly receipt: number };
