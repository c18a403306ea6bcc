// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PositionSumTree} from "../libraries/PositionSumTree.sol";
import {ChunkReceipt, ViewerTicket} from "../libraries/MeshpayHashing.sol";
import {ChallengeInfo, DistributorConfig} from "./RewardDistributorTypes.sol";

// ---------------------------------------------------------------------------------------------------------------
// The commitments of docs/fraud-proofs.md ("New commitments"), as preimage structs. Their hashes are in
// contracts/libraries/CommitmentHashing.sol. Layout version 1 (the first committed one); a change to any struct below
// is committed at once and noted here, since the TypeScript proof encoder (src/protocol, branch h-lib) follows
// this file's ABI.
// ---------------------------------------------------------------------------------------------------------------

/// @notice A claim leaf, version 2: the OpenZeppelin StandardMerkleTree leaf
/// `keccak256(bytes.concat(keccak256(abi.encode(account, poolId, cumulativeAmount, epochCommitment))))`.
struct ClaimLeafV2 {
    address account;
    bytes32 poolId;
    uint256 cumulativeAmount; // token base units: everything earned from the pool up to and including this epoch
    bytes32 epochCommitment; // CommitmentHashing.epochCommitment(EpochCommitmentV2)
}

/// @notice The preimage of a claim leaf's `epochCommitment`: what the leaf earned this epoch and from what.
struct EpochCommitmentV2 {
    uint256 epochBytes; // bytes credited this epoch: the receipts tree's root sum
    uint256 baseAmount; // floor(epochBytes * price(epoch) / 1e9), token base units
    uint256 epochAmount; // baseAmount after the pool's pro-rata scaling
    uint256 bonusAmount; // 0 until issue 16 defines a bonus
    bytes32 receiptsRoot; // root hash of the relay receipts tree (a PositionSumTree of ReceiptNode, value = size)
    uint256 receiptCount; // that tree's n
    uint256 prevCumulative; // the account's cumulativeAmount in this pool in the previous epoch (0 if it had none)
}

/// @notice A leaf of a relay receipts tree, sorted by `receiptId`; leaf hash `keccak256(abi.encode(fields))`, value
/// `size`.
struct ReceiptNode {
    bytes32 receiptId; // EIP-712 digest of the ChunkReceipt
    bytes32 ticketHash;
    uint64 segment;
    uint32 chunk;
    uint32 size; // bytes
    uint64 deliveredAt; // unix milliseconds
    bytes32 signatureHash; // keccak256 of the viewer's signature as received (64 or 65 bytes)
}

/// @notice A leaf of an epoch's pools tree, sorted by `poolId`; leaf hash `keccak256(abi.encode(fields))`, value
/// `total`.
struct PoolLeaf {
    bytes32 poolId;
    uint256 total; // Σ (epochAmount + bonusAmount) of the pool's leaves, token base units
    uint256 uncappedTotal; // Σ baseAmount of the pool's leaves
    uint256 scaleBalance; // the balance the pro-rata scaling used (computed by the distributor at post)
    bytes32 leavesRoot; // root hash of a PositionSumTree of PoolAccountLeaf
    uint256 leafCount; // that tree's n
}

/// @notice A leaf of a pool's `leavesRoot`, sorted by `account`; leaf hash
/// `keccak256(abi.encode(account, cumulativeAmount, epochCommitment))`. Its value carries two sums in one word:
/// `baseAmount << 128 | (epochAmount + bonusAmount)` (each below 2^128; pool balances are below 2^120), so one path
/// gives both `total` (the low half of the root sum) and `uncappedTotal` (the high half).
struct PoolAccountLeaf {
    address account;
    uint256 cumulativeAmount;
    bytes32 epochCommitment;
}

