// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IFraudProofSource, IFraudProver} from "./interfaces/IFraudProver.sol";
import {ChallengeInfo, ChallengeStatus} from "./interfaces/RewardDistributorTypes.sol";
import {IFraudVerifier} from "./libraries/fraud/FraudVerifierBase.sol";

/// @title FraudProver
/// @notice One-transaction fraud proofs of issue 12 (docs/fraud-proofs.md). The checks of each kind live in three
/// stateless verifier contracts (contracts/libraries/fraud/: receipts 0-2, totals 3, 4, 6, history 5, 7), deployed
/// first and fixed here, because together they exceed one contract's 24,576 bytes. The distributor creates this
/// contract in its constructor (so `source` is the distributor, whoever deploys it); the verifiers are stateless and
/// are told the source on each call. This contract reads the judged post from the distributor, routes the proof, and
/// on success calls the distributor's `rejectProven`. No state, no upgrade, no funds.
contract FraudProver is IFraudProver {
    /// @inheritdoc IFraudProver
    IFraudProofSource public immutable source;
    /// @notice The verifier of kinds 0 badSignature, 1 badTicket, 2 duplicate.
    IFraudVerifier public immutable receiptVerifier;
    /// @notice The verifier of kinds 3 relayTotal, 4 amount, 6 poolTotal.
    IFraudVerifier public immutable totalsVerifier;
    /// @notice The verifier of kinds 5 cumulative, 7 maxBytes.
    IFraudVerifier public immutable historyVerifier;

    uint8 private constant _STATUS_PENDING = 1;
    uint8 private constant _STATUS_REVOCABLE = 2;

    /// @param source_ The distributor.
    /// @param receiptVerifier_ A FraudReceiptVerifier.
    /// @param totalsVerifier_ A FraudTotalsVerifier.
    /// @param historyVerifier_ A FraudHistoryVerifier.
    constructor(
        IFraudProofSource source_,
        IFraudVerifier receiptVerifier_,
        IFraudVerifier totalsVerifier_,
        IFraudVerifier historyVerifier_
    ) {
        source = source_;
        receiptVerifier = receiptVerifier_;
        totalsVerifier = totalsVerifier_;
        historyVerifier = historyVerifier_;
    }

    /// @inheritdoc IFraudProver
    function proveFault(uint256 epoch, uint8 kind, bytes calldata proof) external {
        uint256 postSeq = _check(epoch, kind, proof);
        source.rejectProven(epoch, postSeq, msg.sender);
        emit FaultProven(epoch, postSeq, kind, msg.sender);
    }

    /// @inheritdoc IFraudProver
    function proveChallenge(uint256 challengeId, uint8 kind, bytes calldata proof) external {
        ChallengeInfo memory c = source.challengeInfo(challengeId);
        if (c.status != ChallengeStatus.Open) revert FraudProofChallengeNotOpen(challengeId);
        bytes32 computed = _evidenceHash(c.challenger, kind, proof);
        if (computed != c.evidenceHash) revert FraudProofEvidenceMismatch(challengeId, c.evidenceHash, computed);
        uint256 postSeq = _check(c.epoch, kind, proof);
        if (postSeq != c.postSeq) revert FraudProofChallengeStale(challengeId, c.postSeq, postSeq);
        source.rejectProven(c.epoch, postSeq, c.challenger);
        emit FaultProven(c.epoch, postSeq, kind, c.challenger);
        emit ChallengeProven(challengeId, c.challenger);
    }

    /// @inheritdoc IFraudProver
    function evidenceHashOf(address challenger, uint8 kind, bytes calldata proof) external pure returns (bytes32) {
        return _evidenceHash(challenger, kind, proof);
    }

    /// @inheritdoc IFraudProver
    function checkFault(uint256 epoch, uint8 kind, bytes calldata proof) external view returns (uint256 postSeq) {
        return _check(epoch, kind, proof);
    }

    function _evidenceHash(address challenger, uint8 kind, bytes calldata proof) private pure returns (bytes32) {
        return keccak256(abi.encode(challenger, kind, keccak256(proof)));
    }

    /// @dev Reverts unless `proof` proves the current post of `epoch` faulty and that post is actionable; returns its
    /// postSeq.
    function _check(uint256 epoch, uint8 kind, bytes calldata proof) private view returns (uint256 postSeq) {
        IFraudVerifier verifier;
        if (kind <= 2) verifier = receiptVerifier;
        else if (kind == 3 || kind == 4 || kind == 6) verifier = totalsVerifier;
        else if (kind == 5 || kind == 7) verifier = historyVerifier;
        else revert FraudProofUnknownKind(kind);
        (bytes32 root, bytes27 dataHash, uint256 seq, uint8 status) = source.fraudProofPost(epoch);
        if (status != _STATUS_PENDING && status != _STATUS_REVOCABLE) revert FraudProofEpochNotActionable(epoch, status);
        verifier.verifyFault(source, epoch, root, dataHash, kind, proof);
        return seq;
    }
}
