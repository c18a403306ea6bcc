// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Assertions, MerkleTreeBuilder} from "./DistributorTestHarness.sol";
import {MerkleHarness} from "./MerkleHarness.sol";

/// @notice SortedMerkleProof.processProof (assembly, four levels per loop) must return exactly what OpenZeppelin's
/// MerkleProof.processProofCalldata returns, for any leaf and any proof; lengths 0..40 cover every remainder of the
/// unrolled loop many times over.
contract SortedMerkleProofTest is Assertions {
    uint256 internal constant MAX_PROOF = 40;
    MerkleHarness internal harness;

    function setUp() public {
        harness = new MerkleHarness();
    }

    function _assertSame(bytes32[] memory proof, bytes32 leaf) internal view {
        assertEq(
            harness.processProof(proof, leaf),
            harness.processProofOpenZeppelin(proof, leaf),
            string.concat("processProof differs at length ", Strings.toString(proof.length))
        );
    }

    function testFuzz_processProof_matchesOpenZeppelin(bytes32 leaf, uint256 length, uint256 seed) public view {
        length = bound(length, 0, MAX_PROOF);
        bytes32[] memory proof = new bytes32[](length);
        for (uint256 i; i < length; ++i) {
            proof[i] = keccak256(abi.encode(seed, i));
        }
        _assertSame(proof, leaf);
    }

    /// @dev Proofs as the fuzzer makes them (its dictionary favours small and repeated words), cut to 40.
    function testFuzz_processProof_matchesOpenZeppelinOnFuzzedArrays(bytes32 leaf, bytes32[] memory proof) public view {
        if (proof.length > MAX_PROOF) {
            assembly ("memory-safe") {
                mstore(proof, 40)
            }
        }
        _assertSame(proof, leaf);
    }

    /// @dev Siblings equal to, just above or just below the running node, or at the extremes: the sort's edges.
    function testFuzz_processProof_matchesOpenZeppelinOnOrderingEdges(bytes32 leaf, uint256 length, uint256 seed)
        public
        view
    {
        length = bound(length, 0, MAX_PROOF);
        bytes32[] memory proof = new bytes32[](length);
        bytes32 node = leaf;
        for (uint256 i; i < length; ++i) {
            uint256 pick = uint256(keccak256(abi.encode(seed, i))) % 6;
            bytes32 sibling;
            if (pick == 0) sibling = node;
            else if (pick == 1) sibling = bytes32(uint256(node) == type(uint256).max ? 0 : uint256(node) + 1);
            else if (pick == 2) sibling = bytes32(uint256(node) == 0 ? type(uint256).max : uint256(node) - 1);
            else if (pick == 3) sibling = bytes32(0);
            else if (pick == 4) sibling = bytes32(type(uint256).max);
            else sibling = keccak256(abi.encode(seed, i, "random"));
            proof[i] = sibling;
            node = MerkleTreeBuilder.hashPair(node, sibling);
        }
        _assertSame(proof, leaf);
        assertEq(harness.processProof(proof, leaf), node, "processProof differs from a plain sorted-pair fold");
    }

    function test_processProof_matchesOpenZeppelinAtEveryLengthUpTo40() public view {
        for (uint256 length; length <= MAX_PROOF; ++length) {
            bytes32[] memory proof = new bytes32[](length);
            for (uint256 i; i < length; ++i) {
                proof[i] = keccak256(abi.encode(length, i));
            }
            _assertSame(proof, keccak256(abi.encode("leaf", length)));
        }
    }

    /// @dev Every leaf of trees of 1 to 33 leaves proves the tree's root.
    function test_processProof_provesEveryLeafOfSortedPairTrees() public view {
        for (uint256 n = 1; n <= 33; ++n) {
            bytes32[] memory leaves = new bytes32[](n);
            for (uint256 i; i < n; ++i) {
                leaves[i] = keccak256(abi.encode(n, i));
            }
            bytes32 root = MerkleTreeBuilder.rootOf(leaves);
            for (uint256 i; i < n; ++i) {
                (, bytes32[] memory proof) = MerkleTreeBuilder.build(leaves, i);
                assertEq(harness.processProof(proof, leaves[i]), root, "leaf does not prove the root");
            }
        }
    }

    /// @dev test/vectors/rewards.json (StandardMerkleTree via the TypeScript library): every proof gives its root.
    function test_processProof_matchesTypeScriptRewardTreeVector() public view {
        bytes32 root = 0x814a908a7ac1374aaba4366f5e78804c50c94931b4d404b297204d7924c20b66;
        bytes32[] memory proof = new bytes32[](3);
        proof[0] = 0x643c445a2fdd56ed4a29d748b8fa5e0889edeb805b5209fb6fe12ee18282f35a;
        proof[1] = 0xf02aab4e500cdd7f6a4a665e7e6794a492228993916896c429673879e4869b4e;
        proof[2] = 0x4d5fabd4a6d53e00a24e71be91777988e7f459258b39c1d06925f639696ddef1;
        assertEq(
            harness.processProof(proof, 0x06f024a4e77e62ad46e58fafbc7017ef6e7f0627d738bfa2c581e3695d4b1c6f),
            root,
            "vector leaf 1"
        );
        bytes32[] memory proof0 = new bytes32[](2);
        proof0[0] = 0xabc2d80c79e2852cb46c073ddfd8fcab80a19be99008607bb8c35b55dca2cc48;
        proof0[1] = 0xb0445493c01b7f4e27ee28e7bb5e673aae7d015c3b057f92470b367173c0afbc;
        assertEq(
            harness.processProof(proof0, 0xc982d002150037c9442dbe456ee9797ddd3341053d9e4f73890b1d905c593d09),
            root,
            "vector leaf 0"
        );
    }
}