/// @notice A leaf of an epoch's tickets tree, sorted by `ticketHash`; leaf hash `keccak256(abi.encode(fields))`,
/// value `bytesIn`.
struct TicketLeaf {
    bytes32 ticketHash; // EIP-712 struct hash of the ViewerTicket
    bytes32 ticketSignatureHash; // keccak256 of the ticket signer's signature as received
    uint256 bytesBefore; // the ticket's bytes credited in earlier epochs
    uint256 bytesIn; // the ticket's bytes credited this epoch: receiptsOfTicketRoot's root sum
    bytes32 receiptsOfTicketRoot; // root hash of a PositionSumTree of TicketReceiptLeaf, value = size
    uint256 count; // that tree's n
    uint256 prevEpoch; // latest earlier epoch with a receipt of the ticket; this epoch itself when there is none
}

/// @notice A leaf of a ticket's `receiptsOfTicketRoot`, sorted by `(segment, chunk)`; leaf hash
/// `keccak256(abi.encode(fields))`, value the receipt's size.
struct TicketReceiptLeaf {
    uint64 segment;
    uint32 chunk;
    address relay;
    bytes32 receiptId;
}

/// @notice One posted pool total as the distributor hashes it into `poolTotalsHash`:
/// `keccak256(abi.encode(PostedPoolTotal[]))`, entries strictly ascending by `poolId`. `scaleBalance` is the value
/// the distributor computed at post, not the aggregator's word. Every pools-tree leaf with `uncappedTotal > 0` has
/// an entry.
struct PostedPoolTotal {
    bytes32 poolId;
    uint256 total;
    uint256 uncappedTotal;
    uint256 scaleBalance;
}

/// @notice The preimage of an epoch's stored `dataHash` (version 2): its first 27 bytes are
/// `keccak256(abi.encode(aggregator, bundleHash, poolTotalsHash, poolsRoot, poolsCount, ticketsRoot, ticketsCount))`.
struct EpochDataV2 {
    address aggregator;
    bytes32 bundleHash;
    bytes32 poolTotalsHash;
    bytes32 poolsRoot; // root hash of the pools tree
    uint256 poolsCount;
    bytes32 ticketsRoot; // root hash of the tickets tree
    uint256 ticketsCount;
}

// ---------------------------------------------------------------------------------------------------------------
// Proof building blocks.
// ---------------------------------------------------------------------------------------------------------------

/// @notice A PositionSumTree path of one leaf: its index, the leaf node's recorded value (its sum in the tree) and
/// the siblings bottom-up (`depthOf(n)` of them). The leaf hash comes from the preimage next to it.
struct SumPath {
    uint256 index;
    uint256 value;
    PositionSumTree.Node[] siblings;
}

/// @notice One node of a PositionSumTree opened to show that the tree is not well formed. `siblings` lead from the
/// node to the root (`depthOf(n) - level` of them, `level ≤ depthOf(n)`), `index` is its position among the nodes of
/// its level; `(node.hash, node.sum)` must fold along them to the root hash, and the root node itself (`level =
/// depthOf(n)`, no siblings) must record the committed sum (epochBytes, bytesIn, or `uncappedTotal << 128 | total`).
/// Otherwise the proof reverts with reason 13. The fault:
/// - `level ≥ 1`: `node.hash = hashNode(left, right)` (reason 13 if not) and `node.sum ≠ left.sum + right.sum` (an
///   overflow counts as different; in a pool's leavesRoot a carry between the two 128-bit halves does too);
/// - `level = 0`, `index ≥ n`: a padding slot that is not the empty node `(0, 0)`;
/// - `level = 0`, `index < n`: a leaf slot that is the empty node (the tree has fewer leaves than its `n`).
struct SumNodeOpening {
    uint256 level;
    uint256 index;
    PositionSumTree.Node node;
    PositionSumTree.Node left;
    PositionSumTree.Node right;
    PositionSumTree.Node[] siblings;
}

/// @notice A claim leaf in the faulty (or reference) epoch's claim root, with its `epochCommitment` preimage.
struct ClaimMembership {
    ClaimLeafV2 leaf;
    bytes32[] proof; // OpenZeppelin MerkleProof against the epoch's root
    EpochCommitmentV2 commitment;
}

/// @notice A receipt credited to a claim leaf: the leaf, the receipt node and its path in `receiptsRoot`.
struct ReceiptMembership {
    ClaimMembership claim;
    ReceiptNode node;
    SumPath path;
}

