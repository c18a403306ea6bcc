// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice Exposes the calldata-only PositionSumTree functions through external calls.
contract PositionSumTreeHarness {
    function computeRoot(bytes32 leafHash, uint256 value, uint256 index, PositionSumTree.Node[] calldata proof)
        external
        pure
        returns (bytes32 rootHash, uint256 rootSum, uint256 prefixSum)
    {
        return PositionSumTree.computeRoot(leafHash, value, index, proof);
    }

    function verify(
        bytes32 rootHash,
        uint256 length,
        bytes32 leafHash,
        uint256 value,
        uint256 index,
        PositionSumTree.Node[] calldata proof
    ) external pure returns (uint256 rootSum, uint256 prefixSum) {
        return PositionSumTree.verify(rootHash, length, leafHash, value, index, proof);
    }

    function depthOf(uint256 length) external pure returns (uint256) {
        return PositionSumTree.depthOf(length);
    }

    function hashNode(bytes32 lHash, uint256 lSum, bytes32 rHash, uint256 rSum) external pure returns (bytes32) {
        return PositionSumTree.hashNode(lHash, lSum, rHash, rSum);
    }
}

/// @notice Position-bound sum trees built in memory the plain way (abi.encode, checked sums, the padding written out
/// to 2^depth leaves), independent of the library's assembly.
library PositionSumTreeBuilder {
    /// @dev Pseudo-random leaf nodes; about one value in five is 0, the others below 2^48.
    function randomLeaves(uint256 seed, uint256 n) internal pure returns (PositionSumTree.Node[] memory leaves) {
        leaves = new PositionSumTree.Node[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode("value", seed, i)));
            leaves[i] = PositionSumTree.Node({
                hash: keccak256(abi.encode("leaf", seed, i)),
                sum: r % 5 == 0 ? 0 : r >> 208
            });
        }
    }

    function depthOf(uint256 n) internal pure returns (uint256 depth) {
        while ((uint256(1) << depth) < n) ++depth;
    }

    /// @return root The root node over `leaves`, padded with (0, 0) to a power of two.
    /// @return proof The siblings of position `index` (< 2^depth, padding included), bottom up.
    function build(PositionSumTree.Node[] memory leaves, uint256 index)
        internal
        pure
        returns (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof)
    {
        uint256 depth = depthOf(leaves.length);
        uint256 width = uint256(1) << depth;
        require(index < width, "PositionSumTreeBuilder: bad index");
        PositionSumTree.Node[] memory level = new PositionSumTree.Node[](width);
        for (uint256 i; i < width; ++i) {
            level[i] = i < leaves.length ? leaves[i] : PositionSumTree.Node(bytes32(0), 0);
        }
        proof = new PositionSumTree.Node[](depth);
        for (uint256 k; k < depth; ++k) {
            proof[k] = level[index ^ 1];
            width /= 2;
            PositionSumTree.Node[] memory next = new PositionSumTree.Node[](width);
            for (uint256 j; j < width; ++j) {
                PositionSumTree.Node memory l = level[2 * j];
                PositionSumTree.Node memory r = level[2 * j + 1];
                next[j] = PositionSumTree.Node(keccak256(abi.encode(l.hash, l.sum, r.hash, r.sum)), l.sum + r.sum);
            }
            level = next;
            index /= 2;
        }
        root = level[0];
    }

    /// @dev The sum of the values at indices below `index`.
    function prefixSum(PositionSumTree.Node[] memory leaves, uint256 index) internal pure returns (uint256 sum) {
        for (uint256 i; i < index && i < leaves.length; ++i) {
            sum += leaves[i].sum;
        }
    }
}
