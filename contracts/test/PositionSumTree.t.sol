// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Assertions, vm} from "./DistributorTestHarness.sol";
import {PositionSumTreeBuilder, PositionSumTreeHarness} from "./PositionSumTreeHarness.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice PositionSumTree.computeRoot and verify against trees built in Solidity the plain way
/// (PositionSumTreeBuilder): every leaf proves its tree's root, sum and prefix sum; any one-bit change in a sibling,
/// the leaf or the index gives another root or reverts; malformed proofs revert with the library's errors.
contract PositionSumTreeTest is Assertions {
    uint256 internal constant MAX_LEAVES = 64;
    PositionSumTreeHarness internal harness;

    function setUp() public {
        harness = new PositionSumTreeHarness();
    }

    /// @dev A tree of 1..MAX_LEAVES random leaves from `seed` and a leaf index in it.
    function _tree(uint256 seed, uint256 n, uint256 index, uint256 minLeaves)
        internal
        pure
        returns (PositionSumTree.Node[] memory leaves, uint256 boundedIndex)
    {
        n = bound(n, minLeaves, MAX_LEAVES);
        leaves = PositionSumTreeBuilder.randomLeaves(seed, n);
        boundedIndex = bound(index, 0, n - 1);
    }

    /// @dev True when the proof folds to another root hash, or reverts with one of the library's fold errors.
    function _misses(
        bytes32 root,
        bytes32 leafHash,
        uint256 value,
        uint256 index,
        PositionSumTree.Node[] memory proof
    ) internal view returns (bool) {
        try harness.computeRoot(leafHash, value, index, proof) returns (bytes32 got, uint256, uint256) {
            return got != root;
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            return selector == PositionSumTree.PositionSumTreeIndexTooLarge.selector
                || selector == PositionSumTree.PositionSumTreeSumOverflow.selector;
        }
    }

    function testFuzz_verify_provesEveryFuzzedLeafWithItsRootSumAndPrefixSum(uint256 seed, uint256 n, uint256 index)
        public
        view
    {
        (PositionSumTree.Node[] memory leaves, uint256 i) = _tree(seed, n, index, 1);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, i);
        (bytes32 rootHash, uint256 rootSum, uint256 prefixSum) =
            harness.computeRoot(leaves[i].hash, leaves[i].sum, i, proof);
        uint256 expectedPrefix = PositionSumTreeBuilder.prefixSum(leaves, i);
        assertEq(rootHash, root.hash, "computeRoot root hash");
        assertEq(rootSum, root.sum, "computeRoot root sum");
        assertEq(prefixSum, expectedPrefix, "computeRoot prefix sum");
        (rootSum, prefixSum) = harness.verify(root.hash, leaves.length, leaves[i].hash, leaves[i].sum, i, proof);
        assertEq(rootSum, root.sum, "verify root sum");
        assertEq(prefixSum, expectedPrefix, "verify prefix sum");
    }

    /// @dev Every leaf of every tree of 1 to 17 leaves (depths 0 to 5, every padding shape).
    function test_verify_provesEveryLeafOfTreesOfOneTo17Leaves() public view {
        for (uint256 n = 1; n <= 17; ++n) {
            PositionSumTree.Node[] memory leaves = PositionSumTreeBuilder.randomLeaves(n, n);
            for (uint256 i; i < n; ++i) {
                (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) =
                    PositionSumTreeBuilder.build(leaves, i);
                (uint256 rootSum, uint256 prefixSum) =
                    harness.verify(root.hash, n, leaves[i].hash, leaves[i].sum, i, proof);
                assertEq(rootSum, root.sum, "root sum");
                assertEq(prefixSum, PositionSumTreeBuilder.prefixSum(leaves, i), "prefix sum");
            }
        }
    }

    function testFuzz_computeRoot_missesTheRootWhenOneBitOfASiblingChanges(
        uint256 seed,
        uint256 n,
        uint256 index,
        uint256 level,
        uint256 bit,
        bool inSum
    ) public view {
        (PositionSumTree.Node[] memory leaves, uint256 i) = _tree(seed, n, index, 2);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, i);
        level = bound(level, 0, proof.length - 1);
        bit = bound(bit, 0, 255);
        if (inSum) proof[level].sum ^= uint256(1) << bit;
        else proof[level].hash ^= bytes32(uint256(1) << bit);
        assertTrue(_misses(root.hash, leaves[i].hash, leaves[i].sum, i, proof), "a flipped sibling bit still proves");
    }

    function testFuzz_computeRoot_missesTheRootWhenOneBitOfTheIndexChanges(
        uint256 seed,
        uint256 n,
        uint256 index,
        uint256 bit
    ) public {
        (PositionSumTree.Node[] memory leaves, uint256 i) = _tree(seed, n, index, 1);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, i);
        bit = bound(bit, 0, 255);
        uint256 flipped = i ^ (uint256(1) << bit);
        assertTrue(_misses(root.hash, leaves[i].hash, leaves[i].sum, flipped, proof), "a flipped index bit still proves");
        if (bit >= proof.length) {
            vm.expectRevert(
                abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexTooLarge.selector, flipped, proof.length)
            );
            harness.computeRoot(leaves[i].hash, leaves[i].sum, flipped, proof);
        }
    }

    function testFuzz_computeRoot_missesTheRootWhenOneBitOfTheLeafChanges(
        uint256 seed,
        uint256 n,
        uint256 index,
        uint256 bit,
        bool inValue
    ) public view {
        (PositionSumTree.Node[] memory leaves, uint256 i) = _tree(seed, n, index, 1);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, i);
        bit = bound(bit, 0, 255);
        bytes32 leafHash = leaves[i].hash;
        uint256 value = leaves[i].sum;
        if (inValue) value ^= uint256(1) << bit;
        else leafHash ^= bytes32(uint256(1) << bit);
        if (proof.length == 0) {
            // A one-leaf tree is its leaf: the fold returns the changed leaf itself.
            (bytes32 got, uint256 sum,) = harness.computeRoot(leafHash, value, i, proof);
            assertTrue(got != root.hash || sum != root.sum, "a one-leaf tree kept its root");
        } else {
            assertTrue(_misses(root.hash, leafHash, value, i, proof), "a flipped leaf bit still proves");
        }
    }

    /// @dev Padding slots fold as the empty node (computeRoot), but verify refuses them: they are not leaves.
    function testFuzz_verify_refusesPaddingSlotsThatComputeRootFoldsAsEmptyNodes(uint256 seed, uint256 n, uint256 slot)
        public
    {
        n = bound(n, 3, MAX_LEAVES);
        uint256 width = uint256(1) << PositionSumTreeBuilder.depthOf(n);
        vm.assume(width > n);
        PositionSumTree.Node[] memory leaves = PositionSumTreeBuilder.randomLeaves(seed, n);
        slot = bound(slot, n, width - 1);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) =
            PositionSumTreeBuilder.build(leaves, slot);
        (bytes32 rootHash, uint256 rootSum, uint256 prefixSum) = harness.computeRoot(bytes32(0), 0, slot, proof);
        assertEq(rootHash, root.hash, "padding slot root");
        assertEq(rootSum, root.sum, "padding slot sum");
        assertEq(prefixSum, root.sum, "every value is left of a padding slot");
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexOutOfRange.selector, slot, n));
        harness.verify(root.hash, n, bytes32(0), 0, slot, proof);
    }

    function test_verify_revertsOnAnIndexAtOrPastTheLength() public {
        PositionSumTree.Node[] memory leaves = PositionSumTreeBuilder.randomLeaves(7, 5);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, 4);
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexOutOfRange.selector, 4, 4));
        harness.verify(root.hash, 4, leaves[4].hash, leaves[4].sum, 4, proof);
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexOutOfRange.selector, 0, 0));
        harness.verify(bytes32(0), 0, bytes32(0), 0, 0, new PositionSumTree.Node[](0));
    }

    /// @dev A proof one level short or one level long for the committed length: a subtree or a taller tree.
    function test_verify_revertsOnAProofLengthThatIsNotTheDepthOfTheLength() public {
        PositionSumTree.Node[] memory leaves = PositionSumTreeBuilder.randomLeaves(8, 8);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, 2);
        PositionSumTree.Node[] memory shortProof = new PositionSumTree.Node[](2);
        PositionSumTree.Node[] memory longProof = new PositionSumTree.Node[](4);
        for (uint256 k; k < 3; ++k) {
            if (k < 2) shortProof[k] = proof[k];
            longProof[k] = proof[k];
        }
        (PositionSumTree.Node memory sub,) = PositionSumTreeBuilder.build(_slice(leaves, 0, 4), 2);
        bytes32 subtree = sub.hash;
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeProofLength.selector, 2, 3));
        harness.verify(subtree, 8, leaves[2].hash, leaves[2].sum, 2, shortProof);
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeProofLength.selector, 4, 3));
        harness.verify(root.hash, 8, leaves[2].hash, leaves[2].sum, 2, longProof);
        // The short proof does prove the 4-leaf subtree: only the committed length tells them apart.
        harness.verify(subtree, 4, leaves[2].hash, leaves[2].sum, 2, shortProof);
    }

    function test_verify_revertsOnAnotherRoot() public {
        PositionSumTree.Node[] memory leaves = PositionSumTreeBuilder.randomLeaves(9, 6);
        (PositionSumTree.Node memory root, PositionSumTree.Node[] memory proof) = PositionSumTreeBuilder.build(leaves, 3);
        bytes32 other = keccak256("another root");
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeRootMismatch.selector, root.hash, other));
        harness.verify(other, 6, leaves[3].hash, leaves[3].sum, 3, proof);
    }

    function test_computeRoot_revertsOnAnIndexAtOrPastTwoToTheDepth() public {
        PositionSumTree.Node[] memory proof = new PositionSumTree.Node[](3);
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexTooLarge.selector, 8, 3));
        harness.computeRoot(bytes32(0), 0, 8, proof);
        vm.expectRevert(
            abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexTooLarge.selector, type(uint256).max, 3)
        );
        harness.computeRoot(bytes32(0), 0, type(uint256).max, proof);
        vm.expectRevert(abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexTooLarge.selector, 1, 0));
        harness.computeRoot(bytes32(0), 0, 1, new PositionSumTree.Node[](0));
        harness.computeRoot(bytes32(0), 0, 7, proof);
    }

    function test_computeRoot_revertsOnASumOverflowNamingTheLevel() public {
        PositionSumTree.Node[] memory proof = new PositionSumTree.Node[](3);
        proof[0].sum = 5;
        proof[1].sum = type(uint256).max - 10;
        proof[2].sum = 1;
        // Level 0: 5 + 5; level 1: 10 + (max − 10) = max; level 2: max + 1 overflows.
        vm.expectRevert(
            abi.encodeWithSelector(PositionSumTree.PositionSumTreeSumOverflow.selector, 2, type(uint256).max, 1)
        );
        harness.computeRoot(bytes32(0), 5, 6, proof);
        proof[2].sum = 0;
        (, uint256 rootSum, uint256 prefixSum) = harness.computeRoot(bytes32(0), 5, 6, proof);
        assertEq(rootSum, type(uint256).max, "a sum of exactly 2^256 - 1 is accepted");
        assertEq(prefixSum, type(uint256).max - 10, "index 6: the siblings at levels 1 and 2 are on the left");
    }

    function test_depthOf_isTheLeastDepthWhoseWidthHoldsTheLength() public view {
        uint256[10] memory lengths = [uint256(0), 1, 2, 3, 4, 5, 65_536, 65_537, 1_000_000, 1 << 255];
        uint256[10] memory depths = [uint256(0), 0, 1, 2, 2, 3, 16, 17, 20, 255];
        for (uint256 j; j < lengths.length; ++j) {
            assertEq(harness.depthOf(lengths[j]), depths[j], "depthOf");
        }
        assertEq(harness.depthOf((1 << 255) + 1), 256, "depthOf(2^255 + 1)");
        assertEq(harness.depthOf(type(uint256).max), 256, "depthOf(max)");
    }

    function testFuzz_depthOf_matchesThePlainLoop(uint256 length) public view {
        length = bound(length, 0, 1 << 255);
        assertEq(harness.depthOf(length), PositionSumTreeBuilder.depthOf(length), "depthOf");
    }

    function testFuzz_hashNode_equalsAbiEncode(bytes32 lHash, uint256 lSum, bytes32 rHash, uint256 rSum) public view {
        assertEq(harness.hashNode(lHash, lSum, rHash, rSum), keccak256(abi.encode(lHash, lSum, rHash, rSum)), "hash");
    }

    function _slice(PositionSumTree.Node[] memory nodes, uint256 from, uint256 to)
        internal
        pure
        returns (PositionSumTree.Node[] memory out)
    {
        out = new PositionSumTree.Node[](to - from);
        for (uint256 i = from; i < to; ++i) {
            out[i - from] = nodes[i];
        }
    }
}
