// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {RewardLeaf} from "./interfaces/IRewardDistributor.sol";
import {MeshpayHashing, ViewerTicket, ChunkReceipt} from "./libraries/MeshpayHashing.sol";

/// @title MeshpayHasher
/// @notice The contract's own hashing exposed for off-chain tools and test vectors: the same library code the
/// RewardDistributor runs, kept out of it so the distributor stays under the contract size limit.
/// @dev Digests take the distributor's `domainSeparator()`.
contract MeshpayHasher {
    function viewerTicketTypehash() external pure returns (bytes32) {
        return MeshpayHashing.VIEWER_TICKET_TYPEHASH;
    }

    function chunkReceiptTypehash() external pure returns (bytes32) {
        return MeshpayHashing.CHUNK_RECEIPT_TYPEHASH;
    }

    function claimAuthorizationTypehash() external pure returns (bytes32) {
        return MeshpayHashing.CLAIM_AUTHORIZATION_TYPEHASH;
    }

    /// @notice The ViewerTicket struct hash, which receipts carry as `ticketHash`.
    function hashTicket(ViewerTicket calldata ticket) external pure returns (bytes32) {
        return MeshpayHashing.hashTicket(ticket);
    }

    /// @notice The ViewerTicket EIP-712 digest the ticket signer signs.
    function ticketDigest(bytes32 domainSeparator, ViewerTicket calldata ticket) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator, MeshpayHashing.hashTicket(ticket));
    }

    /// @notice The ChunkReceipt struct hash.
    function hashReceipt(ChunkReceipt calldata receipt) external pure returns (bytes32) {
        return MeshpayHashing.hashReceipt(receipt);
    }

    /// @notice The receipt's EIP-712 digest, which is its receiptId.
    function receiptId(bytes32 domainSeparator, ChunkReceipt calldata receipt) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(domainSeparator, MeshpayHashing.hashReceipt(receipt));
    }

    /// @notice The EIP-712 digest a relay operator signs to authorize a relayed claim.
    function claimAuthorizationDigest(
        bytes32 domainSeparator,
        bytes32 poolId,
        address account,
        address recipient,
        uint256 maxFee,
        uint256 nonce,
        uint64 deadline
    ) external pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(
            domainSeparator,
            MeshpayHashing.hashClaimAuthorization(poolId, account, recipient, maxFee, nonce, deadline)
        );
    }

    /// @notice The reward-tree leaf hash, exactly as claims compute it.
    function leafHash(RewardLeaf calldata leaf) external pure returns (bytes32) {
        return MeshpayHashing.leafHash(leaf);
    }
}
