// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {RewardLeaf} from "../interfaces/IRewardDistributor.sol";

/// @notice A viewer's ticket, signed by the pool's ticket signer: one viewer, one stream, one viewing window.
struct ViewerTicket {
    bytes32 poolId;
    bytes32 streamId;
    address viewer;
    uint64 notBefore;
    uint64 notAfter;
    uint64 maxBytes;
}

/// @notice A viewer's receipt for one delivered chunk, signed by the ticket's viewer.
struct ChunkReceipt {
    bytes32 poolId;
    bytes32 ticketHash;
    address relay;
    uint64 segment;
    uint32 chunk;
    bytes32 chunkHash;
    uint32 size;
    uint64 deliveredAt;
}

/// @title MeshpayHashing
/// @notice EIP-712 struct hashes and the reward-tree leaf, shared by the contract, its tests and (through
/// test/vectors) the TypeScript protocol library, so the two can never drift apart.
library MeshpayHashing {
    bytes32 internal constant VIEWER_TICKET_TYPEHASH = keccak256(
        "ViewerTicket(bytes32 poolId,bytes32 streamId,address viewer,uint64 notBefore,uint64 notAfter,uint64 maxBytes)"
    );
    bytes32 internal constant CHUNK_RECEIPT_TYPEHASH = keccak256(
        "ChunkReceipt(bytes32 poolId,bytes32 ticketHash,address relay,uint64 segment,uint32 chunk,bytes32 chunkHash,uint32 size,uint64 deliveredAt)"
    );
    bytes32 internal constant CLAIM_AUTHORIZATION_TYPEHASH = keccak256(
        "ClaimAuthorization(bytes32 poolId,address account,address recipient,uint256 maxFee,uint256 nonce,uint64 deadline)"
    );

    /// @dev The ticket's EIP-712 struct hash, which receipts carry as `ticketHash`.
    function hashTicket(ViewerTicket memory t) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(VIEWER_TICKET_TYPEHASH, t.poolId, t.streamId, t.viewer, t.notBefore, t.notAfter, t.maxBytes)
        );
    }

    /// @dev The receipt's EIP-712 struct hash; the receiptId is its typed-data digest.
    function hashReceipt(ChunkReceipt memory r) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                CHUNK_RECEIPT_TYPEHASH,
                r.poolId,
                r.ticketHash,
                r.relay,
                r.segment,
                r.chunk,
                r.chunkHash,
                r.size,
                r.deliveredAt
            )
        );
    }

    /// @dev The ClaimAuthorization struct hash, built in scratch memory: it is on the relayed-claim hot path.
    function hashClaimAuthorization(
        bytes32 poolId,
        address account,
        address recipient,
        uint256 maxFee,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32 h) {
        bytes32 typeHash = CLAIM_AUTHORIZATION_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, typeHash)
            mstore(add(m, 0x20), poolId)
            mstore(add(m, 0x40), and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x60), and(recipient, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x80), maxFee)
            mstore(add(m, 0xa0), nonce)
            mstore(add(m, 0xc0), and(deadline, 0xffffffffffffffff))
            h := keccak256(m, 0xe0)
        }
    }

    /// @dev OpenZeppelin StandardMerkleTree leaf: keccak256(bytes.concat(keccak256(abi.encode(fields)))).
    /// The calldata struct is ABI-encoded exactly as `abi.encode` of its six static fields, so it is hashed in place.
    function leafHash(RewardLeaf calldata leaf) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            // RewardLeaf's fields are in leaf-encoding order; a dirty address word only yields a wrong leaf.
            let m := mload(0x40)
            calldatacopy(m, leaf, 0xc0)
            mstore(0x00, keccak256(m, 0xc0))
            h := keccak256(0x00, 0x20)
        }
    }

    /// @dev The same leaf from memory values, for views and tests.
    function leafHashOf(
        address account,
        bytes32 poolId,
        uint256 cumulativeAmount,
        uint256 epochBytes,
        uint256 epochAmount,
        bytes32 receiptsRoot
    ) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(abi.encode(account, poolId, cumulativeAmount, epochBytes, epochAmount, receiptsRoot))
            )
        );
    }
}
