// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

import {RewardLeaf} from "../interfaces/RewardDistributorTypes.sol";
import {MeshpayHashing} from "../libraries/MeshpayHashing.sol";
import {SortedMerkleProof} from "../libraries/SortedMerkleProof.sol";

/// @notice Exposes the calldata-only library functions (SortedMerkleProof, MeshpayHashing.leafHash) through
/// external calls, next to the references they must match.
contract MerkleHarness {
    function processProof(bytes32[] calldata proof, bytes32 leaf) external pure returns (bytes32) {
        return SortedMerkleProof.processProof(proof, leaf);
    }

    function processProofOpenZeppelin(bytes32[] calldata proof, bytes32 leaf) external pure returns (bytes32) {
        return MerkleProof.processProofCalldata(proof, leaf);
    }

    function leafHash(RewardLeaf calldata leaf) external pure returns (bytes32) {
        return MeshpayHashing.leafHash(leaf);
    }

    /// @dev leafHash run with `junk` bytes of dirty memory past the free pointer and again after an allocation:
    /// the assembly must not depend on (or break) what memory holds.
    function leafHashWithDirtyMemory(RewardLeaf calldata leaf, uint256 junk)
        external
        pure
        returns (bytes32 first, bytes32 second, bytes32 marker)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            for { let i := 0 } lt(i, junk) { i := add(i, 0x20) } { mstore(add(m, i), not(i)) }
        }
        first = MeshpayHashing.leafHash(leaf);
        bytes32[] memory kept = new bytes32[](1);
        kept[0] = keccak256("kept");
        second = MeshpayHashing.leafHash(leaf);
        marker = kept[0];
    }

    function hashClaimAuthorization(
        bytes32 poolId,
        address account,
        address recipient,
        uint256 maxFee,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return MeshpayHashing.hashClaimAuthorization(poolId, account, recipient, maxFee, nonce, deadline);
    }
}
