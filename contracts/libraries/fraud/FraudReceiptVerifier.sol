// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {
    BadSignatureProof,
    BadTicketProof,
    DuplicateProof,
    IFraudProofSource,
    IFraudProver,
    ReceiptMembership
} from "../../interfaces/IFraudProver.sol";
import {DistributorConfig} from "../../interfaces/RewardDistributorTypes.sol";
import {CommitmentHashing} from "../CommitmentHashing.sol";
import {ChunkReceipt, MeshpayHashing} from "../MeshpayHashing.sol";
import {FraudVerifierBase, IFraudVerifier} from "./FraudVerifierBase.sol";

/// @title FraudReceiptVerifier
/// @notice Fault kinds about one credited receipt: 0 badSignature, 1 badTicket, 2 duplicate
/// (docs/fraud-proofs.md; each proof struct's NatSpec in IFraudProver.sol gives its checks).
contract FraudReceiptVerifier is FraudVerifierBase {
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
        if (kind == KIND_BAD_SIGNATURE) {
            BadSignatureProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _badSignature(source, root, p);
        } else if (kind == KIND_BAD_TICKET) {
            BadTicketProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _badTicket(source, epoch, root, dataHash, p);
        } else if (kind == KIND_DUPLICATE) {
            DuplicateProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _duplicate(source, epoch, root, dataHash, p);
        } else {
            revert IFraudProver.FraudProofUnknownKind(kind);
        }
    }

    /// @dev The credited receipt, its signed form and id: `credited` in the epoch, `receiptId(receipt) =
    /// node.receiptId`, `ticketHash` of the ticket = `receipt.ticketHash`.
    function _signedReceipt(IFraudProofSource source, bytes32 root, ReceiptMembership calldata credited, ChunkReceipt calldata receipt, uint8 kind)
        internal
        view
    {
        _receipt(root, credited, kind);
        bytes32 receiptId = MessageHashUtils.toTypedDataHash(_domainSeparator(source), MeshpayHashing.hashReceipt(receipt));
        _require(receiptId == credited.node.receiptId, kind, RECEIPT_MISMATCH);
    }

    function _badSignature(IFraudProofSource source, bytes32 root, BadSignatureProof calldata p) internal view {
        uint8 kind = KIND_BAD_SIGNATURE;
        _signedReceipt(source, root, p.credited, p.receipt, kind);
        _require(keccak256(p.signature) == p.credited.node.signatureHash, kind, RECEIPT_MISMATCH);
        _require(MeshpayHashing.hashTicket(p.ticket) == p.receipt.ticketHash, kind, TICKET_MISMATCH);
        address signer = _recover(p.credited.node.receiptId, p.signature);
        bool fault = signer == address(0) || signer != p.ticket.viewer;
        // A node that differs from the receipt it names credits what nobody signed.
        fault = fault || p.credited.node.ticketHash != p.receipt.ticketHash
            || p.credited.node.segment != p.receipt.segment || p.credited.node.chunk != p.receipt.chunk
            || p.credited.node.size != p.receipt.size || p.credited.node.deliveredAt != p.receipt.deliveredAt;
        _fault(fault, kind);
    }

    function _badTicket(IFraudProofSource source, uint256 epoch, bytes32 root, bytes27 dataHash, BadTicketProof calldata p) internal view {
        uint8 kind = KIND_BAD_TICKET;
        _signedReceipt(source, root, p.credited, p.receipt, kind);
        _require(MeshpayHashing.hashTicket(p.ticket) == p.receipt.ticketHash, kind, TICKET_MISMATCH);
        _data(epoch, dataHash, p.data);
        _require(p.ticketLeaf.ticketHash == p.receipt.ticketHash, kind, KEY_MISMATCH);
        (bool member,) = _member(p.data.ticketsRoot, p.data.ticketsCount, CommitmentHashing.ticketLeaf(p.ticketLeaf), p.ticketPath);
        _require(member, kind, TICKET_NOT_IN_TREE);
        _require(keccak256(p.ticketSignature) == p.ticketLeaf.ticketSignatureHash, kind, RECEIPT_MISMATCH);
        _fault(_ticketFault(source, epoch, p), kind);
    }

    function _ticketFault(IFraudProofSource source, uint256 epoch, BadTicketProof calldata p) internal view returns (bool) {
        bytes32 poolId = p.credited.claim.leaf.poolId;
        if (p.receipt.poolId != poolId || p.ticket.poolId != poolId) return true;
        if (p.receipt.relay != p.credited.claim.leaf.account) return true;
        uint256 deliveredAt = p.receipt.deliveredAt;
        // Ticket windows and deliveredAt are both unix milliseconds (docs/protocol.md, "units").
        if (deliveredAt < p.ticket.notBefore || deliveredAt > p.ticket.notAfter) {
            return true;
        }
        DistributorConfig memory config = source.config();
        uint256 at = deliveredAt / 1000;
        if (at < config.genesisTime || (at - config.genesisTime) / config.epochSeconds != epoch) return true;
        bytes32 digest = MessageHashUtils.toTypedDataHash(_domainSeparator(source), p.receipt.ticketHash);
        address signer = _recover(digest, p.ticketSignature);
        return signer == address(0) || signer != source.ticketSignerAt(poolId, at);
    }

    function _duplicate(IFraudProofSource source, uint256 epoch, bytes32 root, bytes27 dataHash, DuplicateProof calldata p) internal view {
        uint8 kind = KIND_DUPLICATE;
        if (p.mode == 0) {
            _require(p.otherEpoch <= epoch, kind, OTHER_EPOCH);
            bytes32 otherRoot = root;
            if (p.otherEpoch != epoch) (otherRoot,) = _reference(source, p.otherEpoch);
            _receipt(root, p.first, kind);
            _receipt(otherRoot, p.second, kind);
            _require(
                p.first.node.ticketHash == p.second.node.ticketHash && p.first.node.segment == p.second.node.segment
                    && p.first.node.chunk == p.second.node.chunk,
                kind,
                KEY_MISMATCH
            );
            bool distinct = p.otherEpoch != epoch || p.first.path.index != p.second.path.index
                || _claimLeafHash(p.first) != _claimLeafHash(p.second);
            _fault(distinct, kind);
        } else if (p.mode == 1) {
            _data(epoch, dataHash, p.data);
            (bool member,) =
                _member(p.data.ticketsRoot, p.data.ticketsCount, CommitmentHashing.ticketLeaf(p.ticket), p.ticketPath);
            _require(member, kind, TICKET_NOT_IN_TREE);
            bytes32 r = p.ticket.receiptsOfTicketRoot;
            uint256 n = p.ticket.count;
            (member,) = _member(r, n, CommitmentHashing.ticketReceiptLeaf(p.firstInTicket), p.firstInTicketPath);
            _require(member, kind, TICKET_RECEIPT_NOT_IN_TREE);
            (member,) = _member(r, n, CommitmentHashing.ticketReceiptLeaf(p.secondInTicket), p.secondInTicketPath);
            _require(member, kind, TICKET_RECEIPT_NOT_IN_TREE);
            _require(p.firstInTicketPath.index < p.secondInTicketPath.index, kind, KEY_MISMATCH);
            _fault(
                _chunkKey(p.firstInTicket.segment, p.firstInTicket.chunk)
                    >= _chunkKey(p.secondInTicket.segment, p.secondInTicket.chunk),
                kind
            );
        } else {
            revert IFraudProver.FraudProofInvalid(kind, BAD_MODE);
        }
    }

    function _claimLeafHash(ReceiptMembership calldata r) internal pure returns (bytes32) {
        return CommitmentHashing.claimLeaf(
            r.claim.leaf.account, r.claim.leaf.poolId, r.claim.leaf.cumulativeAmount, r.claim.leaf.epochCommitment
        );
    }
}
