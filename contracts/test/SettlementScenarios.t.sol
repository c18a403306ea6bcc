// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";

import {DistributorTestBase, TestLeaves, vm} from "./DistributorTestHarness.sol";
import {ZeroTransferRevertingToken} from "./ZeroTransferRevertingToken.sol";
import {RewardDistributor} from "../RewardDistributor.sol";
import {IRewardDistributorErrors, IRewardDistributorEvents} from "../interfaces/IRewardDistributor.sol";
import {
    PoolTotal,
    RewardLeaf,
    AuthorizedClaim,
    EpochData,
    ChallengeInfo,
    ChallengeStatus,
    DistributorConfig
} from "../interfaces/RewardDistributorTypes.sol";

/// @notice One regression test per scenario of issue 11 ("Settlement that cannot be frozen, drained or rugged"),
/// named after it. Each drives the attack the security review ran against the former contract and checks, with
/// exact revert data, balances and events, that it is now impossible or bounded as the issue requires.
contract SettlementScenariosTest is DistributorTestBase {
    uint256 internal constant FUNDED = 1_000e6;
    address internal constant OWNER_TO = address(0x0BEE);
    address internal constant MALLORY = address(0x3A11);
    address internal constant MEV = address(0x3E7);
    bytes32 internal constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 internal constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    function setUp() public {
        _deploy();
    }

    // ================================================================ 1. rejection that no transaction can carry

    /// @dev maxPoolTotals() pools, maxPending() epochs pending, each listing every pool: upholding a challenge of the
    /// first rejects all 64 with the same gas as one epoch of one pool (O(1)), far under 500,000. Posts stay under
    /// 5,000,000 and cannot list more pools or pile up more epochs; the worst-case walk (a dismissal moving the block
    /// over every pending epoch) and the re-post of a 128-pool epoch are bounded too.
    function test_scenario1_rejectionThatNoTransactionCanCarry_isBounded() public {
        // Reference: one pending epoch with one pool total.
        dist.fund(pool, 1e6);
        _post(0, keccak256("root 0"), _totals(1));
        uint256 reference_ = _upholdGas(_challengeBy(CHALLENGER, 0, bytes32("evidence")));

        _deploy();
        uint256 maxPools = dist.maxPoolTotals();
        uint256 maxPending = dist.maxPending();
        assertEq(maxPools, 128, "maxPoolTotals");
        assertEq(maxPending, 64, "maxPending");
        PoolTotal[] memory totals = new PoolTotal[](maxPools);
        dist.fund(pool, 1e6);
        totals[0] = PoolTotal({poolId: pool, amount: 1});
        for (uint256 i = 1; i < maxPools; ++i) {
            bytes32 id = dist.createPool(address(token), 1e6, TICKET_SIGNER, "");
            dist.fund(id, 1e6);
            totals[i] = PoolTotal({poolId: id, amount: 1}); // ascending: same token, growing sequence
        }
        // Every epoch is posted once the last has closed, so all 64 are pending together.
        vm.warp(dist.epochClosesAt(maxPending - 1));
        uint256 maxPostGas;
        for (uint256 e; e < maxPending; ++e) {
            bytes32 root = keccak256(abi.encode("root", e));
            vm.prank(AGGREGATOR);
            uint256 before = gasleft();
            dist.postEpoch(e, root, totals, keccak256(abi.encode("bundle", e, root)), "");
            uint256 used = before - gasleft();
            if (used > maxPostGas) maxPostGas = used;
        }
        assertLe(maxPostGas, 5_000_000, "a post with maxPoolTotals() pool totals");
        assertEq(dist.poolInfo(totals[maxPools - 1].poolId).owed, maxPending, "every post allocated every pool");

        // No post may list more pools, nor pile up more pending epochs.
        vm.warp(dist.epochClosesAt(maxPending));
        PoolTotal[] memory tooMany = new PoolTotal[](maxPools + 1);
        vm.prank(AGGREGATOR);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.EpochTooManyPoolTotals.selector, maxPools + 1, maxPools)
        );
        dist.postEpoch(maxPending, keccak256("too many pools"), tooMany, bytes32(0), "");
        PoolTotal[] memory one = _totals(1);
        vm.prank(AGGREGATOR);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.EpochTooManyPending.selector, maxPending + 1, maxPending)
        );
        dist.postEpoch(maxPending, keccak256("too many pending"), one, bytes32(0), "");

        // The worst walk there is: the only challenge of epoch 0 is dismissed while the last epoch has one open.
        uint256 first = _challengeBy(address(0xB1), 0, bytes32("first"));
        uint256 last = _challengeBy(address(0xB2), maxPending - 1, bytes32("last"));
        vm.prank(ARBITER);
        uint256 gasBefore = gasleft();
        dist.dismissChallenge(first);
        uint256 dismissGas = gasBefore - gasleft();
        assertLe(dismissGas, 500_000, "dismissal walking every pending epoch");
        assertEq(dist.systemState().blockedFrom, maxPending - 1, "the block moved to the last epoch");

        // The uphold of the first of 64 epochs of 128 pools each.
        uint256 upheld = _challengeBy(CHALLENGER, 0, bytes32("evidence"));
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochRejected(0, upheld, maxPending);
        uint256 upholdGas = _upholdGas(upheld);
        assertLe(upholdGas, 500_000, "uphold with maxPending() epochs of maxPoolTotals() pools");
        assertLe(upholdGas, reference_ + 10_000, "the uphold is O(1): no dearer than one epoch of one pool");
        assertEq(dist.systemState().nextEpoch, 0, "every epoch from the challenged one on was rejected");
        assertEq(dist.systemState().repostEnd, maxPending, "and awaits its re-post");
        assertEq(dist.poolInfo(totals[maxPools - 1].poolId).owed, maxPending, "rejected allocations stay reserved");

        // The challenge of the last epoch is void: closed in O(1), bond refunded.
        gasBefore = gasleft();
        dist.resolveExpiredChallenge(last);
        assertLe(gasBefore - gasleft(), 500_000, "closing a void challenge");
        assertEq(uint256(dist.challengeInfo(last).status), uint256(ChallengeStatus.Voided), "void challenge");
        assertEq(dist.creditOf(address(0xB2)), CHALLENGER_BOND, "void challenge refunded");

        // The re-post gives the rejected post's data back and releases its 128 totals before allocating its own.
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        bytes32 root0 = keccak256(abi.encode("root", uint256(0)));
        EpochData memory replaced = _epochData(root0, totals, 0);
        vm.prank(AGGREGATOR);
        gasBefore = gasleft();
        dist.repostEpoch(0, keccak256("root 0 again"), totals, bytes32(0), "", replaced);
        assertLe(gasBefore - gasleft(), 5_000_000, "a re-post of maxPoolTotals() pools");
        assertEq(dist.poolInfo(totals[0].poolId).owed, maxPending, "released 1, allocated 1");
    }

    // ================================================================ 2. withdrawal notice bypassed

    /// @dev The owner holds a matured request, challenges its own pool's honest epoch and the arbiter misses its
    /// deadline. The expiry keeps the epoch (no slash, bond back only), and the same-block withdrawal gets only what
    /// was never allocated: the relays' 600e6 stay owed and are claimed in full.
    function test_scenario2a_ownerChallengesOwnHonestEpoch_cannotWithdrawEarnings() public {
        dist.fund(pool, FUNDED);
        dist.requestWithdrawal(pool, FUNDED);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, 600e6, 0), _leaf(bob, 0, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        uint256 postedAt = _post(0, root, _totals(600e6));
        vm.deal(address(this), CHALLENGER_BOND);
        uint256 id = dist.challenge{value: CHALLENGER_BOND}(0, keccak256("no fault at all"), "");

        // The aggregator keeps posting the epochs that close meanwhile (same root: alice's total does not change).
        uint256 deadline = postedAt + ARBITER_TIMEOUT;
        uint256 e = 1;
        for (; dist.epochClosesAt(e) < deadline; ++e) {
            _post(e, root, _totals(0));
        }
        vm.warp(deadline - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ChallengeNotExpired.selector, id, deadline));
        dist.resolveExpiredChallenge(id);

        // In one block: the epoch closing now is posted, the lapsed challenge closed, the matured request executed.
        vm.warp(deadline);
        assertEq(dist.epochClosesAt(e), deadline, "an epoch closes as the deadline passes");
        _post(e, root, _totals(0));
        vm.expectEmit();
        emit IRewardDistributorEvents.ChallengeExpired(id);
        dist.resolveExpiredChallenge(id);
        uint256 amount = dist.withdraw(pool, OWNER_TO);

        assertEq(uint256(dist.challengeInfo(id).status), uint256(ChallengeStatus.Expired), "status");
        assertEq(dist.systemState().repostEnd, 0, "an expired deadline rejects nothing");
        assertEq(dist.aggregatorInfo(AGGREGATOR).bond, AGGREGATOR_BOND, "nobody slashed");
        assertEq(dist.creditOf(address(this)), CHALLENGER_BOND, "the owner-challenger gets its bond back, no reward");
        assertEq(amount, FUNDED - 600e6, "withdrawn: only what no epoch allocated");
        assertEq(token.balanceOf(OWNER_TO), FUNDED - 600e6, "owner's recipient");
        assertEq(_owed(), 600e6, "the relays' earnings stay owed");
        assertTrue(dist.isClaimable(0), "the epoch stands and is claimable");
        assertEq(dist.claim(leaves[0], proof), 600e6, "alice is paid in full");
        assertEq(token.balanceOf(alice), 600e6, "alice's balance");
    }

    /// @dev A legitimate uphold of bad epoch 0 also rejects honest epoch 1, but the allocation of both stays reserved
    /// until their re-posts: the owner's matured request gets only unallocated funds, and the honest relay is paid.
    function test_scenario2b_upholdOfBadEpoch_doesNotReleaseLaterHonestAllocation() public {
        dist.fund(pool, FUNDED);
        dist.requestWithdrawal(pool, FUNDED);
        uint256 availableAt = _now() + dist.withdrawalNotice();

        RewardLeaf[] memory bad = _pair(_leaf(MALLORY, 100e6, 0), _leaf(bob, 0, 1));
        bytes32 badRoot = _rootOf(bad);
        PoolTotal[] memory badTotals = _totals(100e6);
        _post(0, badRoot, badTotals);
        RewardLeaf[] memory honest = _pair(_leaf(alice, 500e6, 2), _leaf(bob, 100e6, 3));
        (bytes32 honestRoot, bytes32[] memory aliceProof) = _proof(honest, 0);
        PoolTotal[] memory honestTotals = _totals(500e6);
        _post(1, honestRoot, honestTotals);
        uint256 id = _challengeBy(CHALLENGER, 0, bytes32("bad epoch 0"));

        vm.warp(availableAt);
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochRejected(0, id, 2);
        vm.prank(ARBITER);
        dist.upholdChallenge(id);
        assertEq(_owed(), 600e6, "both rejected allocations stay reserved");
        assertEq(_unallocated(), FUNDED - 600e6, "nothing went back to the owner's withdrawable funds");

        // The rejected epochs are in flight again: the matured request waits for their re-posts.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.PoolWithdrawalEpochsInFlight.selector, pool, 0, availableAt + CHALLENGE_WINDOW
            )
        );
        dist.withdraw(pool, OWNER_TO);

        // Both epochs are posted again: epoch 0 corrected (bob earned 100e6), epoch 1 as it was.
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        RewardLeaf[] memory fixed0 = _pair(_leaf(bob, 100e6, 4), _leaf(alice, 0, 5));
        bytes32 fixedRoot = _rootOf(fixed0);
        EpochData memory replaced0 = _epochData(badRoot, badTotals, 0);
        PoolTotal[] memory released0 = _totals(100e6);
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochReplaced(0, keccak256(abi.encode(replaced0)), released0);
        vm.prank(AGGREGATOR);
        dist.repostEpoch(0, fixedRoot, _totals(100e6), keccak256("fixed"), "", replaced0);
        uint256 repostedAt = _now();
        vm.prank(AGGREGATOR);
        dist.repostEpoch(1, honestRoot, honestTotals, keccak256("again"), "", _epochData(honestRoot, honestTotals, 1));
        assertEq(_owed(), 600e6, "re-posts released and re-allocated the same totals");

        // Once the aggregators are a whole window late with the next epoch, the request takes only unallocated funds.
        vm.warp(dist.epochClosesAt(2) + CHALLENGE_WINDOW);
        assertEq(dist.withdraw(pool, OWNER_TO), FUNDED - 600e6, "the matured request takes only unallocated funds");
        assertEq(token.balanceOf(OWNER_TO), FUNDED - 600e6, "owner's recipient");

        vm.warp(repostedAt + CHALLENGE_WINDOW);
        assertEq(dist.claim(honest[0], aliceProof), 500e6, "the honest relay of epoch 1 is paid");
        (, bytes32[] memory bobProof) = _proof(honest, 1);
        assertEq(dist.claim(honest[1], bobProof), 100e6, "and the relay of the corrected epoch 0");
        assertEq(_owed(), 0, "everything earned was paid");
        assertEq(token.balanceOf(address(dist)), 0, "nothing left behind");
    }

    /// @dev A request made weeks earlier cannot be executed: it expires one notice after it matured.
    function test_scenario2c_staleWithdrawalRequest_expires() public {
        dist.fund(pool, FUNDED);
        uint256 notice = dist.withdrawalNotice();
        assertEq(notice, EPOCH_SECONDS + GRACE_SECONDS + CHALLENGE_WINDOW, "withdrawalNotice");
        uint256 availableAt = _now() + notice;
        vm.expectEmit();
        emit IRewardDistributorEvents.PoolWithdrawalRequested(pool, FUNDED, availableAt, availableAt + notice);
        dist.requestWithdrawal(pool, FUNDED);
        assertEq(dist.poolInfo(pool).withdrawalExpiresAt, availableAt + notice, "poolInfo.withdrawalExpiresAt");

        vm.warp(availableAt + notice + 21 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.PoolWithdrawalExpired.selector, pool, availableAt + notice
            )
        );
        dist.withdraw(pool, OWNER_TO);
        assertEq(token.balanceOf(OWNER_TO), 0, "a stale request paid");
    }

    /// @dev The notice covers the epochs in flight: the aggregator posts each epoch as it closes; when the request
    /// matures, epoch 24 has just closed, and the withdrawal waits for its post, which allocates what relays earned.
    function test_scenario2c_withdrawalNotice_coversEpochsInFlight() public {
        dist.fund(pool, FUNDED);
        dist.requestWithdrawal(pool, FUNDED);
        uint256 availableAt = _now() + dist.withdrawalNotice();
        uint256 e;
        for (; dist.epochClosesAt(e) < availableAt; ++e) {
            _post(e, keccak256(abi.encode("root", e)), _totals(0));
        }
        assertEq(e, 24, "epochs posted before the request matured");
        uint256 closesAt = dist.epochClosesAt(e);
        assertEq(closesAt, availableAt, "epoch 24 closes as the request matures");

        vm.warp(availableAt);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.PoolWithdrawalEpochsInFlight.selector, pool, e, closesAt + CHALLENGE_WINDOW
            )
        );
        dist.withdraw(pool, OWNER_TO);

        _post(e, keccak256("epoch 24: relays earned 250e6"), _totals(250e6));
        assertEq(dist.withdraw(pool, OWNER_TO), FUNDED - 250e6, "the withdrawal after the post");
        assertEq(_owed(), 250e6, "what relays earned in the closed epoch stays owed");
        assertEq(token.balanceOf(OWNER_TO), FUNDED - 250e6, "owner's recipient");
    }

    // ================================================================ 3. one griefer freezes every pool

    /// @dev Ten bonds challenge at the last second of the window. Dismissals do not restart it (ChallengeDismissed
    /// carries the unchanged end), the window closes to new challenges, posting goes on, and when the arbiter lets
    /// the others lapse the epoch is claimable at most challengeWindow + arbiterTimeout after its post. Lapsed
    /// challenges get their bond back and nothing else.
    function test_scenario3_lastSecondChallenges_doNotRestartWindow() public {
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, 600e6, 0), _leaf(bob, 0, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        uint256 postedAt = _post(0, root, _totals(600e6));
        uint256 windowEnd = postedAt + CHALLENGE_WINDOW;
        uint256 e = 1;
        for (; dist.epochClosesAt(e) < windowEnd - 1; ++e) {
            _post(e, root, _totals(0));
        }

        vm.warp(windowEnd - 1);
        uint256[10] memory ids;
        for (uint256 i; i < 10; ++i) {
            ids[i] = _challengeBy(_griefer(i), 0, keccak256(abi.encode("grief", i)));
        }
        vm.warp(windowEnd);
        vm.deal(MALLORY, CHALLENGER_BOND);
        vm.prank(MALLORY);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.EpochNotPending.selector, 0));
        dist.challenge{value: CHALLENGER_BOND}(0, bytes32("one more"), "");

        for (uint256 i; i < 5; ++i) {
            vm.expectEmit();
            emit IRewardDistributorEvents.ChallengeDismissed(ids[i], ARBITER, windowEnd);
            vm.prank(ARBITER);
            dist.dismissChallenge(ids[i]);
        }
        assertEq(dist.epochInfo(0).claimableAt, windowEnd, "the window was not restarted");
        assertTrue(!dist.isClaimable(0), "five challenges still open");

        // Posting never stops: every epoch that closes while the challenges are open is posted.
        uint256 deadline = windowEnd - 1 + ARBITER_TIMEOUT;
        for (; dist.epochClosesAt(e) <= deadline; ++e) {
            _post(e, root, _totals(0));
        }
        assertLe(dist.systemState().nextEpoch, dist.maxPending(), "pending epochs within maxPending()");

        vm.warp(deadline - 1);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.ChallengeNotExpired.selector, ids[5], deadline)
        );
        dist.resolveExpiredChallenge(ids[5]);
        vm.warp(deadline);
        for (uint256 i = 5; i < 10; ++i) {
            vm.expectEmit();
            emit IRewardDistributorEvents.ChallengeExpired(ids[i]);
            dist.resolveExpiredChallenge(ids[i]);
        }
        assertLe(deadline - postedAt, CHALLENGE_WINDOW + ARBITER_TIMEOUT, "delay bounded by window + timeout");
        assertTrue(dist.isClaimable(0), "claimable once the lapsed challenges are closed");
        assertEq(dist.claim(leaves[0], proof), 600e6, "alice is paid");

        for (uint256 i; i < 10; ++i) {
            assertEq(dist.creditOf(_griefer(i)), i < 5 ? 0 : CHALLENGER_BOND, "dismissed: bond lost; lapsed: refund");
        }
        assertEq(dist.creditOf(TREASURY), 5 * CHALLENGER_BOND, "the dismissed bonds");
        assertEq(dist.aggregatorInfo(AGGREGATOR).bond, AGGREGATOR_BOND, "a lapsed deadline slashes nobody");
    }

    // ================================================================ 4. a final bad root pays anything

    /// @dev The pause stops every clock (window, arbiter deadline, withdrawal notice) for at most arbiterTimeout,
    /// then anyone may unpause, and pauses are a challenge window apart.
    function test_scenario4_pauseStopsClocks_andHasMaximumLength() public {
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, 600e6, 0), _leaf(bob, 0, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        uint256 postedAt = _post(0, root, _totals(600e6));
        dist.requestWithdrawal(pool, 100e6);
        uint256 availableAt = postedAt + dist.withdrawalNotice();
        uint256 id = _challengeBy(CHALLENGER, 0, bytes32("evidence"));
        uint256 deadline = postedAt + ARBITER_TIMEOUT; // contract clock

        uint256 pausedAt = postedAt + 1_000;
        vm.warp(pausedAt);
        vm.expectEmit();
        emit IRewardDistributorEvents.Paused(GUARDIAN, pausedAt + ARBITER_TIMEOUT);
        vm.prank(GUARDIAN);
        dist.pause();
        vm.warp(pausedAt + 3 hours);
        assertEq(dist.clock(), pausedAt, "the clock stands still while paused");
        vm.expectRevert(IRewardDistributorErrors.SystemPaused.selector);
        dist.claim(leaves[0], proof);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemPauseNotOver.selector, pausedAt + ARBITER_TIMEOUT)
        );
        dist.unpause();

        // The maximum pause: the clock runs again and anyone may unpause.
        vm.warp(pausedAt + ARBITER_TIMEOUT + 500);
        assertEq(dist.clock(), pausedAt + 500, "the clock stopped for at most arbiterTimeout");
        vm.expectEmit();
        emit IRewardDistributorEvents.Unpaused(bob, ARBITER_TIMEOUT);
        vm.prank(bob);
        dist.unpause();
        uint256 resumedAt = _now();
        vm.prank(GUARDIAN);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.SystemPauseCooldown.selector, resumedAt + CHALLENGE_WINDOW
            )
        );
        dist.pause();

        // Every clock moved by the pause's length.
        uint256 stopped = ARBITER_TIMEOUT;
        vm.warp(deadline + stopped - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ChallengeNotExpired.selector, id, deadline));
        dist.resolveExpiredChallenge(id);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.PoolWithdrawalNotReady.selector, pool, availableAt)
        );
        dist.withdraw(pool, OWNER_TO);
        vm.warp(deadline + stopped);
        dist.resolveExpiredChallenge(id);
        assertTrue(dist.isClaimable(0), "claimable once the shifted window passed");
        assertEq(dist.claim(leaves[0], proof), 600e6, "alice is paid");
    }

    /// @dev A bad root with empty pool totals survives its window and could pay out what honest relays earned in
    /// epoch 0. Within its recovery period (postedAt + 2 * challengeWindow + arbiterTimeout) the arbiter revokes it:
    /// its claims fail, the claim root is epoch 0's again, the aggregator is slashed. Outside it, nothing revokes.
    function test_scenario4_revokeEpoch_recoversFinalBadRootWithinItsWindow() public {
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory honest = _pair(_leaf(bob, 600e6, 0), _leaf(alice, 0, 1));
        (bytes32 root0, bytes32[] memory bobProof) = _proof(honest, 0);
        uint256 postedAt0 = _post(0, root0, _totals(600e6));
        RewardLeaf[] memory bad = _pair(_leaf(MALLORY, 600e6, 2), _leaf(alice, 0, 3));
        (bytes32 root1, bytes32[] memory malloryProof) = _proof(bad, 0);
        PoolTotal[] memory empty = new PoolTotal[](0);
        uint256 postedAt1 = _post(1, root1, empty);
        vm.warp(postedAt1 + CHALLENGE_WINDOW);
        assertTrue(dist.isClaimable(1), "the bad root is final");

        vm.prank(ARBITER);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.EpochNotFinal.selector, 2));
        dist.revokeEpoch(2, bytes32("not posted"));

        bytes32 evidence = keccak256("epoch 1 pays receipts nobody signed");
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochRevoked(1, ARBITER, evidence);
        vm.prank(ARBITER);
        dist.revokeEpoch(1, evidence);

        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, MALLORY));
        dist.claim(bad[0], malloryProof);
        assertEq(dist.systemState().claimRoot, root0, "the claim root is epoch 0's again");
        assertEq(dist.claim(honest[0], bobProof), 600e6, "bob is paid what he earned");
        assertEq(token.balanceOf(MALLORY), 0, "the bad root paid nothing");
        assertEq(dist.aggregatorInfo(AGGREGATOR).bond, 0, "the aggregator was slashed");
        assertEq(dist.creditOf(TREASURY), AGGREGATOR_BOND, "to the treasury");
        assertEq(dist.systemState().nextEpoch, 1, "epoch 1 awaits its re-post");

        // Past epoch 0's recovery period it can no longer be revoked.
        uint256 endsAt = postedAt0 + 2 * CHALLENGE_WINDOW + ARBITER_TIMEOUT;
        vm.warp(endsAt);
        vm.prank(ARBITER);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.EpochRecoveryClosed.selector, 0, endsAt));
        dist.revokeEpoch(0, evidence);

        // A pending re-post is challenged, not revoked.
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        vm.prank(AGGREGATOR);
        dist.repostEpoch(1, root0, empty, bytes32(0), "", _epochData(root1, empty, 1));
        vm.prank(ARBITER);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.EpochNotFinal.selector, 1));
        dist.revokeEpoch(1, evidence);
    }

    // ================================================================ 5. challenge squatting and copying

    /// @dev The aggregator's second account challenges its bad epoch first (garbage evidence), a copier front-runs
    /// the honest watcher with the watcher's evidence hash, and the watcher challenges too: several challenges may
    /// be open, so nobody is locked out. The arbiter upholds only evidence bound to its own challenger
    /// (keccak256(abi.encode(challenger, keccak256(evidence)))): squatter and copier lose their bonds, the watcher
    /// is rewarded.
    function test_scenario5_squatterCannotBlockHonestChallenger() public {
        address squatter = address(0x5907);
        address copier = address(0xC0B1);
        address watcher = address(0x3A7C);
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory bad = _pair(_leaf(MALLORY, 100e6, 0), _leaf(bob, 0, 1));
        _post(0, _rootOf(bad), _totals(100e6));

        bytes memory evidence = bytes("{\"fault\":\"RECEIPT_INVALID\",\"epoch\":\"0\"}");
        bytes32 watcherHash = keccak256(abi.encode(watcher, keccak256(evidence)));
        uint256 squat = _challengeBy(squatter, 0, keccak256("nothing"));
        uint256 copied = _challengeBy(copier, 0, watcherHash); // copied from the watcher's pending transaction
        uint256 honest = _challengeBy(watcher, 0, watcherHash);
        assertEq(dist.epochInfo(0).openChallenges, 3, "three challenges open on the post");

        _review(squat, evidence);
        _review(copied, evidence);
        _review(honest, evidence);

        assertEq(uint256(dist.challengeInfo(squat).status), uint256(ChallengeStatus.Dismissed), "squatter");
        assertEq(uint256(dist.challengeInfo(copied).status), uint256(ChallengeStatus.Dismissed), "copier");
        assertEq(uint256(dist.challengeInfo(honest).status), uint256(ChallengeStatus.Upheld), "watcher");
        uint256 share = AGGREGATOR_BOND * CHALLENGER_SHARE_BPS / 10_000;
        assertEq(dist.creditOf(squatter), 0, "the squatter lost its bond");
        assertEq(dist.creditOf(copier), 0, "the copier lost its bond");
        assertEq(dist.creditOf(watcher), CHALLENGER_BOND + share, "the watcher's bond and share");
        assertEq(dist.creditOf(TREASURY), 2 * CHALLENGER_BOND + AGGREGATOR_BOND - share, "the treasury");
        assertEq(dist.aggregatorInfo(AGGREGATOR).bond, 0, "the aggregator was slashed");
    }

    /// @dev A squatter holding real evidence bound to itself and upheld first still leaves its aggregator half a
    /// bond poorer, and the watcher's challenge becomes void: refunded in full.
    function test_scenario5_squatterWithBoundEvidence_gainsNothing() public {
        address squatter = address(0x5907);
        address watcher = address(0x3A7C);
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory bad = _pair(_leaf(MALLORY, 100e6, 0), _leaf(bob, 0, 1));
        _post(0, _rootOf(bad), _totals(100e6));
        bytes memory evidence = bytes("{\"fault\":\"RECEIPT_INVALID\",\"epoch\":\"0\"}");
        uint256 squat = _challengeBy(squatter, 0, keccak256(abi.encode(squatter, keccak256(evidence))));
        uint256 honest = _challengeBy(watcher, 0, keccak256(abi.encode(watcher, keccak256(evidence))));

        _review(squat, evidence);
        vm.expectEmit();
        emit IRewardDistributorEvents.ChallengeVoided(honest);
        dist.resolveExpiredChallenge(honest);

        uint256 share = AGGREGATOR_BOND * CHALLENGER_SHARE_BPS / 10_000;
        assertEq(dist.creditOf(watcher), CHALLENGER_BOND, "the watcher loses nothing");
        // The aggregator and its squatter put in a bond each; they get back the squatter's bond and the share.
        uint256 coalitionIn = AGGREGATOR_BOND + CHALLENGER_BOND;
        uint256 coalitionOut = dist.creditOf(squatter) + dist.aggregatorInfo(AGGREGATOR).bond;
        assertEq(coalitionOut, CHALLENGER_BOND + share, "what the squatter recovers");
        assertEq(coalitionIn - coalitionOut, AGGREGATOR_BOND - share, "squatting gains nothing: half the bond is lost");
    }

    // ================================================================ 6. claim authorizations

    /// @dev A direct claim retires an outstanding authorization (so it cannot take a fee from later rewards), the
    /// account can revoke, a newer authorization retires older ones, and the account can bind its authorizations
    /// to one relayer; the event names the relayer.
    function test_scenario6_claimAuthorization_revocable_retiredByDirectClaim_boundToRelayer() public {
        dist.fund(pool, FUNDED);
        RewardLeaf[] memory leaves0 = _pair(_leaf(alice, 5e6, 0), _leaf(bob, 1, 1));
        (bytes32 root0, bytes32[] memory proof0) = _proof(leaves0, 0);
        uint256 postedAt0 = _post(0, root0, _totals(5e6 + 1));
        vm.warp(postedAt0 + CHALLENGE_WINDOW);

        // Alice signs an authorization with a generous fee cap, then her rewards are claimed directly.
        AuthorizedClaim memory old = _authorize(leaves0[0], proof0, 0, 0, 10e6);
        vm.prank(bob);
        assertEq(dist.claim(leaves0[0], proof0), 5e6, "direct claim");
        (, uint256 nonce) = dist.claimed(pool, alice);
        assertEq(nonce, 1, "the direct claim moved the nonce on");

        // Epoch 1 brings her 15e6 more: the old signature, replayed with the maximum fee, is retired.
        RewardLeaf[] memory leaves1 = _pair(_leaf(alice, 20e6, 2), _leaf(bob, 1, 3));
        (bytes32 root1, bytes32[] memory proof1) = _proof(leaves1, 0);
        uint256 postedAt1 = _post(1, root1, _totals(15e6));
        vm.warp(postedAt1 + CHALLENGE_WINDOW);
        old.leaf = leaves1[0];
        old.proof = proof1;
        old.fee = 10e6;
        vm.prank(MEV);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimAuthorizationNonce.selector, 0, 1));
        dist.claimWithAuthorization(old);

        // Revocable.
        AuthorizedClaim memory revoked = _authorize(leaves1[0], proof1, 1, 1e6, 1e6);
        vm.expectEmit();
        emit IRewardDistributorEvents.ClaimAuthorizationsRevoked(alice, pool, 2);
        vm.prank(alice);
        dist.revokeClaimAuthorizations(pool, 2);
        vm.prank(RELAYER);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimAuthorizationNonce.selector, 1, 2));
        dist.claimWithAuthorization(revoked);

        // Bound to a relayer.
        vm.prank(alice);
        dist.setClaimRelayer(RELAYER);
        assertEq(dist.claimRelayerOf(alice), RELAYER, "claimRelayerOf");
        AuthorizedClaim memory older = _authorize(leaves1[0], proof1, 2, 1e6, 1e6);
        AuthorizedClaim memory newer = _authorize(leaves1[0], proof1, 3, 1e6, 1e6);
        vm.prank(MEV);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimRelayerNotAllowed.selector, MEV, RELAYER));
        dist.claimWithAuthorization(newer);
        vm.expectEmit();
        emit IRewardDistributorEvents.ClaimedWithAuthorization(alice, pool, alice, RELAYER, 15e6, 1e6);
        vm.prank(RELAYER);
        assertEq(dist.claimWithAuthorization(newer), 15e6, "relayed claim");

        // The newer authorization retired the older one.
        vm.prank(RELAYER);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimAuthorizationNonce.selector, 2, 4));
        dist.claimWithAuthorization(older);

        assertEq(token.balanceOf(alice), 5e6 + 14e6, "alice got everything but the fee she signed");
        assertEq(token.balanceOf(RELAYER), 1e6, "the bound relayer's fee");
        assertEq(token.balanceOf(MEV), 0, "nobody else took a fee");
    }

    // ================================================================ 7. the smaller ones

    /// @dev Posting is no race: the previous epoch's poster posts the next while active and on time; another
    /// aggregator takes over only once the incumbent is an epoch late or has given notice.
    function test_scenario7_designatedPoster_othersTakeOverOnlyWhenLate() public {
        address second = address(0xA67);
        vm.deal(second, AGGREGATOR_BOND);
        vm.prank(second);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        PoolTotal[] memory none = _totals(0);
        _post(0, keccak256("root 0"), none);

        uint256 closesAt1 = dist.epochClosesAt(1);
        vm.warp(closesAt1);
        vm.prank(second);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.EpochNotPoster.selector, 1, AGGREGATOR, closesAt1 + EPOCH_SECONDS
            )
        );
        dist.postEpoch(1, keccak256("root 1"), none, bytes32(0), "");

        vm.warp(closesAt1 + EPOCH_SECONDS);
        vm.prank(second);
        dist.postEpoch(1, keccak256("root 1"), none, bytes32(0), "");
        assertEq(dist.epochInfo(1).aggregator, second, "the late incumbent was taken over");

        uint256 closesAt2 = dist.epochClosesAt(2);
        vm.prank(AGGREGATOR);
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.EpochNotPoster.selector, 2, second, closesAt2 + EPOCH_SECONDS
            )
        );
        dist.postEpoch(2, keccak256("root 2"), none, bytes32(0), "");
        vm.prank(second);
        dist.requestAggregatorExit();
        vm.prank(AGGREGATOR);
        dist.postEpoch(2, keccak256("root 2"), none, bytes32(0), "");
        assertEq(dist.epochInfo(2).aggregator, AGGREGATOR, "an exiting incumbent holds no turn");
    }

    /// @dev One pool's owner withdraws everything; a post listing that pool and another goes through, the
    /// withdrawn pool's total cut to what it holds (PoolAllocationCapped), the other allocated in full.
    function test_scenario7_onePoolsWithdrawal_doesNotRevertMultiPoolPost() public {
        bytes32 pool2 = dist.createPool(address(token), 1e6, TICKET_SIGNER, "ipfs://pool2");
        dist.fund(pool, FUNDED);
        dist.fund(pool2, 100e6);
        dist.requestWithdrawal(pool2, 100e6);
        vm.warp(_now() + dist.withdrawalNotice());
        assertEq(dist.withdraw(pool2, OWNER_TO), 100e6, "pool2 emptied");

        PoolTotal[] memory totals = new PoolTotal[](2);
        totals[0] = PoolTotal({poolId: pool, amount: 600e6});
        totals[1] = PoolTotal({poolId: pool2, amount: 50e6});
        vm.expectEmit();
        emit IRewardDistributorEvents.PoolAllocationCapped(0, pool2, 50e6, 0);
        vm.prank(AGGREGATOR);
        dist.postEpoch(0, keccak256("root 0"), totals, bytes32(0), "");
        assertEq(dist.systemState().nextEpoch, 1, "posted");
        assertEq(_owed(), 600e6, "the other pool allocated in full");
        assertEq(dist.poolInfo(pool2).owed, 0, "the withdrawn pool allocated what it held");
    }

    /// @dev fee == amount: the relayer takes everything and no zero-amount transfer goes to the recipient (the
    /// token refuses them), in the single and the batch form.
    function test_scenario7_feeEqualToAmount_sendsNoZeroTransfer() public {
        ZeroTransferRevertingToken zt = new ZeroTransferRevertingToken();
        zt.mint(address(this), FUNDED);
        zt.approve(address(dist), FUNDED);
        bytes32 zpool = dist.createPool(address(zt), 1e6, TICKET_SIGNER, "");
        dist.fund(zpool, FUNDED);
        RewardLeaf[] memory leaves = new RewardLeaf[](2);
        leaves[0] = RewardLeaf(alice, zpool, 10e6, 1, 10e6, keccak256("a"));
        leaves[1] = RewardLeaf(bob, zpool, 7e6, 1, 7e6, keccak256("b"));
        (bytes32 root, bytes32[] memory proofA) = _proof(leaves, 0);
        (, bytes32[] memory proofB) = _proof(leaves, 1);
        PoolTotal[] memory totals = new PoolTotal[](1);
        totals[0] = PoolTotal({poolId: zpool, amount: 17e6});
        uint256 postedAt = _post(0, root, totals);
        vm.warp(postedAt + CHALLENGE_WINDOW);

        AuthorizedClaim memory a = _authorizeWith(ALICE_KEY, leaves[0], proofA, 0, 10e6, 10e6);
        vm.prank(RELAYER);
        assertEq(dist.claimWithAuthorization(a), 10e6, "single");
        AuthorizedClaim[] memory batch = new AuthorizedClaim[](1);
        batch[0] = _authorizeWith(BOB_KEY, leaves[1], proofB, 0, 7e6, 7e6);
        vm.prank(RELAYER);
        assertEq(dist.claimWithAuthorizations(batch)[0], 7e6, "batch");
        assertEq(zt.balanceOf(RELAYER), 17e6, "the relayer's fees");
        assertEq(zt.balanceOf(alice) + zt.balanceOf(bob), 0, "recipients got nothing, and no zero transfer");
    }

    /// @dev The admin role moves in two steps after a fixed delay, and never meets the guardian or arbiter role.
    function test_scenario7_twoStepAdmin_andRolesKeptApart() public {
        IAccessControlDefaultAdminRules admin = IAccessControlDefaultAdminRules(address(dist));
        address newAdmin = address(0xAD2);
        vm.prank(ADMIN);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemRoleConflict.selector, ARBITER_ROLE, ADMIN)
        );
        admin.grantRole(ARBITER_ROLE, ADMIN);
        vm.prank(ADMIN);
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        admin.grantRole(bytes32(0), newAdmin);
        vm.prank(ADMIN);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemRoleConflict.selector, bytes32(0), address(0))
        );
        admin.changeDefaultAdminDelay(0);

        vm.prank(ADMIN);
        admin.beginDefaultAdminTransfer(newAdmin);
        uint48 schedule = uint48(_now() + CHALLENGE_WINDOW);
        vm.prank(ADMIN);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemRoleConflict.selector, GUARDIAN_ROLE, newAdmin)
        );
        admin.grantRole(GUARDIAN_ROLE, newAdmin);
        vm.prank(newAdmin);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector, schedule
            )
        );
        admin.acceptDefaultAdminTransfer();
        vm.warp(uint256(schedule) + 1);
        vm.prank(newAdmin);
        admin.acceptDefaultAdminTransfer();
        assertTrue(admin.hasRole(bytes32(0), newAdmin) && !admin.hasRole(bytes32(0), ADMIN), "admin moved");

        // The arbiter cannot become admin.
        vm.prank(newAdmin);
        admin.beginDefaultAdminTransfer(ARBITER);
        vm.warp(_now() + CHALLENGE_WINDOW + 1);
        vm.prank(ARBITER);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemRoleConflict.selector, ARBITER_ROLE, ARBITER)
        );
        admin.acceptDefaultAdminTransfer();

        // Nor can the admin be deployed as guardian.
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.SystemRoleConflict.selector, GUARDIAN_ROLE, ADMIN)
        );
        new RewardDistributor(ADMIN, ADMIN, ARBITER, TREASURY, _config());
    }

    /// @dev A zero challenger bond (free griefing) is refused at deployment.
    function test_scenario7_challengerBondZero_refusedByConstructor() public {
        DistributorConfig memory config = _config();
        config.challengerBond = 0;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ConfigInvalid.selector, "challengerBond"));
        new RewardDistributor(ADMIN, GUARDIAN, ARBITER, TREASURY, config);
    }

    /// @dev priceAt and ticketSignerAt are binary searches: 256 history entries cost a few hundred gas more than
    /// one (a linear scan would cost over 25,000 more), and they return the entry in force.
    function test_scenario7_priceAtAndTicketSignerAt_areLogarithmic() public {
        bytes32 fresh = dist.createPool(address(token), 7, address(0x5170), "");
        bytes32 busy = dist.createPool(address(token), 1, address(0x5171), "");
        uint256 startEpoch = dist.currentEpoch();
        // 255 changes, one per epoch: 256 entries in each history.
        for (uint256 i = 1; i < 256; ++i) {
            vm.warp(_now() + EPOCH_SECONDS);
            dist.setPrice(busy, i + 1); // in force from epoch startEpoch + i + 1
            dist.rotateTicketSigner(busy, address(uint160(0x5171 + i))); // from GENESIS + i epochs
        }
        uint256 epoch = startEpoch + 101;
        uint256 at = GENESIS + 100 * EPOCH_SECONDS + 1;
        // Warm the contracts on the path so that both measurements pay the same account access.
        dist.priceAt(fresh, 0);
        dist.ticketSignerAt(fresh, 0);

        uint256 before = gasleft();
        uint256 freshPrice = dist.priceAt(fresh, epoch);
        uint256 priceGas1 = before - gasleft();
        before = gasleft();
        uint256 busyPrice = dist.priceAt(busy, epoch);
        uint256 priceGas256 = before - gasleft();
        before = gasleft();
        address freshSigner = dist.ticketSignerAt(fresh, at);
        uint256 signerGas1 = before - gasleft();
        before = gasleft();
        address busySigner = dist.ticketSignerAt(busy, at);
        uint256 signerGas256 = before - gasleft();

        assertEq(freshPrice, 7, "fresh pool's price");
        assertEq(busyPrice, 101, "the price set in epoch startEpoch + 100, in force from the next");
        assertEq(freshSigner, address(0x5170), "fresh pool's signer");
        assertEq(busySigner, address(uint160(0x5171 + 100)), "the signer rotated at GENESIS + 100 epochs");
        assertLe(priceGas256, priceGas1 + 8_000, "priceAt: 256 entries vs 1");
        assertLe(signerGas256, signerGas1 + 8_000, "ticketSignerAt: 256 entries vs 1");
    }

    /// @dev ChallengeDismissed carries the window's unchanged end, EpochRejected the rejected range, EpochReplaced
    /// the released amounts (ClaimedWithAuthorization's relayer: scenario 6).
    function test_scenario7_events_carryClaimableAtAndReleasedAmounts() public {
        dist.fund(pool, FUNDED);
        bytes32 root = keccak256("root 0");
        PoolTotal[] memory totals = _totals(300e6);
        uint256 postedAt = _post(0, root, totals);
        _post(1, keccak256("root 1"), _totals(0));
        uint256 dismissed = _challengeBy(address(0xB1), 0, bytes32("weak"));
        uint256 upheld = _challengeBy(CHALLENGER, 0, bytes32("strong"));

        vm.expectEmit();
        emit IRewardDistributorEvents.ChallengeDismissed(dismissed, ARBITER, postedAt + CHALLENGE_WINDOW);
        vm.prank(ARBITER);
        dist.dismissChallenge(dismissed);
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochRejected(0, upheld, 2);
        vm.prank(ARBITER);
        dist.upholdChallenge(upheld);

        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        EpochData memory replaced = _epochData(root, totals, 0);
        vm.expectEmit();
        emit IRewardDistributorEvents.EpochReplaced(0, keccak256(abi.encode(replaced)), totals);
        vm.prank(AGGREGATOR);
        dist.repostEpoch(0, keccak256("root 0 fixed"), _totals(200e6), bytes32(0), "", replaced);
        assertEq(_owed(), 200e6, "released 300e6, allocated 200e6");
    }

    /// @dev Pool ownership moves in two steps; the new owner's acceptance cancels the old owner's withdrawal request.
    function test_scenario7_poolOwnership_transfersInTwoSteps() public {
        dist.fund(pool, FUNDED);
        dist.requestWithdrawal(pool, FUNDED);
        vm.expectEmit();
        emit IRewardDistributorEvents.PoolOwnershipTransferStarted(pool, address(this), bob);
        dist.transferPoolOwnership(pool, bob);
        assertEq(dist.poolInfo(pool).pendingOwner, bob, "pendingOwner");
        assertEq(dist.poolInfo(pool).owner, address(this), "not yet transferred");

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.PoolNotPendingOwner.selector, pool, alice));
        dist.acceptPoolOwnership(pool);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.PoolUnauthorized.selector, pool, bob));
        dist.setPrice(pool, 2e6);

        vm.expectEmit();
        emit IRewardDistributorEvents.PoolWithdrawalCancelled(pool);
        vm.expectEmit();
        emit IRewardDistributorEvents.PoolOwnershipTransferred(pool, address(this), bob);
        vm.prank(bob);
        dist.acceptPoolOwnership(pool);
        assertEq(dist.poolInfo(pool).owner, bob, "owner");
        assertEq(dist.poolInfo(pool).pendingOwner, address(0), "pendingOwner cleared");
        assertEq(dist.poolInfo(pool).withdrawalAvailableAt, 0, "the old owner's request was cancelled");

        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.PoolUnauthorized.selector, pool, address(this))
        );
        dist.setPrice(pool, 2e6);
        vm.prank(bob);
        dist.setPrice(pool, 2e6);
    }

    // ================================================================ helpers

    function _challengeBy(address challenger, uint256 epoch, bytes32 evidenceHash) internal returns (uint256 id) {
        vm.deal(challenger, challenger.balance + CHALLENGER_BOND);
        vm.prank(challenger);
        id = dist.challenge{value: CHALLENGER_BOND}(epoch, evidenceHash, "ipfs://evidence");
    }

    function _upholdGas(uint256 challengeId) internal returns (uint256 used) {
        vm.prank(ARBITER);
        uint256 before = gasleft();
        dist.upholdChallenge(challengeId);
        used = before - gasleft();
    }

    /// @dev The arbiter's rule (docs/verifier.md, "Evidence"): uphold only a fault whose evidence is bound to the
    /// challenge's own challenger; everything else is dismissed. Every challenge here disputes a faulty post.
    function _review(uint256 challengeId, bytes memory evidence) internal {
        ChallengeInfo memory c = dist.challengeInfo(challengeId);
        bool bound = c.evidenceHash == keccak256(abi.encode(c.challenger, keccak256(evidence)));
        vm.prank(ARBITER);
        if (bound) dist.upholdChallenge(challengeId);
        else dist.dismissChallenge(challengeId);
    }

    function _griefer(uint256 i) internal pure returns (address) {
        return address(uint160(0x6000 + i));
    }

    function _rootOf(RewardLeaf[] memory leaves) internal pure returns (bytes32 root) {
        (root,) = _proof(leaves, 0);
    }

    function _authorize(RewardLeaf memory leaf, bytes32[] memory proof, uint256 nonce, uint256 fee, uint256 maxFee)
        internal
        view
        returns (AuthorizedClaim memory)
    {
        return _authorizeWith(ALICE_KEY, leaf, proof, nonce, fee, maxFee);
    }

    /// @dev An authorization signed by `key` for `leaf.account`, paying `leaf.account` itself.
    function _authorizeWith(
        uint256 key,
        RewardLeaf memory leaf,
        bytes32[] memory proof,
        uint256 nonce,
        uint256 fee,
        uint256 maxFee
    ) internal view returns (AuthorizedClaim memory c) {
        uint64 deadline = uint64(_now() + 30 days);
        bytes32 digest = TestLeaves.claimAuthorizationDigest(
            dist.domainSeparator(), leaf.poolId, leaf.account, leaf.account, maxFee, nonce, deadline
        );
        (bytes32 r, bytes32 vs) = _signCompact(key, digest);
        c = AuthorizedClaim({
            leaf: leaf,
            proof: proof,
            recipient: leaf.account,
            maxFee: maxFee,
            nonce: nonce,
            deadline: deadline,
            fee: fee,
            r: r,
            vs: vs
        });
    }
}
