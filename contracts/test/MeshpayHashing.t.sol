// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Assertions, TestLeaves} from "./DistributorTestHarness.sol";
import {MerkleHarness} from "./MerkleHarness.sol";
import {RewardLeaf} from "../interfaces/RewardDistributorTypes.sol";
import {MeshpayHashing} from "../libraries/MeshpayHashing.sol";

/// @notice MeshpayHashing's assembly (leafHash over calldata, hashClaimAuthorization in scratch memory) against the
/// plain abi.encode definitions.
contract MeshpayHashingTest is Assertions {
    MerkleHarness internal harness;

    function setUp() public {
        harness = new MerkleHarness();
    }

    function testFuzz_leafHash_equalsAbiEncodeDoubleHash(
        address account,
        bytes32 poolId,
        uint256 cumulativeAmount,
        uint256 epochBytes,
        uint256 epochAmount,
        bytes32 receiptsRoot
    ) public view {
        RewardLeaf memory leaf = RewardLeaf(account, poolId, cumulativeAmount, epochBytes, epochAmount, receiptsRoot);
        bytes32 expected =
            MeshpayHashing.leafHashOf(account, poolId, cumulativeAmount, epochBytes, epochAmount, receiptsRoot);
        assertEq(harness.leafHash(leaf), expected, "leafHash(calldata) != leafHashOf");
        assertEq(TestLeaves.hash(leaf), expected, "leafHashOf != keccak256(bytes.concat(keccak256(abi.encode(...))))");
    }

    function testFuzz_leafHash_ignoresMemoryContents(RewardLeaf calldata leaf, uint256 junk) public view {
        junk = bound(junk, 0, 2048);
        (bytes32 first, bytes32 second, bytes32 marker) = harness.leafHashWithDirtyMemory(leaf, junk);
        bytes32 expected = TestLeaves.hash(leaf);
        assertEq(first, expected, "leafHash over dirty memory");
        assertEq(second, expected, "leafHash after an allocation");
        assertEq(marker, keccak256("kept"), "leafHash overwrote allocated memory");
    }

    /// @dev The TypeScript vector (test/vectors/rewards.json, leaves[0]) hashes the same here.
    function test_leafHash_matchesTypeScriptVector() public view {
        RewardLeaf memory leaf = RewardLeaf({
            account: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
            poolId: 0x9a808e1dc266e8aa098bbbaeeb1f0cbea17744b5f3ea9e5624bb738648d99fd2,
            cumulativeAmount: 4097152005000,
            epochBytes: 2048576,
            epochAmount: 4097152000000,
            receiptsRoot: 0xe52367603ea9896bec95711654322a6ec5a89c79afbf9434f241343f2f2ed3b8
        });
        assertEq(harness.leafHash(leaf), 0xc982d002150037c9442dbe456ee9797ddd3341053d9e4f73890b1d905c593d09, "vector");
    }

    function testFuzz_hashClaimAuthorization_equalsAbiEncode(
        bytes32 poolId,
        address account,
        address recipient,
        uint256 maxFee,
        uint256 nonce,
        uint64 deadline
    ) public view {
        bytes32 expected = keccak256(
            abi.encode(MeshpayHashing.CLAIM_AUTHORIZATION_TYPEHASH, poolId, account, recipient, maxFee, nonce, deadline)
        );
        assertEq(
            harness.hashClaimAuthorization(poolId, account, recipient, maxFee, nonce, deadline),
            expected,
            "hashClaimAuthorization"
        );
    }
}
