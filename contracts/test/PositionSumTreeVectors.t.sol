// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Assertions, vm} from "./DistributorTestHarness.sol";
import {PositionSumTreeHarness} from "./PositionSumTreeHarness.sol";
import {PositionSumTreeProofVector, PositionSumTreeVectors} from "./PositionSumTreeVectors.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice The shared vectors (test/vectors/positionSumTree.json, written independently with viem by
/// scripts/vectors/generatePositionSumTreeVectors.ts; the TypeScript library checks the same file): every proof
/// folds to its tree's root, sum and prefix sum; verify accepts the leaves and refuses the padding slots.
contract PositionSumTreeVectorsTest is Assertions {
    PositionSumTreeHarness internal harness;

    function setUp() public {
        harness = new PositionSumTreeHarness();
    }

    function test_computeRoot_reproducesEveryVectorProof() public view {
        PositionSumTreeProofVector[] memory vectors = PositionSumTreeVectors.proofs();
        assertEq(vectors.length, 63, "vector count");
        for (uint256 j; j < vectors.length; ++j) {
            PositionSumTreeProofVector memory v = vectors[j];
            string memory at = string.concat("vector ", Strings.toString(j));
            (bytes32 rootHash, uint256 rootSum, uint256 prefixSum) =
                harness.computeRoot(v.leafHash, v.value, v.index, v.proof);
            assertEq(rootHash, v.rootHash, string.concat(at, " root hash"));
            assertEq(rootSum, v.rootSum, string.concat(at, " root sum"));
            assertEq(prefixSum, v.prefixSum, string.concat(at, " prefix sum"));
        }
    }

    function test_verify_acceptsEveryVectorLeafAndRefusesEveryPaddingSlot() public {
        PositionSumTreeProofVector[] memory vectors = PositionSumTreeVectors.proofs();
        uint256 padding;
        for (uint256 j; j < vectors.length; ++j) {
            PositionSumTreeProofVector memory v = vectors[j];
            if (v.index >= v.length) {
                ++padding;
                vm.expectRevert(
                    abi.encodeWithSelector(PositionSumTree.PositionSumTreeIndexOutOfRange.selector, v.index, v.length)
                );
                harness.verify(v.rootHash, v.length, v.leafHash, v.value, v.index, v.proof);
                continue;
            }
            (uint256 rootSum, uint256 prefixSum) =
                harness.verify(v.rootHash, v.length, v.leafHash, v.value, v.index, v.proof);
            assertEq(rootSum, v.rootSum, string.concat("vector ", Strings.toString(j), " root sum"));
            assertEq(prefixSum, v.prefixSum, string.concat("vector ", Strings.toString(j), " prefix sum"));
        }
        assertEq(padding, 1 + 3 + 15 + 1, "padding slots in the vectors (3, 5, 17 and 3 leaves)");
    }
}
