// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    CumulativeProof,
    EpochDataV2,
    IFraudProofSource,
    IFraudProver,
    MaxBytesProof,
    TicketLeaf,
    SumPath
} from "../../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../CommitmentHashing.sol";
import {MeshpayHashing} from "../MeshpayHashing.sol";
import {FraudVerifierBase, IFraudVerifier} from "./FraudVerifierBase.sol";

/// @title FraudHistoryVerifier
/// @notice Fault kinds about what carries from epoch to epoch: 5 cumulative, 7 maxBytes (docs/fraud-proofs.md; each
/// proof struct's NatSpec in IFraudProver.sol gives its checks).
contract FraudHistoryVerifier is FraudVerifierBase {
    /// @inheritdoc IFraudVerifier
    function verifyFault(
        IFraudProofSource source,
        uint256 epoch,
        bytes32 root,
        bytes27 dataHash,
        uint8 kind,
        bytes calldata proof
    )
        external
        view
        override
    {
        uint256 offset = _structOffset(proof, kind);
        if (kind == KIND_CUMULATIVE) {
            CumulativeProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _cumulative(source, epoch, root, dataHash, p);
        } else if (kind == KIND_MAX_BYTES) {
            MaxBytesProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _maxBytes(source, epoch, root, dataHash, p);
        } else {
            revert IFraudProver.FraudProofUnknownKind(kind);
        }
    }

    /// @dev The previous epoch's claim root and dataHash (epoch 0 has none).
    function _previous(IFraudProofSource source, uint256 epoch, uint8 kind) internal view returns (bytes32 root, bytes27 dataHash) {
        _require(epoch != 0, kind, OTHER_EPOCH);
        return _reference(source, epoch - 1);
    }

    function _cumulative(IFraudProofSource source, uint256 epoch, bytes32 root, bytes27 dataHash, CumulativeProof calldata p) internal view {
        uint8 kind = KIND_CUMULATIVE;
        uint8 mode = p.mode;
        if (mode == 0) {
            _claim(root, p.current, kind);
            (bytes32 previousRoot,) = _previous(source, epoch, kind);
            _claim(previousRoot, p.previous, kind);
            _require(
                p.current.leaf.account == p.previous.leaf.account && p.current.leaf.poolId == p.previous.leaf.poolId,
                kind,
                KEY_MISMATCH
            );
            _fault(p.current.commitment.prevCumulative != p.previous.leaf.cumulativeAmount, kind);
        } else if (mode == 1) {
            _claim(root, p.current, kind);
            uint256 prev = p.current.commitment.prevCumulative;
            uint256 amount = p.current.commitment.epochAmount;
            uint256 bonus = p.current.commitment.bonusAmount;
            bool fault;
            unchecked {
                uint256 sum = prev + amount;
                uint256 total = sum + bonus;
                fault = sum < prev || total < sum || total != p.current.leaf.cumulativeAmount;
            }
            _fault(fault, kind);
        } else if (mode == 2) {
            (bytes32 previousRoot,) = _previous(source, epoch, kind);
            _claim(previousRoot, p.previous, kind);
            _data(epoch, dataHash, p.data);
            _accountAbsent(p.data, p.previous.leaf.poolId, p.previous.leaf.account, p.absence, kind);
            _fault(true, kind);
        } else if (mode == 3) {
            _claim(root, p.current, kind);
            _require(p.current.commitment.prevCumulative != 0, kind, NO_FAULT);
            (, bytes27 previousDataHash) = _previous(source, epoch, kind);
            _data(epoch - 1, previousDataHash, p.previousData);
            _accountAbsent(p.previousData, p.current.leaf.poolId, p.current.leaf.account, p.absence, kind);
            _fault(true, kind);
        } else if (mode == 4) {
            _claim(root, p.current, kind);
            _data(epoch, dataHash, p.data);
            _accountAbsent(p.data, p.current.leaf.poolId, p.current.leaf.account, p.absence, kind);
            _fault(true, kind);
        } else if (mode == 5) {
            _claim(root, p.current, kind);
            _data(epoch, dataHash, p.data);
            _require(p.pool.poolId == p.current.leaf.poolId, kind, KEY_MISMATCH);
            _pool(p.data, p.pool, p.poolPath, kind);
            (bool member,) = _member(
                p.pool.leavesRoot, p.pool.leafCount, CommitmentHashing.poolAccountLeaf(p.poolAccount), p.poolAccountPath
            );
            _require(member, kind, ACCOUNT_NOT_IN_TREE);
            _require(p.poolAccount.account == p.current.leaf.account, kind, KEY_MISMATCH);
            _fault(
                p.poolAccount.cumulativeAmount != p.current.leaf.cumulativeAmount
                    || p.poolAccount.epochCommitment != p.current.leaf.epochCommitment,
                kind
            );
        } else {
            revert IFraudProver.FraudProofInvalid(kind, BAD_MODE);
        }
    }

    /// @dev `t` is at `path` in `d`'s tickets tree.
    function _ticket(EpochDataV2 calldata d, TicketLeaf calldata t, SumPath calldata path, uint8 kind)
        internal
        pure
    {
        (bool member,) = _member(d.ticketsRoot, d.ticketsCount, CommitmentHashing.ticketLeaf(t), path);
        _require(member, kind, TICKET_NOT_IN_TREE);
    }

    /// @dev `otherData` opens `otherEpoch`'s post, which must be posted.
    function _otherData(IFraudProofSource source, uint256 otherEpoch, EpochDataV2 calldata otherData) internal view {
        (, bytes27 otherHash) = _reference(source, otherEpoch);
        _data(otherEpoch, otherHash, otherData);
    }

    function _maxBytes(IFraudProofSource source, uint256 epoch, bytes32 root, bytes27 dataHash, MaxBytesProof calldata p) internal view {
        uint8 kind = KIND_MAX_BYTES;
        uint8 mode = p.mode;
        _data(epoch, dataHash, p.data);
        if (mode >= 6) {
            _maxBytesCredited(root, p);
            return;
        }
        _ticket(p.data, p.ticket, p.ticketPath, kind);
        uint256 prevEpoch = p.ticket.prevEpoch;
        if (mode == 0) {
            _require(MeshpayHashing.hashTicket(p.viewerTicket) == p.ticket.ticketHash, kind, TICKET_MISMATCH);
            bool fault;
            unchecked {
                uint256 total = p.ticket.bytesBefore + p.ticket.bytesIn;
                fault = total < p.ticket.bytesBefore || total > p.viewerTicket.maxBytes;
            }
            _fault(fault, kind);
        } else if (mode == 1) {
            if (prevEpoch > epoch) return;
            if (prevEpoch == epoch) {
                _fault(p.ticket.bytesBefore != 0, kind);
                return;
            }
            _require(p.otherEpoch == prevEpoch, kind, OTHER_EPOCH);
            _otherData(source, prevEpoch, p.otherData);
            _ticket(p.otherData, p.otherTicket, p.otherTicketPath, kind);
            _require(p.otherTicket.ticketHash == p.ticket.ticketHash, kind, KEY_MISMATCH);
            bool fault;
            unchecked {
                uint256 before = p.otherTicket.bytesBefore + p.otherTicket.bytesIn;
                fault = before < p.otherTicket.bytesBefore || before != p.ticket.bytesBefore;
            }
            _fault(fault, kind);
        } else if (mode == 2) {
            _require(prevEpoch < epoch && p.otherEpoch == prevEpoch, kind, OTHER_EPOCH);
            _otherData(source, prevEpoch, p.otherData);
            _ticketAbsent(p.otherData, p.ticket.ticketHash, p.ticketAbsence, kind);
            _fault(true, kind);
        } else if (mode == 3) {
            uint256 other = p.otherEpoch;
            _require(
                prevEpoch <= epoch && other < epoch && (prevEpoch == epoch || other > prevEpoch), kind, OTHER_EPOCH
            );
            _otherData(source, other, p.otherData);
            _ticket(p.otherData, p.otherTicket, p.otherTicketPath, kind);
            _require(p.otherTicket.ticketHash == p.ticket.ticketHash, kind, KEY_MISMATCH);
            _fault(true, kind);
        } else if (mode == 4) {
            (bool folds, uint256 rootSum, bool strict) = _fold(
                p.ticket.receiptsOfTicketRoot,
                p.ticket.count,
                CommitmentHashing.ticketReceiptLeaf(p.receipt),
                p.receiptPath
            );
            // A ticket-receipt leaf is 128 bytes: the inner node over two padding slots is the leaf (0, 0, 0, 0) of
            // value 0, so only a leaf naming a receipt (receiptId ≠ 0) shows a wrong count by its path.
            _require(folds && (strict || p.receipt.receiptId != 0), kind, TICKET_RECEIPT_NOT_IN_TREE);
            _fault(!strict || rootSum != p.ticket.bytesIn, kind);
        } else {
            // mode 5
            _fault(_openingFault(p.ticket.receiptsOfTicketRoot, p.ticket.count, p.ticket.bytesIn, p.opening, false, kind), kind);
        }
    }

    /// @dev Modes 6-8: a receipt credited to a relay that its ticket's accounting does not hold.
    function _maxBytesCredited(bytes32 root, MaxBytesProof calldata p) internal pure {
        uint8 kind = KIND_MAX_BYTES;
        _receipt(root, p.credited, kind);
        bytes32 ticketHash = p.credited.node.ticketHash;
        if (p.mode == 6) {
            _ticketAbsent(p.data, ticketHash, p.ticketAbsence, kind);
            _fault(true, kind);
            return;
        }
        _ticket(p.data, p.ticket, p.ticketPath, kind);
        _require(p.ticket.ticketHash == ticketHash, kind, KEY_MISMATCH);
        uint256 key = _chunkKey(p.credited.node.segment, p.credited.node.chunk);
        if (p.mode == 7) {
            _ticketReceiptAbsent(p.ticket.receiptsOfTicketRoot, p.ticket.count, key, p.receiptAbsence, kind);
            _fault(true, kind);
        } else if (p.mode == 8) {
            (bool member,) = _member(
                p.ticket.receiptsOfTicketRoot,
                p.ticket.count,
                CommitmentHashing.ticketReceiptLeaf(p.receipt),
                p.receiptPath
            );
            _require(member, kind, TICKET_RECEIPT_NOT_IN_TREE);
            _require(_chunkKey(p.receipt.segment, p.receipt.chunk) == key, kind, KEY_MISMATCH);
            _fault(
                p.receipt.relay != p.credited.claim.leaf.account || p.receipt.receiptId != p.credited.node.receiptId
                    || p.receiptPath.value != p.credited.node.size,
                kind
            );
        } else {
            revert IFraudProver.FraudProofInvalid(kind, BAD_MODE);
        }
    }
}
