// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice Position-bound sum trees built in memory for the fraud-proof tests, written plainly (no assembly) and
/// independently of PositionSumTree.computeRoot: leaves padded with (0, 0) to 2^depthOf(n), inner node
/// keccak256(abi.encode(lHash, lSum, rHash, rSum)) with sum lSum + rSum.
library FraudTrees {
    function depthOf(uint256 n) internal pure returns (uint256 d) {
        while ((uint256(1) << d) < n) ++d;
    }

    /// @return root The root hash.
    /// @return sum The root sum.
    /// @return path The siblings of `index` bottom-up (empty when `index` is past the padded width).
    function build(bytes32[] memory hashes, uint256[] memory values, uint256 index)
        internal
        pure
        returns (bytes32 root, uint256 sum, PositionSumTree.Node[] memory path)
    {
        uint256 depth = depthOf(hashes.length);
        uint256 width = uint256(1) << depth;
        bytes32[] memory h = new bytes32[](width);
        uint256[] memory s = new uint256[](width);
        for (uint256 i; i < hashes.length; ++i) {
            h[i] = hashes[i];
            s[i] = values[i];
        }
        path = new PositionSumTree.Node[](index < width ? depth : 0);
        for (uint256 level; level < depth; ++level) {
            if (index < width) path[level] = PositionSumTree.Node(h[index ^ 1], s[index ^ 1]);
            for (uint256 i; i < width / 2; ++i) {
                h[i] = keccak256(abi.encode(h[2 * i], s[2 * i], h[2 * i + 1], s[2 * i + 1]));
                s[i] = s[2 * i] + s[2 * i + 1];
            }
            width /= 2;
            index /= 2;
        }
        root = hashes.length == 0 ? bytes32(0) : h[0];
        sum = hashes.length == 0 ? 0 : s[0];
    }

    /// @notice Puts a tree of root `(root, sum)` as the leftmost subtree of a tree `levels` higher, whose other
    /// subtrees are random nodes with sums `sibling(k)`: for paths of real length in gas measurements.
    function extend(bytes32 root, uint256 sum, uint256 levels, bytes32 salt, bool packed)
        internal
        pure
        returns (bytes32 newRoot, uint256 newSum, PositionSumTree.Node[] memory extra)
    {
        extra = new PositionSumTree.Node[](levels);
        newRoot = root;
        newSum = sum;
        for (uint256 k; k < levels; ++k) {
            uint256 siblingSum = packed ? ((k + 1) << 128 | (k + 1)) : 1000 << k;
            extra[k] = PositionSumTree.Node(keccak256(abi.encode(salt, k)), siblingSum);
            newRoot = keccak256(abi.encode(newRoot, newSum, extra[k].hash, extra[k].sum));
            newSum += siblingSum;
        }
    }

    /// @notice `path` followed by `extra`.
    function concat(PositionSumTree.Node[] memory path, PositionSumTree.Node[] memory extra)
        internal
        pure
        returns (PositionSumTree.Node[] memory out)
    {
        out = new PositionSumTree.Node[](path.length + extra.length);
        for (uint256 i; i < path.length; ++i) {
            out[i] = path[i];
        }
        for (uint256 i; i < extra.length; ++i) {
            out[path.length + i] = extra[i];
        }
    }
}
