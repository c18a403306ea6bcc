// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DistributorTestBase, TestLeaves, vm} from "./DistributorTestHarness.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {IRewardDistributorErrors} from "../interfaces/IRewardDistributor.sol";
import {PoolTotal, RewardLeaf, Claim, AuthorizedClaim, EpochData} from "../interfaces/RewardDistributorTypes.sol";

/// @notice Fuzzed properties of the RewardDistributor, one scenario each: claim timing and order, rejected roots,
/// the pause, the allocation cap and claim monotonicity. The invariant suite (RewardDistributorInvariant.t.sol)
/// checks the same properties over random sequences.
contract RewardDistributorTest is DistributorTestBase {
    uint256 internal constant FUNDED = 1e24;

    function setUp() public {
        _deploy();
        dist.fund(pool, FUNDED);
    }

    // ------------------------------------------------------------------ timing and order

    function testFuzz_claim_revertsBeforeChallengeWindowEnds(uint256 amount, uint256 elapsed) public {
        amount = bound(amount, 1, FUNDED);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, amount, 0), _leaf(bob, 0, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        uint256 postedAt = _post(0, root, _totals(amount));

        vm.warp(postedAt + bound(elapsed, 0, CHALLENGE_WINDOW - 1));
        _assertNotClaimableYet(leaves[0], proof);
        vm.warp(postedAt + CHALLENGE_WINDOW - 1); // the last second of the window
        _assertNotClaimableYet(leaves[0], proof);

        vm.warp(postedAt + CHALLENGE_WINDOW);
        assertTrue(dist.isClaimable(0), "not claimable once the window ended");
        assertEq(dist.claim(leaves[0], proof), amount, "claim amount");
        assertEq(token.balanceOf(alice), amount, "alice balance");
    }

    function _assertNotClaimableYet(RewardLeaf memory leaf, bytes32[] memory proof) internal {
        assertTrue(!dist.isClaimable(0), "claimable before its window ended");
        (bool exists,) = dist.latestClaimableEpoch();
        assertTrue(!exists, "latestClaimableEpoch before the window ended");
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, leaf.account)
        );
        dist.claim(leaf, proof);
        assertEq(token.balanceOf(leaf.account), 0, "paid before the window ended");
    }

    /// @dev Epochs posted at fuzzed times, checked at a fuzzed time: claimable exactly when the window has passed,
    /// and never epoch e + 1 while e is not.
    function testFuzz_isClaimable_followsWindowsInOrder(uint256 count, uint256 seed, uint256 checkAfter) public {
        count = bound(count, 2, 6);
        uint256[] memory postedAt = new uint256[](count);
        for (uint256 e; e < count; ++e) {
            uint256 closesAt = dist.epochClosesAt(e);
            uint256 at = closesAt + uint256(keccak256(abi.encode(seed, e))) % (CHALLENGE_WINDOW / 2);
            if (at > _now()) vm.warp(at);
            postedAt[e] = _post(e, keccak256(abi.encode("root", e)), _totals(0));
        }
        uint256 checkAt = postedAt[0] + bound(checkAfter, 0, 2 * CHALLENGE_WINDOW);
        if (checkAt > _now()) vm.warp(checkAt);
        for (uint256 e; e < count; ++e) {
            bool claimable = dist.isClaimable(e);
            assertTrue(claimable == (_now() >= postedAt[e] + CHALLENGE_WINDOW), "claimable iff window passed");
            if (e + 1 < count && dist.isClaimable(e + 1)) {
                assertTrue(claimable, "epoch claimable before its predecessor");
            }
        }
        assertTrue(!dist.isClaimable(count), "unposted epoch claimable");
    }

    /// @dev A challenge on epoch 0 blocks epoch 1 while it is open; a claim from epoch 1's root reverts. The
    /// dismissal does not restart any window: both epochs, past their windows, are claimable at once.
    function testFuzz_claim_laterEpochNeverPaysWhileEarlierIsBlocked(uint256 amount, uint256 wait) public {
        amount = bound(amount, 1, FUNDED / 4);
        RewardLeaf[] memory leaves0 = _pair(_leaf(alice, amount, 0), _leaf(bob, amount, 1));
        (bytes32 root0, bytes32[] memory proof0) = _proof(leaves0, 0);
        _post(0, root0, _totals(2 * amount));
        vm.prank(CHALLENGER);
        uint256 challengeId = dist.challenge{value: CHALLENGER_BOND}(0, bytes32("evidence"), "ipfs://evidence");

        RewardLeaf[] memory leaves1 = _pair(_leaf(alice, 2 * amount, 2), _leaf(bob, 2 * amount, 3));
        (bytes32 root1, bytes32[] memory proof1) = _proof(leaves1, 0);
        uint256 postedAt1 = _post(1, root1, _totals(2 * amount));

        vm.warp(postedAt1 + CHALLENGE_WINDOW + bound(wait, 0, ARBITER_TIMEOUT / 2));
        assertTrue(!dist.isClaimable(0) && !dist.isClaimable(1), "claimable under an open challenge");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, alice));
        dist.claim(leaves1[0], proof1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, alice));
        dist.claim(leaves0[0], proof0);

        vm.prank(ARBITER);
        dist.dismissChallenge(challengeId);
        assertTrue(dist.isClaimable(0) && dist.isClaimable(1), "not claimable once the block lifted");
        assertEq(dist.claim(leaves1[0], proof1), 2 * amount, "claim after the dismissal");
    }

    // ------------------------------------------------------------------ rejected epochs

    /// @dev An upheld challenge rejects the root: it never pays, its allocation stays reserved (owed, not
    /// withdrawable) until the epoch is posted again, and the re-post releases it before allocating its own totals.
    function testFuzz_claim_rejectedRootPaysNothing(uint256 amount, uint256 reposted) public {
        amount = bound(amount, 1, FUNDED / 2);
        reposted = bound(reposted, 1, FUNDED / 2);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, amount, 0), _leaf(bob, 1, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        PoolTotal[] memory totals = _totals(amount + 1);
        uint256 postedAt = _post(0, root, totals);
        assertEq(_owed(), amount + 1, "owed after the post");

        vm.prank(CHALLENGER);
        uint256 challengeId = dist.challenge{value: CHALLENGER_BOND}(0, bytes32("evidence"), "ipfs://evidence");
        vm.prank(ARBITER);
        dist.upholdChallenge(challengeId);
        assertEq(_owed(), amount + 1, "the rejected allocation stays reserved until the re-post");
        assertEq(_unallocated(), FUNDED - amount - 1, "a rejection released the allocation to the owner");

        vm.warp(_now() + CHALLENGE_WINDOW + 1);
        assertTrue(_now() > postedAt + CHALLENGE_WINDOW, "past the rejected root's window");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, alice));
        dist.claim(leaves[0], proof);

        // The epoch is posted again (by the slashed aggregator after bonding anew): the rejected root still pays
        // nothing, the new one pays.
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        RewardLeaf[] memory leaves2 = _pair(_leaf(alice, reposted, 7), _leaf(bob, 1, 8));
        (bytes32 root2, bytes32[] memory proof2) = _proof(leaves2, 0);
        bytes32 bundleHash = keccak256(abi.encode("bundle", uint256(0), root2));
        vm.prank(AGGREGATOR);
        dist.repostEpoch(0, root2, _totals(reposted + 1), bundleHash, "", _epochData(root, totals, 0));
        assertEq(_owed(), reposted + 1, "owed after the re-post");
        assertEq(_unallocated(), FUNDED - reposted - 1, "unallocated after the re-post");
        vm.warp(_now() + CHALLENGE_WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributorErrors.ClaimInvalidProof.selector, pool, alice));
        dist.claim(leaves[0], proof);
        assertEq(dist.claim(leaves2[0], proof2), reposted, "claim from the re-posted root");
        assertEq(token.balanceOf(alice), reposted, "alice was paid from the rejected root");
    }

    // ------------------------------------------------------------------ pause

    /// @dev Paused at a fuzzed moment (before or after the window ends): no claim of any kind, no post, no
    /// withdrawal moves a token; unpausing restores claims.
    function testFuzz_pause_movesNothing(uint256 amount, uint256 pauseAfter, uint256 wait) public {
        amount = bound(amount, 2, FUNDED / 4);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, amount, 0), _leaf(bob, amount, 1));
        (bytes32 root, bytes32[] memory proofA) = _proof(leaves, 0);
        (, bytes32[] memory proofB) = _proof(leaves, 1);
        uint256 postedAt = _post(0, root, _totals(2 * amount));
        dist.requestWithdrawal(pool, amount);

        vm.warp(postedAt + bound(pauseAfter, 0, 2 * CHALLENGE_WINDOW));
        vm.prank(GUARDIAN);
        dist.pause();
        // Past the window and the withdrawal notice: everything would move if not paused.
        vm.warp(_now() + dist.withdrawalNotice() + bound(wait, 0, 10 * CHALLENGE_WINDOW));

        uint256 balance = token.balanceOf(address(dist));
        bytes4 paused = IRewardDistributorErrors.SystemPaused.selector;
        assertTrue(!dist.isClaimable(0), "claimable while paused");
        assertEq(dist.systemState().claimRoot, bytes32(0), "fast-path root while paused");

        vm.expectRevert(paused);
        dist.claim(leaves[0], proofA);

        Claim[] memory batch = new Claim[](1);
        batch[0] = Claim(leaves[0], proofA);
        vm.expectRevert(paused);
        dist.claimMany(batch);

        AuthorizedClaim memory auth = _authorized(leaves[1], proofB, BOB_KEY, 1);
        vm.expectRevert(paused);
        dist.claimWithAuthorization(auth);
        AuthorizedClaim[] memory authBatch = new AuthorizedClaim[](1);
        authBatch[0] = auth;
        vm.expectRevert(paused);
        dist.claimWithAuthorizations(authBatch);

        vm.expectRevert(paused);
        dist.withdraw(pool, address(this));

        bytes32 nextRoot = keccak256("next");
        PoolTotal[] memory totals = _totals(1);
        vm.prank(AGGREGATOR);
        vm.expectRevert(paused);
        dist.postEpoch(1, nextRoot, totals, bytes32(0), "");

        vm.expectRevert(paused);
        dist.advanceClaimable();

        assertEq(token.balanceOf(address(dist)), balance, "tokens left while paused");
        assertEq(_claimed(alice) + _claimed(bob), 0, "claimed while paused");
        assertEq(dist.systemState().nextEpoch, 1, "posted while paused");

        vm.prank(GUARDIAN);
        dist.unpause();
        // The pause stopped the contract clock: the window resumes where it stood.
        vm.warp(_now() + CHALLENGE_WINDOW);
        assertEq(dist.claim(leaves[0], proofA), amount, "claim after unpause");
        assertEq(dist.claimWithAuthorization(auth), amount, "relayed claim after unpause");
    }

    // ------------------------------------------------------------------ allocation cap

    /// @dev The root promises `a` and `b` (possibly far more than the pool total); claims pay at most what was
    /// allocated and not yet paid, all or nothing, and never touch unallocated funds.
    function testFuzz_claim_neverPaysMoreThanPoolAllocation(uint256 allocation, uint256 a, uint256 b) public {
        allocation = bound(allocation, 0, FUNDED);
        a = bound(a, 1, 2 * FUNDED);
        b = bound(b, 1, 2 * FUNDED);
        RewardLeaf[] memory leaves = _pair(_leaf(alice, a, 0), _leaf(bob, b, 1));
        (bytes32 root, bytes32[] memory proofA) = _proof(leaves, 0);
        (, bytes32[] memory proofB) = _proof(leaves, 1);
        uint256 postedAt = _post(0, root, _totals(allocation));
        vm.warp(postedAt + CHALLENGE_WINDOW);

        uint256 paid = _claimCapped(leaves[0], proofA, allocation, 0);
        paid = _claimCapped(leaves[1], proofB, allocation, paid);

        assertLe(paid, allocation, "paid beyond the allocation");
        assertEq(_owed(), allocation - paid, "owed");
        assertEq(_unallocated(), FUNDED - allocation, "claims touched unallocated funds");
        assertEq(token.balanceOf(address(dist)), FUNDED - paid, "distributor balance");
    }

    function _claimCapped(RewardLeaf memory leaf, bytes32[] memory proof, uint256 allocation, uint256 paid)
        internal
        returns (uint256)
    {
        uint256 owed = allocation - paid;
        if (leaf.cumulativeAmount > owed) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRewardDistributorErrors.PoolAllocationExceeded.selector, pool, leaf.cumulativeAmount, owed
                )
            );
            dist.claim(leaf, proof);
            return paid;
        }
        assertEq(dist.claim(leaf, proof), leaf.cumulativeAmount, "claim amount");
        return paid + leaf.cumulativeAmount;
    }

    /// @dev A total beyond the pool's unallocated funds is cut to what the pool holds (not a failed post).
    function testFuzz_postEpoch_capsTotalsBeyondUnallocated(uint256 excess) public {
        excess = bound(excess, 1, type(uint128).max - FUNDED);
        _post(0, keccak256("root"), _totals(FUNDED + excess));
        assertEq(_owed(), FUNDED, "allocated all the pool held");
        assertEq(_unallocated(), 0, "unallocated after the capped post");
    }

    /// @dev A bad root slips through its window and drains the allocation of a later, still pending epoch; when that
    /// epoch is rejected and posted again, only what is still owed is released. Money is conserved either way
    /// (unallocated + owed == funded - paid).
    function test_repostEpoch_afterOverpayingRootDrainedPendingEpoch_releasesOnlyWhatIsOwed() public {
        RewardLeaf[] memory bad = _pair(_leaf(alice, 40, 0), _leaf(bob, 0, 1));
        (bytes32 root0, bytes32[] memory proof0) = _proof(bad, 0);
        uint256 postedAt0 = _post(0, root0, _totals(10));

        vm.warp(postedAt0 + CHALLENGE_WINDOW - 1);
        RewardLeaf[] memory honest = _pair(_leaf(alice, 40, 2), _leaf(bob, 30, 3));
        (bytes32 root1,) = _proof(honest, 0);
        PoolTotal[] memory totals1 = _totals(30);
        _post(1, root1, totals1);

        vm.warp(postedAt0 + CHALLENGE_WINDOW);
        assertEq(dist.claim(bad[0], proof0), 40, "the bad root pays up to the pool's whole owed balance");
        assertEq(_owed(), 0, "owed after the drain");

        vm.prank(CHALLENGER);
        uint256 challengeId = dist.challenge{value: CHALLENGER_BOND}(1, bytes32("evidence"), "");
        vm.prank(ARBITER);
        dist.upholdChallenge(challengeId);
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        bytes32 root1b = keccak256("root 1b");
        vm.prank(AGGREGATOR);
        dist.repostEpoch(1, root1b, _totals(0), bytes32(0), "", _epochData(root1, totals1, 1));

        assertEq(_unallocated(), FUNDED - 40, "unallocated after the re-post");
        assertEq(_owed(), 0, "owed after the re-post");
        assertEq(_unallocated() + _owed(), FUNDED - 40, "conservation: unallocated + owed == funded - paid");
        assertEq(token.balanceOf(address(dist)), FUNDED - 40, "distributor balance");
    }

    // ------------------------------------------------------------------ many epochs claimable at once

    /// @dev A challenge blocks epoch 0 while 20 more are posted; once it is dismissed, all 21 (past their windows)
    /// become claimable at once and a claim against the latest root pays without any recording transaction
    /// first (claims record every claimable epoch, posts at most MAX_ADVANCE = 16).
    function test_claim_afterManyEpochsBecomeClaimableAtOnce_paysFromLatestRoot() public {
        uint256 last = 20;
        RewardLeaf[] memory leaves = new RewardLeaf[](1);
        for (uint256 e; e <= last; ++e) {
            leaves[0] = _leaf(alice, 10 * (e + 1), e);
            _post(e, TestLeaves.hash(leaves[0]), _totals(10));
            if (e == 0) {
                vm.prank(CHALLENGER);
                dist.challenge{value: CHALLENGER_BOND}(0, bytes32("evidence"), "");
            }
        }
        vm.warp(_now() + CHALLENGE_WINDOW);
        vm.prank(ARBITER);
        dist.dismissChallenge(1);

        (bool exists, uint256 latest) = dist.latestClaimableEpoch();
        assertTrue(exists && latest == last && dist.isClaimable(last), "epoch 20 is reported claimable");
        assertEq(dist.systemState().claimableEnd, 0, "nothing recorded yet");
        RewardLeaf memory latestLeaf = _leaf(alice, 10 * (last + 1), last);
        assertEq(dist.claim(latestLeaf, new bytes32[](0)), 10 * (last + 1), "claim against the latest root");
        assertEq(dist.systemState().claimableEnd, last + 1, "the claim recorded every claimable epoch");
    }

    // ------------------------------------------------------------------ claimed never decreases

    function testFuzz_claim_claimedNeverDecreases(uint256 first, uint256 second) public {
        first = bound(first, 1, FUNDED / 2);
        second = bound(second, 0, FUNDED / 2);
        RewardLeaf[] memory leaves0 = _pair(_leaf(alice, first, 0), _leaf(bob, 0, 1));
        (bytes32 root0, bytes32[] memory proof0) = _proof(leaves0, 0);
        uint256 postedAt0 = _post(0, root0, _totals(first));
        vm.warp(postedAt0 + CHALLENGE_WINDOW);
        dist.claim(leaves0[0], proof0);

        RewardLeaf[] memory leaves1 = _pair(_leaf(alice, second, 2), _leaf(bob, 0, 3));
        (bytes32 root1, bytes32[] memory proof1) = _proof(leaves1, 0);
        uint256 postedAt1 = _post(1, root1, _totals(second > first ? second - first : 0));
        vm.warp(postedAt1 + CHALLENGE_WINDOW);

        if (second <= first) {
            vm.expectRevert(
                abi.encodeWithSelector(IRewardDistributorErrors.ClaimNothingDue.selector, pool, alice, second, first)
            );
            dist.claim(leaves1[0], proof1);
        } else {
            assertEq(dist.claim(leaves1[0], proof1), second - first, "claim pays the difference");
        }
        assertEq(_claimed(alice), second > first ? second : first, "claimed");
        // The superseded root is still accepted but can never take `claimed` back down.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardDistributorErrors.ClaimNothingDue.selector, pool, alice, first, second > first ? second : first
            )
        );
        dist.claim(leaves0[0], proof0);
        assertEq(token.balanceOf(alice), second > first ? second : first, "alice balance");
    }

    // ------------------------------------------------------------------ calldata hygiene

    /// @dev A leaf whose account word has dirty high bits hashes differently in MeshpayHashing.leafHash; claim must
    /// refuse it outright rather than pay the cleaned address.
    function testFuzz_claim_revertsOnDirtyAccountWord(uint96 dirt) public {
        dirt = uint96(bound(dirt, 1, type(uint96).max));
        RewardLeaf[] memory leaves = _pair(_leaf(alice, 5, 0), _leaf(bob, 5, 1));
        (bytes32 root, bytes32[] memory proof) = _proof(leaves, 0);
        uint256 postedAt = _post(0, root, _totals(10));
        vm.warp(postedAt + CHALLENGE_WINDOW);

        bytes memory data = abi.encodeCall(IRewardDistributor.claim, (leaves[0], proof));
        uint256 word = uint256(uint160(alice)) | (uint256(dirt) << 160);
        assembly ("memory-safe") {
            mstore(add(data, 0x24), word) // selector (4) + length prefix (32): the leaf's first word
        }
        (bool ok,) = address(dist).call(data);
        assertTrue(!ok, "claim accepted a dirty account word");
        assertEq(token.balanceOf(alice), 0, "paid on a dirty account word");
        assertEq(dist.claim(leaves[0], proof), 5, "clean claim");
    }

    // ------------------------------------------------------------------ helpers

    function _authorized(RewardLeaf memory leaf, bytes32[] memory proof, uint256 key, uint256 fee)
        internal
        view
        returns (AuthorizedClaim memory c)
    {
        uint64 deadline = uint64(_now() + 30 days);
        (, uint256 nonce) = dist.claimed(leaf.poolId, leaf.account);
        bytes32 digest = TestLeaves.claimAuthorizationDigest(
            dist.domainSeparator(), leaf.poolId, leaf.account, RELAYER, fee, nonce, deadline
        );
        (bytes32 r, bytes32 vs) = _signCompact(key, digest);
        c = AuthorizedClaim({
            leaf: leaf,
            proof: proof,
            recipient: RELAYER,
            maxFee: fee,
            nonce: nonce,
            deadline: deadline,
            fee: fee,
            r: r,
            vs: vs
        });
    }
}
