// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title PositionSumTree
/// @notice Proofs in the position-bound sum trees of docs/fraud-proofs.md ("Building blocks"). A tree of `n` leaves in
/// a fixed key order is padded to `2^depth` leaves with the empty node `(0x00…00, 0)`; a node is `(hash, sum)`, a leaf
/// node `(keccak256(abi.encode(leafFields)), value)`, an inner node
/// `(keccak256(abi.encode(lHash, lSum, rHash, rSum)), lSum + rSum)`. A tree is committed as `(rootHash, rootSum, n)`.
/// A proof of index `i` is its `depth` siblings bottom-up; bit k of `i` is 1 when the sibling at level k is on the
/// left. One path gives the root's sum and the prefix sum (the left siblings' sums: the values at indices below `i`).
/// Sums are uint256 (bytes or token base units, by tree); a path whose sums overflow uint256 reverts.
/// @dev The TypeScript twin is src/protocol/sumtree; shared vectors are checked by PositionSumTreeVectors.t.sol.
library PositionSumTree {
    /// @notice One sibling of a proof: its subtree's hash and sum. As calldata, `Node[]` is 64 bytes per level.
    struct Node {
        bytes32 hash;
        uint256 sum;
    }

    /// @notice `index` does not fit a proof of `depth` levels (index ≥ 2^depth).
    error PositionSumTreeIndexTooLarge(uint256 index, uint256 depth);
    /// @notice `index` is not a leaf of a tree of `length` leaves (index ≥ length).
    error PositionSumTreeIndexOutOfRange(uint256 index, uint256 length);
    /// @notice The proof has `length` levels where a tree of its `n` needs `expected`.
    error PositionSumTreeProofLength(uint256 length, uint256 expected);
    /// @notice At `level` (0 = the leaf's parent) the running sum plus the sibling's sum overflows uint256.
    error PositionSumTreeSumOverflow(uint256 level, uint256 sum, uint256 siblingSum);
    /// @notice The proof folds to `computed`, not to the committed root hash `expected`.
    error PositionSumTreeRootMismatch(bytes32 computed, bytes32 expected);

    /// @notice The depth (proof length in levels) of a tree of `length` leaves: the least d with 2^d ≥ length.
    function depthOf(uint256 length) internal pure returns (uint256) {
        return length <= 1 ? 0 : Math.log2(length - 1) + 1;
    }

    /// @notice The hash of an inner node: keccak256(abi.encode(lHash, lSum, rHash, rSum)).
    function hashNode(bytes32 lHash, uint256 lSum, bytes32 rHash, uint256 rSum) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, lHash)
            mstore(add(m, 0x20), lSum)
            mstore(add(m, 0x40), rHash)
            mstore(add(m, 0x60), rSum)
            h := keccak256(m, 0x80)
        }
    }

    /// @notice Folds the proof of the leaf node `(leafHash, value)` at `index` up to the root. Any index below
    /// 2^proof.length is accepted, padding positions included (a proof that a padding slot is not empty is itself a
    /// fault); compare the result with the commitment, or use `verify`.
    /// @return rootHash The root hash the proof gives.
    /// @return rootSum The root's sum: every value of the tree.
    /// @return prefixSum The sum of the left siblings on the path: the values at indices below `index`.
    function computeRoot(bytes32 leafHash, uint256 value, uint256 index, Node[] calldata proof)
        internal
        pure
        returns (bytes32 rootHash, uint256 rootSum, uint256 prefixSum)
    {
        uint256 depth = proof.length;
        if (depth < 256 && index >> depth != 0) revert PositionSumTreeIndexTooLarge(index, depth);
        uint256 overflowAt;
        assembly ("memory-safe") {
            // Scratch at the free memory pointer (never allocated): 128 bytes, abi.encode(lHash, lSum, rHash, rSum).
            let m := mload(0x40)
            rootHash := leafHash
            rootSum := value
            let p := proof.offset
            for { let k := 0 } lt(k, depth) { k := add(k, 1) } {
                let siblingHash := calldataload(p)
                let siblingSum := calldataload(add(p, 0x20))
                let sum := add(rootSum, siblingSum)
                if lt(sum, rootSum) {
                    overflowAt := add(k, 1)
                    prefixSum := siblingSum
                    break
                }
                switch and(shr(k, index), 1)
                case 0 {
                    mstore(m, rootHash)
                    mstore(add(m, 0x20), rootSum)
                    mstore(add(m, 0x40), siblingHash)
                    mstore(add(m, 0x60), siblingSum)
                }
                default {
                    mstore(m, siblingHash)
                    mstore(add(m, 0x20), siblingSum)
                    mstore(add(m, 0x40), rootHash)
                    mstore(add(m, 0x60), rootSum)
                    // The left siblings are disjoint subtrees left of the leaf: at most rootSum, no overflow.
                    prefixSum := add(prefixSum, siblingSum)
                }
                rootHash := keccak256(m, 0x80)
                rootSum := sum
                p := add(p, 0x40)
            }
        }
        if (overflowAt != 0) revert PositionSumTreeSumOverflow(overflowAt - 1, rootSum, prefixSum);
    }

    /// @notice Checks that the proof places the leaf node `(leafHash, value)` at `index` of the tree committed with
    /// `rootHash` and `length` leaves: index < length, proof.length = depthOf(length), and the root matches. Reverts
    /// otherwise. The caller compares `rootSum` with the committed sum where it has one (a difference is a fault).
    /// @return rootSum The root's sum the proof gives.
    /// @return prefixSum The values at indices below `index`.
    function verify(
        bytes32 rootHash,
        uint256 length,
        bytes32 leafHash,
        uint256 value,
        uint256 index,
        Node[] calldata proof
    ) internal pure returns (uint256 rootSum, uint256 prefixSum) {
        if (index >= length) revert PositionSumTreeIndexOutOfRange(index, length);
        uint256 depth = depthOf(length);
        if (proof.length != depth) revert PositionSumTreeProofLength(proof.length, depth);
        bytes32 computed;
        (computed, rootSum, prefixSum) = computeRoot(leafHash, value, index, proof);
        if (computed != rootHash) revert PositionSumTreeRootMismatch(computed, rootHash);
    }
}