/// @notice A key's absence from a pool's leavesRoot by its neighbours: `lower` at `i`, `upper` at `i + 1` with
/// `lower.account < key < upper.account`; without `lower` the key is before the first leaf (`upper` at 0), without
/// `upper` after the last (`lower` at n − 1), with neither the tree is empty (n = 0).
struct PoolAccountNeighbours {
    bool hasLower;
    PoolAccountLeaf lower;
    SumPath lowerPath;
    bool hasUpper;
    PoolAccountLeaf upper;
    SumPath upperPath;
}

/// @notice A pool's absence from an epoch's pools tree by its neighbours (as {PoolAccountNeighbours}, by poolId).
struct PoolNeighbours {
    bool hasLower;
    PoolLeaf lower;
    SumPath lowerPath;
    bool hasUpper;
    PoolLeaf upper;
    SumPath upperPath;
}

/// @notice A ticket's absence from an epoch's tickets tree by its neighbours (as {PoolAccountNeighbours}, by
/// ticketHash).
struct TicketNeighbours {
    bool hasLower;
    TicketLeaf lower;
    SumPath lowerPath;
    bool hasUpper;
    TicketLeaf upper;
    SumPath upperPath;
}

/// @notice A `(segment, chunk)` key's absence from a ticket's receiptsOfTicketRoot by its neighbours.
struct TicketReceiptNeighbours {
    bool hasLower;
    TicketReceiptLeaf lower;
    SumPath lowerPath;
    bool hasUpper;
    TicketReceiptLeaf upper;
    SumPath upperPath;
}

/// @notice An `(account, pool)` without a leaf in an epoch's accounting trees: the pool has no pools-tree leaf
/// (`poolAbsent`, shown by `pools`), or its leaf `pool` (at `poolPath`) has no leaf of the account (`accounts`).
struct AccountAbsence {
    bool poolAbsent;
    PoolLeaf pool;
    SumPath poolPath;
    PoolAccountNeighbours accounts;
    PoolNeighbours pools;
}

// ---------------------------------------------------------------------------------------------------------------
// One struct per fault kind: `proof` of proveFault / proveChallenge is `abi.encode` of it.
// ---------------------------------------------------------------------------------------------------------------

/// @notice Kind 0, badSignature: a credited receipt whose viewer signature does not recover to its ticket's viewer,
/// or whose receipt node differs from the signed receipt it names.
/// Fault: `ECDSA.tryRecover(receiptId, signature) ≠ ticket.viewer` (or fails), or a node field (ticketHash,
/// segment, chunk, size, deliveredAt) differs from `receipt`'s. Checked first: `credited` is in the epoch,
/// `receiptId(receipt) = node.receiptId`, `keccak256(signature) = node.signatureHash`,
/// `hashTicket(ticket) = receipt.ticketHash`.
struct BadSignatureProof {
    ReceiptMembership credited;
    ChunkReceipt receipt;
    bytes signature;
    ViewerTicket ticket;
}

/// @notice Kind 1, badTicket: a credited receipt whose ticket is not valid for it.
/// Fault: the ticket's signer ≠ `ticketSignerAt(poolId, deliveredAt / 1000)`, `deliveredAt ∉
/// [notBefore, notAfter]` (all unix ms), `epochOf(deliveredAt) ≠ epoch`, `receipt.poolId` or `ticket.poolId` ≠ the leaf's
/// pool, or `receipt.relay` ≠ the leaf's account. Checked first: as badSignature (without the viewer signature),
/// and `ticketLeaf` (key `receipt.ticketHash`) in the epoch's tickets tree with `keccak256(ticketSignature) =
/// ticketLeaf.ticketSignatureHash`.
struct BadTicketProof {
    ReceiptMembership credited;
    ChunkReceipt receipt;
    ViewerTicket ticket;
    bytes ticketSignature;
    EpochDataV2 data;
    TicketLeaf ticketLeaf;
    SumPath ticketPath;
}

