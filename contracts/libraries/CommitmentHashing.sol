// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    ClaimLeafV2,
    EpochCommitmentV2,
    EpochDataV2,
    PoolAccountLeaf,
    PoolLeaf,
    PostedPoolTotal,
    ReceiptNode,
    TicketLeaf,
    TicketReceiptLeaf
} from "../interfaces/IFraudProver.sol";

/// @title CommitmentHashing
/// @notice The hashes of the version-2 commitments of docs/fraud-proofs.md ("New commitments"): every one is
/// `keccak256(abi.encode(fields in declaration order))`, the claim leaf in OpenZeppelin StandardMerkleTree form
/// (hashed twice), the stored dataHash the first 27 bytes of the EpochDataV2 hash. The TypeScript twin is in
/// src/protocol (branch h-lib); shared vectors (test/vectors/commitments.json) are checked by
/// contracts/test/FraudCommitmentVectors.t.sol.
library CommitmentHashing {
    /// @notice `keccak256(abi.encode(epochBytes, baseAmount, epochAmount, bonusAmount, receiptsRoot, receiptCount,
    /// prevCumulative))`.
    function epochCommitment(EpochCommitmentV2 calldata c) internal pure returns (bytes32 h) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, c, 0xe0)
            h := keccak256(m, 0xe0)
        }
    }

    /// @notice The same hash from memory (tests, views).
    function epochCommitmentOf(EpochCommitmentV2 memory c) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                c.epochBytes,
                c.baseAmount,
                c.epochAmount,
                c.bonusAmount,
                c.receiptsRoot,
                c.receiptCount,
                c.prevCumulative
            )
        );
    }

    /// @notice The claim leaf v2: `keccak256(bytes.concat(keccak256(abi.encode(account, poolId, cumulativeAmount,
    /// epochCommitment))))`.
    function claimLeaf(address account, bytes32 poolId, uint256 cumulativeAmount, bytes32 commitment)
        internal
        pure
        returns (bytes32)
    {
        return keccak256(bytes.concat(keccak256(abi.encode(account, poolId, cumulativeAmount, commitment))));
    }

    /// @notice The claim leaf v2 of a leaf struct.
    function claimLeafOf(ClaimLeafV2 memory leaf) internal pure returns (bytes32) {
        return claimLeaf(leaf.account, leaf.poolId, leaf.cumulativeAmount, leaf.epochCommitment);
    }

    /// @notice The relay receipts tree's leaf hash: `keccak256(abi.encode(receiptId, ticketHash, segment, chunk,
    /// size, deliveredAt, signatureHash))` (value: size).
    function receiptNode(ReceiptNode memory n) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(n.receiptId, n.ticketHash, n.segment, n.chunk, n.size, n.deliveredAt, n.signatureHash)
        );
    }

    /// @notice The pools tree's leaf hash: `keccak256(abi.encode(poolId, total, uncappedTotal, scaleBalance,
    /// leavesRoot, leafCount))` (value: total).
    function poolLeaf(PoolLeaf memory p) internal pure returns (bytes32) {
        return keccak256(abi.encode(p.poolId, p.total, p.uncappedTotal, p.scaleBalance, p.leavesRoot, p.leafCount));
    }

    /// @notice A pool's leavesRoot leaf hash: `keccak256(abi.encode(account, cumulativeAmount, epochCommitment))`.
    function poolAccountLeaf(PoolAccountLeaf memory a) internal pure returns (bytes32) {
        return keccak256(abi.encode(a.account, a.cumulativeAmount, a.epochCommitment));
    }

    /// @notice A pool-account leaf's value: `baseAmount << 128 | (epochAmount + bonusAmount)`. `ok` is false when a
    /// half does not fit 128 bits (no honest leaf: pool balances are below 2^120).
    function poolAccountValue(uint256 baseAmount, uint256 epochAmount, uint256 bonusAmount)
        internal
        pure
        returns (bool ok, uint256 value)
    {
        if (baseAmount >> 128 != 0 || epochAmount >> 128 != 0 || bonusAmount >> 128 != 0) return (false, 0);
        uint256 low = epochAmount + bonusAmount;
        if (low >> 128 != 0) return (false, 0);
        return (true, baseAmount << 128 | low);
    }

    /// @notice The tickets tree's leaf hash: `keccak256(abi.encode(ticketHash, ticketSignatureHash, bytesBefore,
    /// bytesIn, receiptsOfTicketRoot, count, prevEpoch))` (value: bytesIn).
    function ticketLeaf(TicketLeaf memory t) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                t.ticketHash, t.ticketSignatureHash, t.bytesBefore, t.bytesIn, t.receiptsOfTicketRoot, t.count, t.prevEpoch
            )
        );
    }

    /// @notice A ticket's receiptsOfTicketRoot leaf hash: `keccak256(abi.encode(segment, chunk, relay, receiptId))`
    /// (value: the receipt's size).
    function ticketReceiptLeaf(TicketReceiptLeaf memory r) internal pure returns (bytes32) {
        return keccak256(abi.encode(r.segment, r.chunk, r.relay, r.receiptId));
    }

    /// @notice `poolTotalsHash = keccak256(abi.encode(posted))` over the posted entries (ascending by poolId).
    function poolTotalsHash(PostedPoolTotal[] memory posted) internal pure returns (bytes32) {
        return keccak256(abi.encode(posted));
    }

    /// @notice The full EpochDataV2 hash; the distributor stores its first 27 bytes (`dataHash`).
    function epochDataHash(EpochDataV2 memory d) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                d.aggregator, d.bundleHash, d.poolTotalsHash, d.poolsRoot, d.poolsCount, d.ticketsRoot, d.ticketsCount
            )
        );
    }

    /// @notice The stored form: the first 27 bytes of {epochDataHash}.
    function dataHash(EpochDataV2 memory d) internal pure returns (bytes27) {
        return bytes27(epochDataHash(d));
    }
}
