// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {vm} from "./DistributorTestHarness.sol";
import {FraudFixture} from "./FraudFixture.sol";
import {BadSignatureProof, IFraudProver, RelayTotalProof} from "../interfaces/IFraudProver.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";
import {CommitmentHashing} from "../libraries/CommitmentHashing.sol";
import {ChallengeInfo, ChallengeStatus} from "../interfaces/RewardDistributorTypes.sol";

/// @notice The FraudProver against epochs built in Solidity with real trees (FraudFixture): each fault kind rejects
/// a faulty epoch; each check refuses the same proof against the honest epoch; fuzzed honest epochs refuse every
/// proof, perturbed or not; proveChallenge pays the committed challenger whoever sends it.
contract FraudProverTest is FraudFixture {
    address internal constant CHALLENGER = address(0xC0FFEE);
    address internal constant COPIER = address(0xBAD);

    function setUp() public {
        _deployProver();
    }

    function _invalid(uint8 kind, uint8 reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IFraudProver.FraudProofInvalid.selector, kind, reason);
    }

    function _assertRejected(uint256 epoch, address paid) internal view {
        assertEq(source.rejectionCount(), 1, "one rejection");
        (uint256 e, uint256 seq, address p) = source.rejections(0);
        assertEq(e, epoch, "rejected epoch");
        assertEq(seq, POST_SEQ, "rejected post");
        assertEq(p, paid, "prover paid");
    }

    function _prove(World memory w, uint8 kind, bytes memory proof) internal {
        prover.proveFault(w.p.epoch, kind, proof);
        _assertRejected(w.p.epoch, address(this));
    }

    function _refused(World memory w, uint8 kind, bytes memory proof, bytes memory err) internal {
        vm.expectRevert(err);
        prover.proveFault(w.p.epoch, kind, proof);
    }

    // ---- badSignature (0) ----

    function test_proveFault_badSignature_rejectsEpoch() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        _prove(w, 0, _badSignatureProof(w, 0));
    }

    function test_proveFault_badSignature_revertsOnValidSignature() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 0, _badSignatureProof(w, 0), _invalid(0, 0));
    }

    function test_proveFault_badSignature_revertsOnSignatureNotTheCredited() public {
        World memory w = _world(_params(T_NONE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.signature = _sign(OTHER_KEY, w.nodes[0].receiptId);
        _refused(w, 0, abi.encode(p), _invalid(0, 5));
    }

    function test_proveFault_badSignature_revertsOnReceiptNotInTree() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.credited.path.index ^= 1;
        _refused(w, 0, abi.encode(p), _invalid(0, 4));
    }

    function test_proveFault_badSignature_revertsOnClaimNotInRoot() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.credited.claim.leaf.cumulativeAmount += 1;
        _refused(w, 0, abi.encode(p), _invalid(0, 2));
    }

    function test_proveFault_badSignature_revertsOnCommitmentPreimage() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.credited.claim.commitment.epochBytes += 1;
        _refused(w, 0, abi.encode(p), _invalid(0, 3));
    }

    function test_proveFault_badSignature_revertsOnAnotherReceipt() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.receipt.size += 1;
        _refused(w, 0, abi.encode(p), _invalid(0, 5));
    }

    function test_proveFault_badSignature_revertsOnAnotherTicket() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        BadSignatureProof memory p = abi.decode(_badSignatureProof(w, 0), (BadSignatureProof));
        p.ticket.viewer = vm.addr(OTHER_KEY);
        _refused(w, 0, abi.encode(p), _invalid(0, 6));
    }

    function test_proveFault_badSignature_revertsOnSettledEpoch() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        source.setPost(w.p.epoch, w.claimRoot, bytes27(0), POST_SEQ, 3);
        _refused(
            w,
            0,
            _badSignatureProof(w, 0),
            abi.encodeWithSelector(IFraudProver.FraudProofEpochNotActionable.selector, w.p.epoch, uint8(3))
        );
    }

    // ---- badTicket (1) ----

    function test_proveFault_badTicket_rejectsEpoch() public {
        World memory w = _world(_params(T_BAD_TICKET));
        _prove(w, 1, _badTicketProof(w, 1));
    }

    function test_proveFault_badTicket_rejectsEpochWhenSignerRotatedBeforeDelivery() public {
        World memory w = _world(_params(T_NONE));
        source.rotateSigner(POOL, vm.addr(OTHER_KEY), w.receipts[1].deliveredAt / 1000);
        _prove(w, 1, _badTicketProof(w, 1));
    }

    function test_proveFault_badTicket_revertsOnValidTicket() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 1, _badTicketProof(w, 1), _invalid(1, 0));
    }

    function test_proveFault_badTicket_revertsOnSignerRotatedAfterDelivery() public {
        World memory w = _world(_params(T_NONE));
        source.rotateSigner(POOL, vm.addr(OTHER_KEY), w.receipts[1].deliveredAt / 1000 + 1);
        _refused(w, 1, _badTicketProof(w, 1), _invalid(1, 0));
    }

    function test_proveFault_badTicket_revertsOnEpochDataMismatch() public {
        World memory w = _world(_params(T_BAD_TICKET));
        bytes27 stored = CommitmentHashing.dataHash(w.data);
        w.data.bundleHash = keccak256("another bundle");
        bytes27 given = CommitmentHashing.dataHash(w.data);
        _refused(
            w,
            1,
            _badTicketProof(w, 1),
            abi.encodeWithSelector(IFraudProver.FraudProofDataMismatch.selector, w.p.epoch, stored, given)
        );
    }

    // ---- duplicate (2) ----

    function test_proveFault_duplicate_rejectsEpoch() public {
        World memory w = _world(_params(T_DUPLICATE));
        _prove(w, 2, _duplicateProof(w, 2, 0));
    }

    function test_proveFault_duplicate_rejectsEpochByTicketTreeOrder() public {
        World memory w = _world(_params(T_DUPLICATE));
        _prove(w, 2, _duplicateOrderProof(w, 0, 1));
    }

    function test_proveFault_duplicate_revertsOnSameCredit() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 2, _duplicateProof(w, 0, 0), _invalid(2, 0));
    }

    function test_proveFault_duplicate_revertsOnDistinctKeys() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 2, _duplicateProof(w, 2, 0), _invalid(2, 12));
    }

    function test_proveFault_duplicate_revertsOnSortedTicketTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 2, _duplicateOrderProof(w, 0, 1), _invalid(2, 0));
    }

    // ---- relayTotal (3) ----

    function test_proveFault_relayTotal_rejectsEpoch() public {
        World memory w = _world(_params(T_RELAY_TOTAL));
        _prove(w, 3, _relayTotalProof(w, 0));
    }

    function test_proveFault_relayTotal_revertsOnMatchingTotal() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 3, _relayTotalProof(w, 0), _invalid(3, 0));
    }

    function test_proveFault_relayTotal_revertsOnShortPath() public {
        World memory w = _world(_params(T_NONE));
        RelayTotalProof memory p = abi.decode(_relayTotalProof(w, 0), (RelayTotalProof));
        p.path.siblings = new PositionSumTree.Node[](0);
        _refused(w, 3, abi.encode(p), _invalid(3, 4));
    }

    function test_proveFault_relayTotal_revertsOnUnknownMode() public {
        World memory w = _world(_params(T_RELAY_TOTAL));
        RelayTotalProof memory p = abi.decode(_relayTotalProof(w, 0), (RelayTotalProof));
        p.mode = 9;
        _refused(w, 3, abi.encode(p), _invalid(3, 1));
    }

    // ---- amount (4) ----

    function test_proveFault_amount_rejectsEpoch() public {
        World memory w = _world(_params(T_AMOUNT));
        _prove(w, 4, _amountProof(w, 0));
    }

    function test_proveFault_amount_revertsOnScaledHonestAmount() public {
        Params memory p = _params(T_NONE);
        p.scaleBalance = 1_000; // the pool cannot cover the epoch: amounts scaled down
        World memory w = _world(p);
        _refused(w, 4, _amountProof(w, 0), _invalid(4, 0));
        _refused(w, 4, _amountProof(w, 1), _invalid(4, 0));
    }

    function test_proveFault_amount_rejectsEpochWhoseLeafIgnoresThePriceInForce() public {
        World memory w = _world(_params(T_NONE));
        source.setPrice(POOL, w.p.epoch, w.p.price * 2);
        // The leaf followed the price in force; a changed checkpoint makes its amount provably wrong.
        _prove(w, 4, _amountProof(w, 0));
    }

    // ---- cumulative (5) ----

    function test_proveFault_cumulative_rejectsEpoch() public {
        World memory w = _world(_params(T_CUMULATIVE));
        _prove(w, 5, _cumulativeProof(w, 0));
    }

    function test_proveFault_cumulative_revertsOnConsistentLeaf() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 5, _cumulativeProof(w, 0), _invalid(5, 0));
    }

    function test_proveFault_cumulative_revertsOnLeafMatchingItsAccountingLeaf() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 5, _cumulativeAccountingProof(w, 0), _invalid(5, 0));
    }

    // ---- poolTotal (6) ----

    function test_proveFault_poolTotal_rejectsEpoch() public {
        World memory w = _world(_params(T_POOL_TOTAL));
        _prove(w, 6, _poolTotalProof(w, 1));
    }

    function test_proveFault_poolTotal_revertsOnMatchingTotals() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 6, _poolTotalProof(w, 1), _invalid(6, 0));
    }

    function test_proveFault_poolTotal_revertsOnPostedTotalsMatching() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 6, _poolTotalPostedProof(w), _invalid(6, 0));
    }

    // ---- maxBytes (7) ----

    function test_proveFault_maxBytes_rejectsEpoch() public {
        World memory w = _world(_params(T_MAX_BYTES));
        _prove(w, 7, _maxBytesProof(w));
    }

    function test_proveFault_maxBytes_revertsOnTicketWithinMaxBytes() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesProof(w), _invalid(7, 0));
    }

    function test_proveFault_maxBytes_revertsOnCreditedReceiptInItsTicketTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesCreditedProof(w, 3, _ticketPosition(w, 3)), _invalid(7, 0));
    }

    function test_proveFault_maxBytes_revertsOnTicketSumMatching() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesSumProof(w, 2), _invalid(7, 0));
    }

    // ---- entry points ----

    function test_proveFault_revertsOnUnknownKind() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        _refused(
            w, 8, _badSignatureProof(w, 0), abi.encodeWithSelector(IFraudProver.FraudProofUnknownKind.selector, 8)
        );
    }

    function test_proveFault_revertsOnNonCanonicalEncoding() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        bytes memory proof = _badSignatureProof(w, 0);
        proof[31] = 0x40;
        _refused(w, 0, proof, _invalid(0, 16));
    }

    /// @dev Front-running: a copier who sends the committed proof first pays the challenger who committed to it.
    function test_proveChallenge_paysCommittedChallengerWhoeverSendsIt() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        bytes memory proof = _badSignatureProof(w, 0);
        _openChallenge(w, 3, prover.evidenceHashOf(CHALLENGER, 0, proof));
        vm.prank(COPIER);
        prover.proveChallenge(3, 0, proof);
        _assertRejected(w.p.epoch, CHALLENGER);
    }

    function test_proveChallenge_revertsOnEvidenceOfAnotherProof() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        bytes memory proof = _badSignatureProof(w, 0);
        bytes32 committed = prover.evidenceHashOf(CHALLENGER, 0, proof);
        _openChallenge(w, 3, committed);
        bytes32 copierHash = prover.evidenceHashOf(CHALLENGER, 1, proof);
        vm.expectRevert(
            abi.encodeWithSelector(IFraudProver.FraudProofEvidenceMismatch.selector, 3, committed, copierHash)
        );
        prover.proveChallenge(3, 1, proof);
    }

    function test_proveChallenge_revertsOnChallengeOfAnEarlierPost() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        bytes memory proof = _badSignatureProof(w, 0);
        _openChallenge(w, 3, prover.evidenceHashOf(CHALLENGER, 0, proof));
        source.setPost(w.p.epoch, w.claimRoot, CommitmentHashing.dataHash(w.data), POST_SEQ + 1, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IFraudProver.FraudProofChallengeStale.selector, 3, POST_SEQ, POST_SEQ + 1)
        );
        prover.proveChallenge(3, 0, proof);
    }

    function test_proveChallenge_revertsOnClosedChallenge() public {
        World memory w = _world(_params(T_BAD_SIGNATURE));
        bytes memory proof = _badSignatureProof(w, 0);
        _openChallenge(w, 3, prover.evidenceHashOf(CHALLENGER, 0, proof));
        source.closeChallenge(3);
        vm.expectRevert(abi.encodeWithSelector(IFraudProver.FraudProofChallengeNotOpen.selector, 3));
        prover.proveChallenge(3, 0, proof);
    }

    function _openChallenge(World memory w, uint256 id, bytes32 evidenceHash) internal {
        source.setChallenge(
            id,
            ChallengeInfo({
                challenger: CHALLENGER,
                epoch: uint32(w.p.epoch),
                openedAt: uint40(block.timestamp),
                status: ChallengeStatus.Open,
                bond: 1 ether,
                evidenceHash: evidenceHash,
                postSeq: uint32(POST_SEQ)
            })
        );
    }

    // ---- fuzz: no proof succeeds against an honest epoch ----

    /// @dev Honest epochs from fuzzed sizes, price, balance and history; every proof the fixture builds, as built and
    /// with one fuzzed byte flipped, is refused.
    function testFuzz_proveFault_honestEpochRefusesEveryProof(
        uint32[4] memory sizes,
        uint256 price,
        uint256 scaleBalance,
        uint256 prevA,
        uint256 epoch,
        uint256 flipAt,
        uint8 flipMask
    ) public {
        Params memory p = _params(T_NONE);
        for (uint256 i; i < 4; ++i) {
            p.sizes[i] = uint32(bound(sizes[i], 1, type(uint32).max));
        }
        p.price = bound(price, 0, 1e24);
        p.scaleBalance = bound(scaleBalance, 0, type(uint120).max);
        p.prevA = bound(prevA, 0, type(uint120).max);
        p.epoch = bound(epoch, 0, 1_000_000);
        World memory w = _world(p);
        (uint8[] memory kinds, bytes[] memory proofs) = _allProofs(w);
        for (uint256 j; j < proofs.length; ++j) {
            _assertRefused(w.p.epoch, kinds[j], proofs[j], j);
            bytes memory perturbed = proofs[j];
            uint256 at = flipAt % perturbed.length;
            perturbed[at] = perturbed[at] ^ bytes1(flipMask == 0 ? 1 : flipMask);
            _assertRefused(w.p.epoch, kinds[j], perturbed, j);
        }
    }

    function _assertRefused(uint256 epoch, uint8 kind, bytes memory proof, uint256 j) internal view {
        try prover.checkFault(epoch, kind, proof) returns (uint256) {
            fail(string.concat("a proof succeeded against an honest epoch: proof ", Strings.toString(j)));
        } catch {}
    }
}