/// @notice Kind 2, duplicate: one uniqueness key `(ticketHash, segment, chunk)` credited twice.
/// - mode 0 (two credits): `first` in `epoch`, `second` in `otherEpoch ≤ epoch`, equal keys, and distinct positions
///   (another epoch, another leaf or another index);
/// - mode 1 (ticket tree order): `ticket` in the epoch's tickets tree (`data`), `firstInTicket` at a lower index
///   than `secondInTicket` in its receiptsOfTicketRoot, and `(segment, chunk)` of the first ≥ that of the second.
struct DuplicateProof {
    uint8 mode;
    uint256 otherEpoch;
    ReceiptMembership first;
    ReceiptMembership second;
    EpochDataV2 data;
    TicketLeaf ticket;
    SumPath ticketPath;
    TicketReceiptLeaf firstInTicket;
    SumPath firstInTicketPath;
    TicketReceiptLeaf secondInTicket;
    SumPath secondInTicketPath;
}

/// @notice Kind 3, relayTotal: a claim leaf's `epochBytes`/`receiptCount` that its receipts tree does not bear out.
/// - mode 0 (path): `node` at `path` folds to `receiptsRoot` (a path of any length, `index < 2^length`; reason 4
///   otherwise) and: the root sum ≠ `epochBytes`, the path's length ≠ `depthOf(receiptCount)`, `path.index ≥
///   receiptCount`, or `path.value ≠ node.size` (a receipt node is 224 bytes, so it cannot pose as an inner node: a
///   path of another length shows a receiptCount that is not the tree's);
/// - mode 1 (node): `opening` shows the receipts tree not well formed (see {SumNodeOpening}).
struct RelayTotalProof {
    uint8 mode;
    ClaimMembership claim;
    ReceiptNode node;
    SumPath path;
    SumNodeOpening opening;
}

/// @notice Kind 4, amount: a claim leaf whose amounts do not follow from its bytes, the price and the scaling.
/// Fault: `baseAmount ≠ floor(epochBytes · priceAt(poolId, epoch) / 1e9)`, `epochAmount ≠ baseAmount` when
/// `uncappedTotal ≤ scaleBalance` or `≠ floor(baseAmount · scaleBalance / uncappedTotal)` otherwise (from `pool`,
/// the leaf pool's pools-tree leaf in `data`), or `bonusAmount ≠ 0` (no bonus is defined yet).
struct AmountProof {
    ClaimMembership claim;
    EpochDataV2 data;
    PoolLeaf pool;
    SumPath poolPath;
}

/// @notice Kind 5, cumulative: an account's cumulative amount that does not follow from the previous epoch, or a
/// claim leaf that its pool's accounting tree does not hold. `epoch − 1` must be posted (any status) where a mode
/// reads it; `epoch = 0` has none (reason 14).
/// - mode 0: `current` in `epoch`, `previous` in `epoch − 1`, same (account, pool) (reason 12), `current.commitment.
///   prevCumulative ≠ previous.leaf.cumulativeAmount`;
/// - mode 1: `current` in `epoch` with `cumulativeAmount ≠ prevCumulative + epochAmount + bonusAmount` (an overflow
///   counts as different);
/// - mode 2 (dropped): `previous` in `epoch − 1`, `absence` of its (account, pool) in `epoch` (`data`);
/// - mode 3 (no previous leaf): `current` in `epoch` with `prevCumulative ≠ 0` (reason 0 otherwise), `absence` of its
///   (account, pool) in `epoch − 1` (`previousData`);
/// - mode 4 (claim leaf absent from the accounting trees): `current` in `epoch`, `absence` of its (account, pool) in
///   `data`;
/// - mode 5 (claim leaf differs from its accounting leaf): `current` in `epoch`, `pool` (its pools-tree leaf, same
///   poolId) at `poolPath` in `data`, `poolAccount` (same account) at `poolAccountPath` in `pool.leavesRoot`, whose
///   `(cumulativeAmount, epochCommitment)` differ from the claim leaf's.
/// `previousData` is read by mode 3 only, `data` by modes 2, 4 and 5.
struct CumulativeProof {
    uint8 mode;
    ClaimMembership current;
    ClaimMembership previous;
    EpochDataV2 data;
    EpochDataV2 previousData;
    AccountAbsence absence;
    PoolLeaf pool;
    SumPath poolPath;
    PoolAccountLeaf poolAccount;
    SumPath poolAccountPath;
}

