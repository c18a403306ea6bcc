// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {Assertions, FuzzSelector, vm} from "./DistributorTestHarness.sol";
import {RewardDistributor} from "../RewardDistributor.sol";
import {RewardDistributorHandler} from "./RewardDistributorHandler.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {PoolInfo, SystemState, DistributorConfig} from "../interfaces/RewardDistributorTypes.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Invariants of the RewardDistributor over random action sequences driven by RewardDistributorHandler
/// (config: invariant runs 64, depth 32). The runner discovers the handler through targetContracts() and calls
/// only the selectors from targetSelectors() (Foundry's StdInvariant conventions, which Hardhat's EDR follows).
contract RewardDistributorInvariantTest is Assertions {
    RewardDistributorHandler internal handler;
    IRewardDistributor internal dist;
    uint256 internal constant POOLS = 3;
    uint256 internal constant ACCOUNTS = 4;

    function setUp() public {
        vm.warp(1_700_000_000);
        dist = IRewardDistributor(
            address(new RewardDistributor(ADMIN, address(0), address(0), address(0x7EA5), _config()))
        );
        handler = new RewardDistributorHandler(dist);
        // The handler is guardian and arbiter; the admin (kept apart from both) grants the roles.
        vm.startPrank(ADMIN);
        IAccessControl(address(dist)).grantRole(keccak256("GUARDIAN_ROLE"), address(handler));
        IAccessControl(address(dist)).grantRole(keccak256("ARBITER_ROLE"), address(handler));
        vm.stopPrank();
    }

    address internal constant ADMIN = address(0xAD);

    function _config() internal pure returns (DistributorConfig memory) {
        return DistributorConfig({
            genesisTime: 1_700_000_000,
            epochSeconds: 100,
            graceSeconds: 10,
            challengeWindow: 300,
            arbiterTimeout: 600,
            aggregatorBond: 1 ether,
            challengerBond: 0.1 ether,
            challengerShareBps: 5_000
        });
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: handler.actions()});
    }

    function _noViolation(bytes32 property) internal view {
        if (handler.violations(property) != 0) {
            revert(string.concat(_name(property), ": ", handler.violation(property)));
        }
    }

    function _name(bytes32 property) internal pure returns (string memory name) {
        uint256 n;
        while (n < 32 && property[n] != 0) ++n;
        bytes memory b = new bytes(n);
        for (uint256 i; i < n; ++i) {
            b[i] = property[i];
        }
        name = string(b);
    }

    /// @notice Per pool: paid <= allocated <= funded, and the contract's own books equal the ghost sums:
    /// owed == allocated - paid, unallocated == funded - allocated - withdrawn, so
    /// unallocated + owed == funded - paid - withdrawn.
    function invariant_poolFundsAreConserved() public view {
        _noViolation(handler.ACCOUNTING());
        for (uint256 p; p < POOLS; ++p) {
            uint256 funded = handler.funded(p);
            uint256 allocated = handler.allocated(p);
            uint256 paid = handler.paid(p);
            uint256 withdrawn = handler.withdrawn(p);
            assertLe(paid, allocated, "paid > allocated");
            assertLe(allocated, funded, "allocated > funded");
            PoolInfo memory info = dist.poolInfo(handler.poolId(p));
            assertEq(
                info.unallocated + info.owed,
                funded - paid - withdrawn,
                "unallocated + owed != funded - paid - withdrawn"
            );
            assertEq(info.owed, allocated - paid, "owed != allocated - paid");
            assertEq(info.unallocated, funded - allocated - withdrawn, "unallocated != funded - allocated - withdrawn");
        }
    }

    /// @notice What relays earned in closed epochs is never withdrawable by the pool owner: the totals of every post
    /// not yet replaced (live, or rejected and awaiting its re-post) stay covered by owed + paid, whatever was
    /// challenged, rejected, withdrawn or re-posted (unless an overpaying root paid some of it out to others).
    /// The owner can only ever withdraw unallocated funds, so what it withdrew plus what it still could never exceeds
    /// funded - reserved, bad roots or not (a re-post releases at most the replaced post's totals).
    function invariant_closedEpochEarningsNeverWithdrawable() public view {
        _noViolation(handler.RESERVED());
        for (uint256 p; p < POOLS; ++p) {
            PoolInfo memory info = dist.poolInfo(handler.poolId(p));
            assertLe(
                info.unallocated + handler.withdrawn(p),
                handler.funded(p) - handler.reserved(p),
                "withdrawn + withdrawable > funded - earnings of posts not replaced"
            );
            if (handler.badRootPaid(p)) continue;
            assertGe(info.owed + handler.paid(p), handler.reserved(p), "reserved earnings left owed + paid");
        }
    }

    /// @notice Every call the handler made stayed within its gas bound (posts listing up to 43 pools: 5,000,000;
    /// everything else, rejections included, with up to MAX_PENDING epochs pending: 500,000).
    /// The handler records the most gas each kind of call used (while it creates up to 43 pools and keeps up to 40
    /// epochs pending); each maximum must stay under its bound.
    function invariant_everyCallHasBoundedGas() public view {
        _noViolation(handler.GAS_BOUND());
        bytes32[6] memory small = [bytes32("uphold"), "expire", "dismiss", "void", "claim", "withdraw"];
        for (uint256 i; i < small.length; ++i) {
            assertLe(handler.maxGas(small[i]), handler.MAX_CALL_GAS(), string.concat(_name(small[i]), " gas"));
        }
        assertLe(handler.maxGas("post"), handler.MAX_POST_GAS(), "post gas");
        assertLe(handler.maxGas("repost"), handler.MAX_POST_GAS(), "repost gas");
    }

    /// @notice Per token, the distributor holds at least what its pools account for (unallocated + owed).
    function invariant_tokenBalanceCoversPools() public view {
        TestToken tokenA = handler.tokenA();
        TestToken tokenB = handler.tokenB();
        uint256 sumA;
        uint256 sumB;
        for (uint256 p; p < POOLS; ++p) {
            PoolInfo memory info = dist.poolInfo(handler.poolId(p));
            if (info.token == address(tokenA)) sumA += info.unallocated + info.owed;
            else sumB += info.unallocated + info.owed;
        }
        assertGe(tokenA.balanceOf(address(dist)), sumA, "token A balance below the pools' books");
        assertGe(tokenB.balanceOf(address(dist)), sumB, "token B balance below the pools' books");
    }

    /// @notice claimed(pool, account) never decreased after any action, and equals the cumulative amount of the
    /// last claim paid.
    function invariant_claimedNeverDecreases() public view {
        _noViolation(handler.CLAIMED_MONOTONIC());
        for (uint256 k; k < POOLS * ACCOUNTS; ++k) {
            (uint256 claimed,) = dist.claimed(handler.poolId(k / ACCOUNTS), handler.account(k % ACCOUNTS));
            assertGe(claimed, handler.lastSeenClaimed(k), "claimed decreased");
            assertEq(claimed, handler.modelClaimed(k), "claimed != cumulative amount of the last paid claim");
        }
    }

    /// @notice No claim was paid from an epoch before its window ended, from an epoch after an unclaimable one, or
    /// from a root other than the latest claimable / superseded / recorded one; isClaimable(e) is exactly "posted,
    /// window passed, no open challenge on it or before it, not paused", and never true for e + 1 while false for e.
    function invariant_nothingClaimableEarlyOrOutOfOrder() public view {
        _noViolation(handler.TIMING());
        uint256 next = handler.nextEpoch();
        bool previous = true;
        for (uint256 e; e <= next; ++e) {
            bool claimable = dist.isClaimable(e);
            assertTrue(claimable == handler.expectedClaimable(e), "isClaimable(e) differs from the model");
            assertTrue(previous || !claimable, "epoch claimable while an earlier one is not");
            previous = claimable;
        }
        (bool exists, uint256 latest) = dist.latestClaimableEpoch();
        uint256 ripe = handler.ripeCount();
        if (handler.paused() || ripe == 0) assertTrue(!exists, "latestClaimableEpoch while nothing is claimable");
        else assertTrue(exists && latest == ripe - 1, "latestClaimableEpoch differs from the model");
    }

    /// @notice No claim against a rejected root was ever paid, and no rejected root is the fast-path root.
    function invariant_rejectedEpochsPayNothing() public view {
        _noViolation(handler.REJECTED());
        bytes32 claimRoot = dist.systemState().claimRoot;
        uint256 n = handler.rejectedCount();
        for (uint256 i = n > 8 ? n - 8 : 0; i < n; ++i) {
            assertTrue(claimRoot != handler.rejectedRoot(i), "a rejected root is the claim root");
        }
    }

    /// @notice While paused no token left the distributor and no post, claim, withdrawal or advance succeeded.
    function invariant_pausedContractMovesNothing() public view {
        _noViolation(handler.PAUSED());
        SystemState memory s = dist.systemState();
        assertTrue(s.paused == handler.paused(), "paused flag differs from the model");
        if (s.paused) assertEq(s.claimRoot, bytes32(0), "fast-path claim root set while paused");
    }

    /// @notice No claim paid beyond its pool's allocation, whatever its root said (one post in eight is an
    /// overpaying root), and no post allocated beyond a pool's unallocated funds. Against the sum of the totals of
    /// surviving epochs, paid can only be higher after an overpaying root paid out (see
    /// RewardDistributorTest.test_repostEpoch_afterOverpayingRootDrainedPendingEpoch_releasesOnlyWhatIsOwed).
    function invariant_claimsNeverExceedAllocation() public view {
        _noViolation(handler.ALLOCATION_CAP());
        for (uint256 p; p < POOLS; ++p) {
            assertLe(handler.paid(p), handler.allocated(p), "paid > allocated");
            if (!handler.badRootPaid(p)) {
                assertLe(handler.paid(p), handler.allocatedLive(p), "paid > totals of surviving epochs, no bad root");
            }
        }
    }

    /// @notice Valid actions succeeded, the epoch sequence and challenges match the model, and every wei the
    /// distributor holds is a bond, an open challenge bond or a credit.
    function invariant_handlerAgreesWithContract() public view {
        _noViolation(handler.LIVENESS());
        _noViolation(handler.MODEL());
        SystemState memory s = dist.systemState();
        assertEq(s.nextEpoch, handler.nextEpoch(), "nextEpoch");
        assertEq(s.openChallenges, handler.openChallengeCount(), "openChallenges");
        uint256 lowest = handler.lowestOpenChallenge();
        assertEq(s.blockedFrom, lowest, "blockedFrom");
        uint256 held = dist.creditOf(address(handler)) + dist.creditOf(handler.TREASURY())
            + dist.aggregatorInfo(handler.aggregator(0)).bond + dist.aggregatorInfo(handler.aggregator(1)).bond
            + handler.openChallengeCount() * handler.CHALLENGER_BOND();
        assertEq(address(dist).balance, handler.ethIn(), "wei held != bonds received");
        assertEq(held, address(dist).balance, "credits + bonds + open challenge bonds != wei held");
    }

    /// @dev A fixed pseudo-random walk through the handler: proves every action can succeed (the campaign is not
    /// vacuous) and that the model holds over a longer run than the campaign's depth.
    function test_handler_randomWalkExercisesEveryAction() public {
        bytes4[] memory actions = handler.actions();
        for (uint256 i; i < 300; ++i) {
            uint256 r = uint256(keccak256(abi.encode("walk", i)));
            bytes4 action = actions[r % actions.length];
            // Fund and post more often early on so claims have something to pay.
            if (i < 12) action = i % 2 == 0 ? handler.fund.selector : handler.postEpoch.selector;
            // Now and then the owner tries to withdraw right as an epoch closes, ahead of its post (scenario 2c).
            if (i % 40 == 39) action = handler.withdrawAheadOfPost.selector;
            bytes memory args = abi.encode(r >> 8, r >> 16);
            // And now and then a batch claim (plain, then authorized) of leaves that still have something due, so the
            // batch paths are exercised in a walk this short: claim() reads its mode from the seed's bits.
            if (i >= 12 && (i % 40 == 19 || i % 40 == 29)) {
                action = handler.claim.selector;
                uint256 mode = i % 40 == 19 ? 3 : 4;
                uint256 seed = r >> 8;
                while ((seed >> 8) % 5 != mode || (seed >> 28) % 4 == 0 || seed % 4 == 0) {
                    seed = uint256(keccak256(abi.encode(seed)));
                }
                args = abi.encode(seed);
            }
            (bool ok,) = address(handler).call(abi.encodePacked(action, args));
            assertTrue(ok, "handler action reverted");
        }
        invariant_poolFundsAreConserved();
        invariant_tokenBalanceCoversPools();
        invariant_claimedNeverDecreases();
        invariant_nothingClaimableEarlyOrOutOfOrder();
        invariant_rejectedEpochsPayNothing();
        invariant_pausedContractMovesNothing();
        invariant_claimsNeverExceedAllocation();
        invariant_handlerAgreesWithContract();
        invariant_closedEpochEarningsNeverWithdrawable();
        invariant_everyCallHasBoundedGas();
        string[22] memory names = [
            "fund", "post", "post.overpaying", "post.capped", "post.repost", "claim", "claim.authorized",
            "claim.batch", "claim.authorizedBatch", "claim.refused.early", "claimRejected.refused", "challenge",
            "challenge.second", "uphold", "dismiss", "expire", "pause", "withdraw", "claim.refused.paused",
            "createPool", "withdraw.refused.inFlight", "post.catchUp"
        ];
        string memory missing;
        for (uint256 i; i < names.length; ++i) {
            if (handler.calls(bytes32(bytes(names[i]))) == 0) missing = string.concat(missing, " ", names[i]);
        }
        assertEq(bytes(missing).length, 0, string.concat("never happened:", missing));
        // The gas maxima were measured on real calls of each kind.
        bytes32[5] memory measured = [bytes32("post"), "repost", "uphold", "expire", "claim"];
        for (uint256 i; i < measured.length; ++i) {
            assertTrue(handler.maxGas(measured[i]) > 0, string.concat("gas never measured: ", _name(measured[i])));
        }
        assertTrue(handler.maxGas("withdraw") > 0, "gas never measured: withdraw");
    }
}
