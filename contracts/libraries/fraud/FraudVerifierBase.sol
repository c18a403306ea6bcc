// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {
    AccountAbsence,
    ClaimMembership,
    EpochDataV2,
    IFraudProofSource,
    IFraudProver,
    PoolAccountNeighbours,
    PoolLeaf,
    PoolNeighbours,
    ReceiptMembership,
    SumNodeOpening,
    SumPath,
    TicketNeighbours,
    TicketReceiptNeighbours
} from "../../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../CommitmentHashing.sol";
import {PositionSumTree} from "../PositionSumTree.sol";

/// @notice A verifier of some fault kinds, called by the FraudProver (docs/fraud-proofs.md, "Contract (built)").
interface IFraudVerifier {
    /// @notice Returns normally when `proof` (abi.encode of the kind's struct) proves the post of `epoch` of `source`
    /// (the distributor), with claim root `root` and stored `dataHash`, faulty; reverts with an {IFraudProver} error
    /// otherwise. Stateless: a caller naming another source only learns about that source's posts.
    function verifyFault(
        IFraudProofSource source,
        uint256 epoch,
        bytes32 root,
        bytes27 dataHash,
        uint8 kind,
        bytes calldata proof
    ) external view;
}

/// @title FraudVerifierBase
/// @notice The checks every fault kind shares: memberships (claim tree, PositionSumTree paths), epoch data openings,
/// absence by neighbours and node openings. Stateless: the verifiers read the distributor the FraudProver names
/// through {IFraudProofSource} views only. Every helper either returns or reverts with {IFraudProver.FraudProofInvalid}.
abstract contract FraudVerifierBase is IFraudVerifier {
    uint8 internal constant KIND_BAD_SIGNATURE = 0;
    uint8 internal constant KIND_BAD_TICKET = 1;
    uint8 internal constant KIND_DUPLICATE = 2;
    uint8 internal constant KIND_RELAY_TOTAL = 3;
    uint8 internal constant KIND_AMOUNT = 4;
    uint8 internal constant KIND_CUMULATIVE = 5;
    uint8 internal constant KIND_POOL_TOTAL = 6;
    uint8 internal constant KIND_MAX_BYTES = 7;

    uint8 internal constant NO_FAULT = 0;
    uint8 internal constant BAD_MODE = 1;
    uint8 internal constant CLAIM_NOT_IN_ROOT = 2;
    uint8 internal constant COMMITMENT_PREIMAGE = 3;
    uint8 internal constant RECEIPT_NOT_IN_TREE = 4;
    uint8 internal constant RECEIPT_MISMATCH = 5;
    uint8 internal constant TICKET_MISMATCH = 6;
    uint8 internal constant POOL_NOT_IN_TREE = 7;
    uint8 internal constant ACCOUNT_NOT_IN_TREE = 8;
    uint8 internal constant TICKET_NOT_IN_TREE = 9;
    uint8 internal constant TICKET_RECEIPT_NOT_IN_TREE = 10;
    uint8 internal constant NOT_ABSENT = 11;
    uint8 internal constant KEY_MISMATCH = 12;
    uint8 internal constant OPENING_INVALID = 13;
    uint8 internal constant OTHER_EPOCH = 14;
    uint8 internal constant POSTED_PREIMAGE = 15;
    uint8 internal constant ENCODING = 16;

    uint256 internal constant LOW128 = type(uint128).max;

    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    /// @dev The distributor's EIP-712 domain separator {name: "meshpay", version: "1", chainId, verifyingContract}.
    function _domainSeparator(IFraudProofSource source) internal view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, keccak256("meshpay"), keccak256("1"), block.chainid, source));
    }

    /// @dev Reverts with FraudProofInvalid(kind, reason) unless `ok`.
    function _require(bool ok, uint8 kind, uint8 reason) internal pure {
        if (!ok) revert IFraudProver.FraudProofInvalid(kind, reason);
    }

    /// @dev Reverts with "no fault" unless `fault`: every input checked, the data holds.
    function _fault(bool fault, uint8 kind) internal pure {
        if (!fault) revert IFraudProver.FraudProofInvalid(kind, NO_FAULT);
    }

    /// @dev The calldata offset of the struct `proof` encodes (abi.encode of one dynamic struct: a 0x20 head word).
    function _structOffset(bytes calldata proof, uint8 kind) internal pure returns (uint256 offset) {
        _require(proof.length >= 64, kind, ENCODING);
        uint256 head;
        assembly ("memory-safe") {
            head := calldataload(proof.offset)
            offset := add(proof.offset, 0x20)
        }
        _require(head == 0x20, kind, ENCODING);
    }

    /// @dev `c.leaf` is in `root` and `c.commitment` is its epochCommitment preimage.
    function _claim(bytes32 root, ClaimMembership calldata c, uint8 kind) internal pure {
        _require(
            CommitmentHashing.epochCommitment(c.commitment) == c.leaf.epochCommitment, kind, COMMITMENT_PREIMAGE
        );
        bytes32 leaf =
            CommitmentHashing.claimLeaf(c.leaf.account, c.leaf.poolId, c.leaf.cumulativeAmount, c.leaf.epochCommitment);
        _require(MerkleProof.verifyCalldata(c.proof, root, leaf), kind, CLAIM_NOT_IN_ROOT);
    }

    /// @dev `r.claim` is in `root` and `r.node` is at `r.path` in its receipts tree.
    function _receipt(bytes32 root, ReceiptMembership calldata r, uint8 kind) internal pure returns (uint256 rootSum) {
        _claim(root, r.claim, kind);
        bool ok;
        (ok, rootSum) = _member(
            r.claim.commitment.receiptsRoot,
            r.claim.commitment.receiptCount,
            CommitmentHashing.receiptNode(r.node),
            r.path
        );
        _require(ok, kind, RECEIPT_NOT_IN_TREE);
    }

    /// @dev Whether the leaf `(leafHash, path.value)` is at `path.index < n` of the tree `(rootHash, n)`, with a path of
    /// exactly depthOf(n) siblings; and the root sum the path gives. Reverts (PositionSumTree errors) only on a sum
    /// past uint256, which no honest tree has.
    function _member(bytes32 rootHash, uint256 n, bytes32 leafHash, SumPath calldata path)
        internal
        pure
        returns (bool ok, uint256 rootSum)
    {
        if (path.index >= n || path.siblings.length != PositionSumTree.depthOf(n)) return (false, 0);
        bytes32 computed;
        (computed, rootSum,) = PositionSumTree.computeRoot(leafHash, path.value, path.index, path.siblings);
        ok = computed == rootHash;
    }

    /// @dev Whether the leaf `(leafHash, path.value)` folds along `path` (any length) to `rootHash`, the root sum it
    /// gives, and whether the path is also a membership of the tree `(rootHash, n)` (`strict`: `depthOf(n)` siblings,
    /// `index < n`). For the "path" modes of leaves whose preimage is not 128 bytes (a receipt node, a pool-account
    /// leaf): such a leaf cannot pose as an inner node of an honest tree, so a path of another length, or to a slot
    /// at or past `n`, shows that the committed `n` is not the tree's. False (not a revert) on `index ≥ 2^length`.
    function _fold(bytes32 rootHash, uint256 n, bytes32 leafHash, SumPath calldata path)
        internal
        pure
        returns (bool folds, uint256 rootSum, bool strict)
    {
        uint256 depth = path.siblings.length;
        if (depth < 256 && path.index >> depth != 0) return (false, 0, false);
        bytes32 computed;
        (computed, rootSum,) = PositionSumTree.computeRoot(leafHash, path.value, path.index, path.siblings);
        folds = computed == rootHash;
        strict = path.index < n && depth == PositionSumTree.depthOf(n);
    }

    /// @dev `d` hashes to `stored` (the epoch's dataHash).
    function _data(uint256 epoch, bytes27 stored, EpochDataV2 calldata d) internal pure {
        bytes27 given = CommitmentHashing.dataHash(d);
        if (given != stored) revert IFraudProver.FraudProofDataMismatch(epoch, stored, given);
    }

    /// @dev The current post of a reference epoch (any status but none).
    function _reference(IFraudProofSource source, uint256 epoch) internal view returns (bytes32 root, bytes27 dataHash) {
        uint8 status;
        (root, dataHash,, status) = source.fraudProofPost(epoch);
        if (status == 0) revert IFraudProver.FraudProofEpochNotPosted(epoch);
    }

    /// @dev `pool` is at `path` in `d`'s pools tree.
    function _pool(EpochDataV2 calldata d, PoolLeaf calldata pool, SumPath calldata path, uint8 kind) internal pure {
        (bool ok,) = _member(d.poolsRoot, d.poolsCount, CommitmentHashing.poolLeaf(pool), path);
        _require(ok, kind, POOL_NOT_IN_TREE);
    }

    /// @dev Whether neighbours at these indices bracket a key in a tree of `n` leaves (their memberships and key
    /// order are the caller's).
    function _adjacent(uint256 n, bool hasLower, uint256 lowerIndex, bool hasUpper, uint256 upperIndex)
        internal
        pure
        returns (bool)
    {
        if (hasLower && hasUpper) return upperIndex == lowerIndex + 1;
        if (hasLower) return n != 0 && lowerIndex == n - 1;
        if (hasUpper) return upperIndex == 0;
        return n == 0;
    }

    /// @dev `poolId` has no leaf in `d`'s pools tree.
    function _poolAbsent(EpochDataV2 calldata d, bytes32 poolId, PoolNeighbours calldata a, uint8 kind)
        internal
        pure
    {
        bool ok = _adjacent(d.poolsCount, a.hasLower, a.lowerPath.index, a.hasUpper, a.upperPath.index);
        if (ok && a.hasLower) {
            (bool member,) = _member(d.poolsRoot, d.poolsCount, CommitmentHashing.poolLeaf(a.lower), a.lowerPath);
            ok = member && a.lower.poolId < poolId;
        }
        if (ok && a.hasUpper) {
            (bool member,) = _member(d.poolsRoot, d.poolsCount, CommitmentHashing.poolLeaf(a.upper), a.upperPath);
            ok = member && poolId < a.upper.poolId;
        }
        _require(ok, kind, NOT_ABSENT);
    }

    /// @dev `account` has no leaf in the pool-accounts tree `(root, n)`.
    function _accountAbsentIn(bytes32 root, uint256 n, address account, PoolAccountNeighbours calldata a, uint8 kind)
        internal
        pure
    {
        bool ok = _adjacent(n, a.hasLower, a.lowerPath.index, a.hasUpper, a.upperPath.index);
        if (ok && a.hasLower) {
            (bool member,) = _member(root, n, CommitmentHashing.poolAccountLeaf(a.lower), a.lowerPath);
            ok = member && a.lower.account < account;
        }
        if (ok && a.hasUpper) {
            (bool member,) = _member(root, n, CommitmentHashing.poolAccountLeaf(a.upper), a.upperPath);
            ok = member && account < a.upper.account;
        }
        _require(ok, kind, NOT_ABSENT);
    }

    /// @dev `(poolId, account)` has no leaf in `d`'s accounting trees: no pool leaf, or none of the account in it.
    function _accountAbsent(
        EpochDataV2 calldata d,
        bytes32 poolId,
        address account,
        AccountAbsence calldata a,
        uint8 kind
    ) internal pure {
        if (a.poolAbsent) {
            _poolAbsent(d, poolId, a.pools, kind);
            return;
        }
        _require(a.pool.poolId == poolId, kind, KEY_MISMATCH);
        _pool(d, a.pool, a.poolPath, kind);
        _accountAbsentIn(a.pool.leavesRoot, a.pool.leafCount, account, a.accounts, kind);
    }

    /// @dev `ticketHash` has no leaf in `d`'s tickets tree.
    function _ticketAbsent(EpochDataV2 calldata d, bytes32 ticketHash, TicketNeighbours calldata a, uint8 kind)
        internal
        pure
    {
        bool ok = _adjacent(d.ticketsCount, a.hasLower, a.lowerPath.index, a.hasUpper, a.upperPath.index);
        if (ok && a.hasLower) {
            (bool member,) =
                _member(d.ticketsRoot, d.ticketsCount, CommitmentHashing.ticketLeaf(a.lower), a.lowerPath);
            ok = member && a.lower.ticketHash < ticketHash;
        }
        if (ok && a.hasUpper) {
            (bool member,) =
                _member(d.ticketsRoot, d.ticketsCount, CommitmentHashing.ticketLeaf(a.upper), a.upperPath);
            ok = member && ticketHash < a.upper.ticketHash;
        }
        _require(ok, kind, NOT_ABSENT);
    }

    /// @dev The `(segment, chunk)` key `key = segment << 32 | chunk` has no leaf in the ticket tree `(root, n)`.
    function _ticketReceiptAbsent(
        bytes32 root,
        uint256 n,
        uint256 key,
        TicketReceiptNeighbours calldata a,
        uint8 kind
    ) internal pure {
        bool ok = _adjacent(n, a.hasLower, a.lowerPath.index, a.hasUpper, a.upperPath.index);
        if (ok && a.hasLower) {
            (bool member,) = _member(root, n, CommitmentHashing.ticketReceiptLeaf(a.lower), a.lowerPath);
            ok = member && _chunkKey(a.lower.segment, a.lower.chunk) < key;
        }
        if (ok && a.hasUpper) {
            (bool member,) = _member(root, n, CommitmentHashing.ticketReceiptLeaf(a.upper), a.upperPath);
            ok = member && key < _chunkKey(a.upper.segment, a.upper.chunk);
        }
        _require(ok, kind, NOT_ABSENT);
    }

    /// @dev The sort key of a ticket's receipts tree.
    function _chunkKey(uint64 segment, uint32 chunk) internal pure returns (uint256) {
        return uint256(segment) << 32 | chunk;
    }

    /// @dev Whether `o` shows the tree `(root, n)` whose root sum is committed as `committedSum` not well formed (see
    /// {SumNodeOpening}); reverts unless the opening folds to the root. `packed`: sums carry two 128-bit halves that
    /// must not carry into each other (a pool's leavesRoot).
    function _openingFault(
        bytes32 root,
        uint256 n,
        uint256 committedSum,
        SumNodeOpening calldata o,
        bool packed,
        uint8 kind
    ) internal pure returns (bool) {
        uint256 depth = PositionSumTree.depthOf(n);
        _require(o.level <= depth && o.siblings.length == depth - o.level, kind, OPENING_INVALID);
        // The root node's sum is bound by the commitment only: at the top of the tree it is the committed sum.
        _require(o.siblings.length != 0 || o.node.sum == committedSum, kind, OPENING_INVALID);
        (bytes32 computed,,) = PositionSumTree.computeRoot(o.node.hash, o.node.sum, o.index, o.siblings);
        _require(computed == root, kind, OPENING_INVALID);
        if (o.level == 0) {
            bool empty = o.node.hash == bytes32(0) && o.node.sum == 0;
            return o.index >= n ? !empty : empty;
        }
        _require(
            o.node.hash == PositionSumTree.hashNode(o.left.hash, o.left.sum, o.right.hash, o.right.sum),
            kind,
            OPENING_INVALID
        );
        unchecked {
            uint256 sum = o.left.sum + o.right.sum;
            if (sum < o.left.sum) return true;
            if (packed && (o.left.sum & LOW128) + (o.right.sum & LOW128) > LOW128) return true;
            return sum != o.node.sum;
        }
    }

    /// @dev The signer of `digest` by a 65-byte (v of 27/28 or 0/1) or 64-byte EIP-2098 signature, as the protocol
    /// library accepts them (low s); address(0) when it does not recover.
    function _recover(bytes32 digest, bytes calldata signature) internal pure returns (address signer) {
        bytes32 r;
        bytes32 s;
        uint8 v;
        if (signature.length == 65) {
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                s := calldataload(add(signature.offset, 0x20))
                v := byte(0, calldataload(add(signature.offset, 0x40)))
            }
            if (v < 27) v += 27;
        } else if (signature.length == 64) {
            bytes32 vs;
            assembly ("memory-safe") {
                r := calldataload(signature.offset)
                vs := calldataload(add(signature.offset, 0x20))
            }
            s = vs & bytes32(type(uint256).max >> 1);
            v = uint8(uint256(vs) >> 255) + 27;
        } else {
            return address(0);
        }
        (signer,,) = ECDSA.tryRecover(digest, v, r, s);
    }
}