/// @notice Kind 6, poolTotal: a pool total that its leaves or the posted totals do not bear out.
/// - mode 0 (path): `account` (with its epochCommitment preimage `commitment`, reason 3) at `accountPath` folds to
///   `pool.leavesRoot` (any length, as relayTotal mode 0; reason 8 otherwise) and: the root sum ≠ `uncappedTotal <<
///   128 | total` (or either is ≥ 2^128), the path's length ≠ `depthOf(leafCount)`, `accountPath.index ≥ leafCount`,
///   or `accountPath.value ≠ baseAmount << 128 | (epochAmount + bonusAmount)` (or a half of it ≥ 2^128);
/// - mode 1 (node): `opening` shows `pool.leavesRoot` not well formed, or `total` or `uncappedTotal` is ≥ 2^128;
/// - mode 2 (posted): `posted` (hashing to `poolTotalsHash`) has no entry for `pool.poolId` while `pool.uncappedTotal
///   > 0` or `pool.total > 0`, or an entry whose (total, uncappedTotal, scaleBalance) differ from `pool`'s;
/// - mode 3 (posted without a pool): `posted` hashes to `poolTotalsHash` and `posted[postedIndex]`'s pool is absent
///   from the pools tree (`absence`);
/// - mode 4 (pools order): `pool` at a lower index than `other` (at `otherPath`), `pool.poolId ≥ other.poolId`;
/// - mode 5 (accounts order): `account` at a lower index than `otherAccount` in `pool.leavesRoot`, `account.account ≥
///   otherAccount.account`.
/// `pool` is at `poolPath` in `data`'s pools tree in every mode but 3.
struct PoolTotalProof {
    uint8 mode;
    EpochDataV2 data;
    PoolLeaf pool;
    SumPath poolPath;
    PoolAccountLeaf account;
    EpochCommitmentV2 commitment;
    SumPath accountPath;
    SumNodeOpening opening;
    PostedPoolTotal[] posted;
    uint256 postedIndex;
    PoolNeighbours absence;
    PoolLeaf other;
    SumPath otherPath;
    PoolAccountLeaf otherAccount;
    SumPath otherAccountPath;
}

