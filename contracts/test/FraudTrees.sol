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

    /// @notice One node of a tree with everything a SumNodeOpening carries, and the tree's root.
    struct Opened {
        bytes32 root;
        uint256 sum;
        PositionSumTree.Node node;
        PositionSumTree.Node left; // children of `node` (level >= 1), else zero
        PositionSumTree.Node right;
        PositionSumTree.Node[] siblings; // from `node` up to the root
    }

    /// @notice Builds the tree over `hashes`/`values` (padded with (0, 0)) and opens the node at (`level`, `index`).
    /// `badLevel >= 1`: the inner node (`badLevel`, `badIndex`) records its children's sum plus `delta` (a tree that is
    /// not well formed; the nodes above it are hashed over the recorded sum, so the root sum carries the delta).
    function open(
        bytes32[] memory hashes,
        uint256[] memory values,
        uint256 level,
        uint256 index,
        uint256 badLevel,
        uint256 badIndex,
        uint256 delta
    ) internal pure returns (Opened memory o) {
        uint256 depth = depthOf(hashes.length);
        bytes32[][] memory h = new bytes32[][](depth + 1);
        uint256[][] memory s = new uint256[][](depth + 1);
        h[0] = new bytes32[](uint256(1) << depth);
        s[0] = new uint256[](uint256(1) << depth);
        for (uint256 i; i < hashes.length; ++i) {
            h[0][i] = hashes[i];
            s[0][i] = values[i];
        }
        for (uint256 l = 1; l <= depth; ++l) {
            uint256 width = uint256(1) << (depth - l);
            h[l] = new bytes32[](width);
            s[l] = new uint256[](width);
            for (uint256 i; i < width; ++i) {
                h[l][i] = keccak256(abi.encode(h[l - 1][2 * i], s[l - 1][2 * i], h[l - 1][2 * i + 1], s[l - 1][2 * i + 1]));
                s[l][i] = s[l - 1][2 * i] + s[l - 1][2 * i + 1];
                if (l == badLevel && i == badIndex) s[l][i] += delta;
            }
        }
        if (hashes.length != 0) (o.root, o.sum) = (h[depth][0], s[depth][0]);
        o.node = PositionSumTree.Node(h[level][index], s[level][index]);
        if (level >= 1) {
            o.left = PositionSumTree.Node(h[level - 1][2 * index], s[level - 1][2 * index]);
            o.right = PositionSumTree.Node(h[level - 1][2 * index + 1], s[level - 1][2 * index + 1]);
        }
        o.siblings = new PositionSumTree.Node[](depth - level);
        for (uint256 l = level; l < depth; ++l) {
            uint256 at = (index >> (l - level)) ^ 1;
            o.siblings[l - level] = PositionSumTree.Node(h[l][at], s[l][at]);
        }
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