/// @notice Kind 7, maxBytes: a ticket credited beyond its `maxBytes`, or a tickets-tree leaf whose accounting does
/// not hold. `data` opens the epoch in every mode; `ticket` is at `ticketPath` in `data`'s tickets tree in every mode
/// but 6 (reason 9). Where a mode reads `otherEpoch`, that epoch must be posted (any status) and `otherData` open it.
/// - mode 0 (over): `hashTicket(viewerTicket) = ticket.ticketHash` and `bytesBefore + bytesIn > maxBytes`;
/// - mode 1 (bytesBefore): `ticket.prevEpoch > epoch`; or `= epoch` with `bytesBefore ≠ 0`; or `otherTicket` (same
///   ticketHash) in `otherEpoch = ticket.prevEpoch < epoch` (`otherData`) with `bytesBefore ≠ other.bytesBefore +
///   other.bytesIn`;
/// - mode 2 (prevEpoch without the ticket): `ticketAbsence` of the ticket in `otherEpoch = ticket.prevEpoch < epoch`;
/// - mode 3 (skipped epoch): `otherTicket` (same ticketHash) in `otherEpoch` with `ticket.prevEpoch < otherEpoch <
///   epoch` (or `otherEpoch < epoch` when `prevEpoch = epoch`);
/// - mode 4 (path): `receipt` at `receiptPath` folds to `receiptsOfTicketRoot` (any length, `index < 2^length`) and:
///   the root sum ≠ `bytesIn`, or — only for a `receipt` with `receiptId ≠ 0` — the path's length ≠ `depthOf(count)`
///   or `receiptPath.index ≥ count` (reason 10 otherwise: a ticket-receipt leaf is 128 bytes, and the inner node
///   over two padding slots is the zero leaf of value 0, which would otherwise pass for a receipt at another depth);
/// - mode 5 (node): `opening` shows `receiptsOfTicketRoot` not well formed;
/// - mode 6 (credited, ticket absent): `credited` in `epoch`, `ticketAbsence` of its node's ticketHash in `data`;
/// - mode 7 (credited, receipt absent): `credited` in `epoch`, `ticket` (same ticketHash, reason 12) at
///   `ticketPath`, `receiptAbsence` of the credited node's `(segment, chunk)` in `receiptsOfTicketRoot`;
/// - mode 8 (credited, another receipt at its key): `credited` in `epoch`, `ticket` (same ticketHash) at
///   `ticketPath`, `receipt` at `receiptPath` in `receiptsOfTicketRoot` with the credited node's `(segment, chunk)`
///   (reason 12), whose relay ≠ the credited leaf's account, receiptId ≠ the node's, or recorded value
///   (`receiptPath.value`) ≠ the node's size.
/// Modes above 8 are refused (reason 1, once `credited` checks).
struct MaxBytesProof {
    uint8 mode;
    EpochDataV2 data;
    TicketLeaf ticket;
    SumPath ticketPath;
    ViewerTicket viewerTicket;
    uint256 otherEpoch;
    EpochDataV2 otherData;
    TicketLeaf otherTicket;
    SumPath otherTicketPath;
    TicketNeighbours ticketAbsence;
    TicketReceiptLeaf receipt;
    SumPath receiptPath;
    SumNodeOpening opening;
    ReceiptMembership credited;
    TicketReceiptNeighbours receiptAbsence;
}

/// @title IFraudProofSource
/// @notice What the FraudProver reads from the distributor, and the one call it makes on it. The distributor
/// implements it (priceAt, ticketSignerAt, challengeInfo and config are its existing views).
interface IFraudProofSource {
    /// @notice The current post of `epoch`: its claim root, stored dataHash (first 27 bytes of the EpochDataV2 hash),
    /// global post sequence number and status: 0 none (never posted, or rejected and not yet posted again), 1 pending
    /// (inside its challenge window or under challenge), 2 claimable and still revocable (inside its recovery
    /// period), 3 settled (claimable, past its recovery period). Epochs out of the ring read as 0.
    function fraudProofPost(uint256 epoch)
        external
        view
        returns (bytes32 root, bytes27 dataHash, uint256 postSeq, uint8 status);
    /// @notice The pool's price in force for `epoch` (token base units per 1e9 bytes).
    function priceAt(bytes32 poolId, uint256 epoch) external view returns (uint256);
    /// @notice The pool's ticket signer in force at `timestamp` (unix seconds).
    function ticketSignerAt(bytes32 poolId, uint256 timestamp) external view returns (address);
    /// @notice A challenge by id.
    function challengeInfo(uint256 challengeId) external view returns (ChallengeInfo memory);
    /// @notice The deployment parameters (genesisTime and epochSeconds give a receipt's epoch).
    function config() external view returns (DistributorConfig memory);
    /// @notice FraudProver only: post `postSeq` of `epoch` is proven faulty; reject it (pending) or revoke it
    /// (revocable) as an upheld challenge does, slash the aggregator's bond and pay `prover` the challenger's share;
    /// when `prover` holds an open challenge on that post its bond is refunded. Reverts if the post is not current or
    /// not actionable.
    function rejectProven(uint256 epoch, uint256 postSeq, address prover) external;
}

/// @title IFraudProver
/// @notice One-transaction fraud proofs against a post of the RewardDistributor (docs/fraud-proofs.md). A valid
/// proof rejects the post through {IFraudProofSource.rejectProven}; an invalid one reverts and costs only gas. A
/// proof against an honest epoch cannot exist. Kinds: 0 badSignature, 1 badTicket, 2 duplicate, 3 relayTotal,
/// 4 amount, 5 cumulative, 6 poolTotal, 7 maxBytes; `proof` is `abi.encode` of that kind's struct.
interface IFraudProver {
    /// @notice Post `postSeq` of `epoch` was proven faulty by `prover` (the account paid) with a proof of `kind`.
    event FaultProven(uint256 indexed epoch, uint256 indexed postSeq, uint8 indexed kind, address prover);
    /// @notice Challenge `challengeId` was proven by its committed evidence; its challenger was paid.
    event ChallengeProven(uint256 indexed challengeId, address indexed challenger);

    /// @notice The proof does not show a fault. `reason`: 0 the data holds (no fault), 1 unknown mode, 2 claim leaf not
    /// in the root, 3 epochCommitment preimage, 4 receipt node not in its receipts tree, 5 receipt (id, signature
    /// hash or node fields) does not match, 6 ticket hash does not match, 7 pool leaf not in the pools tree, 8
    /// pool-account leaf not in the pool's leavesRoot, 9 ticket leaf not in the tickets tree, 10 ticket-receipt leaf
    /// not in its tree, 11 absence proof malformed (not neighbours, not around the key), 12 the memberships do not
    /// share the key they must, 13 node opening does not fold to the root, 14 other epoch not allowed, 15 posted
    /// totals preimage, 16 `proof` is not `abi.encode` of one struct (a 0x20 head word, at least 64 bytes).
    error FraudProofInvalid(uint8 kind, uint8 reason);
    /// @notice `kind` is not a fault kind (0..7).
    error FraudProofUnknownKind(uint8 kind);
    /// @notice `epoch` is not pending nor revocable (status as {IFraudProofSource.fraudProofPost}).
    error FraudProofEpochNotActionable(uint256 epoch, uint8 status);
    /// @notice A reference epoch (`epoch`) the proof reads has no current post.
    error FraudProofEpochNotPosted(uint256 epoch);
    /// @notice The EpochDataV2 given for `epoch` does not hash to its stored dataHash.
    error FraudProofDataMismatch(uint256 epoch, bytes27 stored, bytes27 given);
    /// @notice Challenge `challengeId` is not open.
    error FraudProofChallengeNotOpen(uint256 challengeId);
    /// @notice Challenge `challengeId`'s evidenceHash is not `evidenceHashOf(challenger, kind, proof)`.
    error FraudProofEvidenceMismatch(uint256 challengeId, bytes32 evidenceHash, bytes32 computed);
    /// @notice The challenge disputes post `challengedPostSeq`, the epoch's current post is `postSeq`.
    error FraudProofChallengeStale(uint256 challengeId, uint256 challengedPostSeq, uint256 postSeq);

    /// @notice The distributor whose posts this contract judges.
    function source() external view returns (IFraudProofSource);

    /// @notice Proves that the current post of `epoch` is faulty and rejects it, paying `msg.sender`. Front-runnable
    /// (a copied proof pays the copier): commit first with a challenge and use proveChallenge. No bond is taken:
    /// an invalid proof reverts.
    function proveFault(uint256 epoch, uint8 kind, bytes calldata proof) external;

    /// @notice Proves open challenge `challengeId` with the evidence it committed to
    /// (`evidenceHash = evidenceHashOf(challenger, kind, proof)`) and rejects the challenged post, paying the
    /// challenger (its bond refunded). Anyone may send it.
    function proveChallenge(uint256 challengeId, uint8 kind, bytes calldata proof) external;

    /// @notice The evidenceHash a challenger commits to before proving: `keccak256(abi.encode(challenger, kind,
    /// keccak256(proof)))`.
    function evidenceHashOf(address challenger, uint8 kind, bytes calldata proof) external pure returns (bytes32);

    /// @notice Checks a proof without acting on it: returns normally when it proves `epoch`'s current post faulty,
    /// reverts as proveFault would otherwise (for `--dry-run` and gas estimates).
    function checkFault(uint256 epoch, uint8 kind, bytes calldata proof) external view returns (uint256 postSeq);
}
