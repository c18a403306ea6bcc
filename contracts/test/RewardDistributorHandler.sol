// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Assertions, MerkleTreeBuilder, TestLeaves, vm} from "./DistributorTestHarness.sol";
import {RewardDistributor} from "../RewardDistributor.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {
    PoolTotal,
    RewardLeaf,
    Claim,
    AuthorizedClaim,
    EpochData,
    DistributorConfig
} from "../interfaces/RewardDistributorTypes.sol";
import {PoolIdLib} from "../libraries/PoolIdLib.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice Drives a RewardDistributor through random sequences of funding, honest, overpaying and overdrawn posts,
/// direct, relayed and batched claims, claims against rejected roots, challenges (upheld, dismissed, expired),
/// pauses, withdrawals and time, while keeping an independent model (ghost state) of what must have happened.
/// @dev The invariant runner ignores reverting handler calls, so the handler never reverts: every contract call is
/// a try/catch, and whatever contradicts the model is recorded in `violation[property]`, which the invariants check.
/// Time runs fast here (100 s epochs, 300 s window) so a 32-call sequence sees many epochs settle.
contract RewardDistributorHandler is Assertions {
    uint256 public constant GENESIS = 1_700_000_000;
    uint256 public constant EPOCH_SECONDS = 100;
    uint256 public constant GRACE_SECONDS = 10;
    uint256 public constant CHALLENGE_WINDOW = 300;
    uint256 public constant ARBITER_TIMEOUT = 600;
    uint256 public constant AGGREGATOR_BOND = 1 ether;
    uint256 public constant CHALLENGER_BOND = 0.1 ether;
    uint256 public constant POOLS = 3;
    uint256 public constant ACCOUNTS = 4;
    uint256 internal constant MAX_FUND = 1e27;
    address public constant TREASURY = address(0x7EA5);
    address internal constant WITHDRAW_TO = address(0xD0D0);

    // Properties, as keys of `violation`.
    bytes32 public constant ACCOUNTING = "accounting";
    bytes32 public constant CLAIMED_MONOTONIC = "claimed never decreases";
    bytes32 public constant TIMING = "claim timing and order";
    bytes32 public constant REJECTED = "rejected epochs pay nothing";
    bytes32 public constant PAUSED = "paused moves nothing";
    bytes32 public constant ALLOCATION_CAP = "claims within allocation";
    bytes32 public constant LIVENESS = "valid actions succeed";
    bytes32 public constant MODEL = "model agrees";

    IRewardDistributor public immutable dist;
    TestToken public immutable tokenA;
    TestToken public immutable tokenB;

    bytes32[POOLS] internal _pools; // strictly ascending
    address[ACCOUNTS] internal _accounts;
    uint256[ACCOUNTS] internal _keys;
    address[2] internal _aggregators;
    mapping(address => bool) internal _aggregatorActive;

    // ---------------------------------------------------------------- ghost state

    /// @dev Per pool: what fund() received, what posts allocated (minus what rejections released), what claims
    /// paid and what withdrawals took.
    uint256[POOLS] public funded;
    uint256[POOLS] public allocated;
    uint256[POOLS] public paid;
    uint256[POOLS] public withdrawn;
    /// @dev Per pool: sum of the totals of posted epochs that were not rejected (nothing subtracted on release).
    uint256[POOLS] public allocatedLive;
    /// @dev Per pool: whether an overpaying root paid a claim (the only way paid can outgrow allocatedLive).
    bool[POOLS] public badRootPaid;
    /// @dev Per (pool, account) = pool * ACCOUNTS + account: the cumulative amount claimed, and the last value seen.
    mapping(uint256 => uint256) public modelClaimed;
    mapping(uint256 => uint256) public lastSeenClaimed;
    /// @dev Wei the distributor received (bonds); nothing in this handler withdraws any.
    uint256 public ethIn;

    struct EpochModel {
        bytes32 root;
        uint256 postedAt;
        address aggregator;
        bytes32 bundleHash;
        uint256[POOLS] totals;
        uint256 mask; // which pools are listed in poolTotals (besides those with a nonzero total)
        uint256 leafStart;
        uint256 leafCount;
        bool overpaying;
    }

    struct RootRef {
        bytes32 root;
        uint256 leafStart;
        uint256 leafCount;
    }

    struct ChallengeModel {
        uint256 epoch;
        uint256 openedAt;
    }

    mapping(uint256 epoch => EpochModel) internal _epochs;
    /// @dev Honest cumulative entitlements after each epoch, per (pool, account).
    mapping(uint256 epoch => uint256[POOLS * ACCOUNTS]) internal _cumAfter;
    uint256 public nextEpoch;
    RewardLeaf[] internal _leafStore;
    RootRef[] internal _rejected;

    mapping(uint256 epoch => uint256 challengeId) public openChallengeOf;
    mapping(uint256 challengeId => ChallengeModel) internal _challenges;
    uint256[] internal _openIds;

    bool public paused;
    uint256[POOLS] internal _withdrawalAmount;
    uint256[POOLS] internal _withdrawalAt;

    mapping(bytes32 property => string) public violation;
    mapping(bytes32 property => uint256) public violations;
    mapping(bytes32 action => uint256) public calls;

    constructor() {
        tokenA = new TestToken("Token A", "TKA", 18);
        tokenB = new TestToken("Token B", "TKB", 6);
        vm.warp(GENESIS);
        DistributorConfig memory config = DistributorConfig({
            genesisTime: GENESIS,
            epochSeconds: EPOCH_SECONDS,
            graceSeconds: GRACE_SECONDS,
            challengeWindow: CHALLENGE_WINDOW,
            arbiterTimeout: ARBITER_TIMEOUT,
            aggregatorBond: AGGREGATOR_BOND,
            challengerBond: CHALLENGER_BOND,
            challengerShareBps: 5_000
        });
        // The handler is admin, guardian and arbiter, challenger and pool owner; two addresses aggregate.
        dist = IRewardDistributor(
            address(new RewardDistributor(address(this), address(this), address(this), TREASURY, config))
        );
        bytes32 p0 = dist.createPool(address(tokenA), 1e15, address(0x5161), "");
        bytes32 p1 = dist.createPool(address(tokenA), 2e15, address(0x5162), "");
        bytes32 p2 = dist.createPool(address(tokenB), 1e6, address(0x5163), "");
        (p0, p1) = p0 < p1 ? (p0, p1) : (p1, p0);
        (p1, p2) = p1 < p2 ? (p1, p2) : (p2, p1);
        (p0, p1) = p0 < p1 ? (p0, p1) : (p1, p0);
        _pools = [p0, p1, p2];
        tokenA.approve(address(dist), type(uint256).max);
        tokenB.approve(address(dist), type(uint256).max);
        for (uint256 a; a < ACCOUNTS; ++a) {
            _keys[a] = 0xACC0 + a;
            _accounts[a] = vm.addr(_keys[a]);
        }
        _aggregators = [address(0xA661), address(0xA662)];
        vm.deal(address(this), 1_000_000 ether);
        // Every pool starts funded, so short sequences already have something to allocate and claim.
        for (uint256 p; p < POOLS; ++p) {
            _tokenOf(p).mint(address(this), 1e24);
            dist.fund(_pools[p], 1e24);
            funded[p] = 1e24;
        }
    }

    // ================================================================ actions

    modifier observe() {
        bool pausedBefore = paused;
        uint256 balanceA = tokenA.balanceOf(address(dist));
        uint256 balanceB = tokenB.balanceOf(address(dist));
        _;
        if (pausedBefore && paused) {
            if (tokenA.balanceOf(address(dist)) < balanceA || tokenB.balanceOf(address(dist)) < balanceB) {
                _violate(PAUSED, "tokens left the distributor while paused");
            }
        }
        for (uint256 k; k < POOLS * ACCOUNTS; ++k) {
            (uint256 c,) = dist.claimed(_pools[k / ACCOUNTS], _accounts[k % ACCOUNTS]);
            if (c < lastSeenClaimed[k]) _violate(CLAIMED_MONOTONIC, "claimed(pool, account) decreased");
            if (c != modelClaimed[k]) _violate(ACCOUNTING, "claimed(pool, account) differs from the claims paid");
            lastSeenClaimed[k] = c;
        }
    }

    function fund(uint256 poolSeed, uint256 amount) external observe {
        uint256 p = poolSeed % POOLS;
        amount = bound(amount, 1, MAX_FUND);
        _tokenOf(p).mint(address(this), amount);
        try dist.fund(_pools[p], amount) {
            funded[p] += amount;
            ++calls["fund"];
        } catch {
            _violate(LIVENESS, "fund refused");
        }
    }

    /// @dev Posts the next epoch, waiting for it to close. One post in eight is overpaying (its leaves promise more
    /// than its pool totals), one in eight overdrawn (its totals exceed a pool's unallocated funds: must revert).
    function postEpoch(uint256 seed) external observe {
        seed = _mix(seed);
        uint256 e = nextEpoch;
        address aggregator = _aggregators[seed % 2];
        if (!_aggregatorActive[aggregator]) {
            vm.deal(aggregator, AGGREGATOR_BOND);
            vm.prank(aggregator);
            try dist.registerAggregator{value: AGGREGATOR_BOND}() {
                _aggregatorActive[aggregator] = true;
                ethIn += AGGREGATOR_BOND;
            } catch {
                _violate(LIVENESS, "registerAggregator refused");
                return;
            }
        }
        uint256 closesAt = GENESIS + (e + 1) * EPOCH_SECONDS + GRACE_SECONDS;
        if (_now() < closesAt) vm.warp(closesAt);

        uint256 variant = (seed >> 8) % 8; // 0: overpaying, 1: overdrawn, else honest
        uint256 salt = uint256(keccak256(abi.encode(seed, e, _leafStore.length)));
        (RewardLeaf[] memory leaves, uint256[POOLS] memory totals, uint256[POOLS * ACCOUNTS] memory cum) =
            _buildLeaves(e, seed, salt, variant == 0);
        uint256[POOLS] memory listed = totals;
        if (variant == 1) {
            uint256 p = (seed >> 40) % POOLS;
            listed[p] = _unallocated(p) + 1 + (salt % 1e18);
        }
        uint256 mask = (seed >> 48) % 8;
        PoolTotal[] memory poolTotals = _poolTotals(listed, mask);
        bytes32 root = MerkleTreeBuilder.rootOf(TestLeaves.hashAll(leaves));
        bytes32 bundleHash = keccak256(abi.encode("bundle", salt));
        bool expectOk = !paused && variant != 1;

        vm.prank(aggregator);
        try dist.postEpoch(e, root, poolTotals, bundleHash, "") {
            if (paused) _violate(PAUSED, "postEpoch succeeded while paused");
            if (variant == 1) _violate(ALLOCATION_CAP, "postEpoch allocated beyond a pool's unallocated funds");
            EpochModel storage m = _epochs[e];
            m.root = root;
            m.postedAt = _now();
            m.aggregator = aggregator;
            m.bundleHash = bundleHash;
            m.totals = listed;
            m.mask = mask;
            m.leafStart = _leafStore.length;
            m.leafCount = leaves.length;
            m.overpaying = variant == 0;
            for (uint256 i; i < leaves.length; ++i) {
                _leafStore.push(leaves[i]);
            }
            _cumAfter[e] = cum;
            for (uint256 p; p < POOLS; ++p) {
                allocated[p] += listed[p];
                allocatedLive[p] += listed[p];
            }
            nextEpoch = e + 1;
            ++calls[variant == 0 ? bytes32("post.overpaying") : bytes32("post")];
        } catch {
            if (expectOk) _violate(LIVENESS, "a valid postEpoch was refused");
            ++calls[paused ? bytes32("post.refused.paused") : bytes32("post.refused.overdrawn")];
        }
    }

    /// @dev Claims one leaf (directly or relayed) or two in a batch (claimMany or claimWithAuthorizations): three
    /// times in four from the latest claimable epoch or the one it superseded, otherwise from any of the last four
    /// epochs (pending ones included). One time in four it first waits until that epoch's window ends, one time in
    /// four until up to 30 s before.
    function claim(uint256 seed) external observe {
        seed = _mix(seed);
        if (nextEpoch == 0) return;
        uint256 ripe = ripeCount();
        uint256 e;
        if (seed % 4 != 0 && ripe > 0) {
            e = ripe > 1 && (seed >> 4) % 4 == 0 ? ripe - 2 : ripe - 1;
        } else {
            e = nextEpoch - 1 - (seed >> 4) % (nextEpoch < 4 ? nextEpoch : 4);
        }
        uint256 windowEnd = _epochs[e].postedAt + CHALLENGE_WINDOW;
        if ((seed >> 6) % 4 == 0 && _now() < windowEnd) {
            vm.warp(windowEnd); // the first second it is claimable
        } else if ((seed >> 6) % 4 == 1 && _now() < windowEnd - 1 - (seed >> 12) % 30) {
            vm.warp(windowEnd - 1 - (seed >> 12) % 30); // just before
        }
        EpochModel storage m = _epochs[e];
        uint256 mode = (seed >> 8) % 5;
        uint256 first = (seed >> 16) % m.leafCount;
        uint256 second = m.leafCount > 1 ? (first + 1 + (seed >> 24) % (m.leafCount - 1)) % m.leafCount : first;
        if (mode == 3 && m.leafCount > 1) {
            _claimBatch(e, first, second);
        } else if (mode == 4 && m.leafCount > 1) {
            _claimAuthorizedBatch(e, first, second, seed);
        } else if (mode == 2) {
            _claimAuthorized(e, first, seed);
        } else {
            _claimDirect(e, first);
        }
    }

    /// @dev Claims a leaf of a rejected root: must always revert.
    function claimRejected(uint256 seed) external observe {
        seed = _mix(seed);
        if (_rejected.length == 0) return;
        RootRef memory ref = _rejected[seed % _rejected.length];
        (RewardLeaf memory leaf, bytes32[] memory proof) =
            _leafAndProof(ref.leafStart, ref.leafCount, (seed >> 8) % ref.leafCount);
        try dist.claim(leaf, proof) {
            _violate(REJECTED, "a claim against a rejected root paid");
        } catch {
            ++calls["claimRejected.refused"];
        }
    }

    function challenge(uint256 seed) external observe {
        seed = _mix(seed);
        if (nextEpoch == 0) return;
        uint256 e = nextEpoch - 1 - seed % (nextEpoch < 4 ? nextEpoch : 4);
        bool expectOk = _now() < _epochs[e].postedAt + CHALLENGE_WINDOW && openChallengeOf[e] == 0;
        try dist.challenge{value: CHALLENGER_BOND}(e, bytes32(seed), "") returns (uint256 id) {
            if (!expectOk) _violate(MODEL, "challenge accepted on an epoch that is not pending or already challenged");
            ethIn += CHALLENGER_BOND;
            openChallengeOf[e] = id;
            _challenges[id] = ChallengeModel({epoch: e, openedAt: _now()});
            _openIds.push(id);
            ++calls["challenge"];
        } catch {
            if (expectOk) _violate(LIVENESS, "challenge of a pending epoch refused");
        }
    }

    /// @dev Upholds, dismisses or (after the arbiter timeout) expires an open challenge.
    function resolveChallenge(uint256 seed) external observe {
        seed = _mix(seed);
        if (_openIds.length == 0) return;
        uint256 id = _openIds[seed % _openIds.length];
        ChallengeModel memory c = _challenges[id];
        uint256 mode = (seed >> 8) % 3;
        if (mode == 0) {
            try dist.dismissChallenge(id) {
                _closeChallenge(c.epoch);
                _epochs[c.epoch].postedAt = _now(); // a dismissal restarts the epoch's window
                ++calls["dismiss"];
            } catch {
                _violate(LIVENESS, "dismissChallenge refused");
            }
            return;
        }
        EpochData[] memory data = _epochDataFrom(c.epoch);
        if (mode == 1) {
            try dist.upholdChallenge(id, data) {
                _aggregatorActive[_epochs[c.epoch].aggregator] = false;
                _rejectFrom(c.epoch);
                ++calls["uphold"];
            } catch {
                _violate(LIVENESS, "upholdChallenge refused");
            }
        } else {
            if (_now() < c.openedAt + ARBITER_TIMEOUT) vm.warp(c.openedAt + ARBITER_TIMEOUT);
            try dist.resolveExpiredChallenge(id, data) {
                _rejectFrom(c.epoch);
                ++calls["expire"];
            } catch {
                _violate(LIVENESS, "resolveExpiredChallenge refused");
            }
        }
    }

    /// @dev Unpauses when paused; otherwise pauses one time in three (and checks unpause refuses the other times).
    function togglePause(uint256 seed) external observe {
        seed = _mix(seed);
        if (paused) {
            try dist.unpause() {
                paused = false;
                ++calls["unpause"];
            } catch {
                _violate(LIVENESS, "unpause refused");
            }
        } else if (seed % 3 == 0) {
            try dist.pause() {
                paused = true;
                ++calls["pause"];
            } catch {
                _violate(LIVENESS, "pause refused");
            }
        } else {
            try dist.unpause() {
                _violate(MODEL, "unpause succeeded while not paused");
                paused = false;
            } catch {}
        }
    }

    function advanceClaimable() external observe {
        try dist.advanceClaimable() {
            if (paused) _violate(PAUSED, "advanceClaimable succeeded while paused");
            ++calls["advance"];
        } catch {
            if (!paused) _violate(LIVENESS, "advanceClaimable refused");
        }
    }

    function requestWithdrawal(uint256 poolSeed, uint256 amount) external observe {
        uint256 p = poolSeed % POOLS;
        amount = bound(amount, 1, 2 * _unallocated(p) + 1);
        try dist.requestWithdrawal(_pools[p], amount) {
            _withdrawalAmount[p] = amount;
            _withdrawalAt[p] = _now() + EPOCH_SECONDS + GRACE_SECONDS + CHALLENGE_WINDOW;
            ++calls["requestWithdrawal"];
        } catch {
            _violate(LIVENESS, "requestWithdrawal refused");
        }
    }

    /// @dev Waits for the notice if needed, then withdraws min(requested, unallocated).
    function withdraw(uint256 poolSeed) external observe {
        uint256 p = poolSeed % POOLS;
        if (_withdrawalAt[p] == 0) {
            try dist.withdraw(_pools[p], WITHDRAW_TO) {
                _violate(MODEL, "withdraw succeeded without a request");
            } catch {}
            return;
        }
        if (_now() < _withdrawalAt[p]) vm.warp(_withdrawalAt[p]);
        uint256 unallocated = _unallocated(p);
        uint256 expected = _withdrawalAmount[p] < unallocated ? _withdrawalAmount[p] : unallocated;
        TestToken t = _tokenOf(p);
        uint256 before = t.balanceOf(WITHDRAW_TO);
        try dist.withdraw(_pools[p], WITHDRAW_TO) returns (uint256 amount) {
            if (paused) _violate(PAUSED, "withdraw paid while paused");
            if (amount != expected || t.balanceOf(WITHDRAW_TO) - before != amount) {
                _violate(ACCOUNTING, "withdraw paid other than min(requested, unallocated)");
            }
            withdrawn[p] += amount;
            _withdrawalAmount[p] = 0;
            _withdrawalAt[p] = 0;
            ++calls["withdraw"];
        } catch {
            if (!paused) _violate(LIVENESS, "a due withdrawal was refused");
            else ++calls["withdraw.refused.paused"];
        }
    }

    function warp(uint256 secondsToAdd) external observe {
        vm.warp(_now() + bound(secondsToAdd, 1, 2 * CHALLENGE_WINDOW));
    }

    // ================================================================ claims

    function _claimDirect(uint256 e, uint256 index) internal {
        EpochModel storage m = _epochs[e];
        (RewardLeaf memory leaf, bytes32[] memory proof) = _leafAndProof(m.leafStart, m.leafCount, index);
        (bool accepted, bool ripe) = _acceptance(e);
        uint256 k = _key(leaf);
        uint256 claimedBefore = modelClaimed[k];
        bool expectOk = accepted && _due(leaf, claimedBefore);
        uint256 balanceBefore = _tokenOf(k / ACCOUNTS).balanceOf(address(dist));
        try dist.claim(leaf, proof) returns (uint256 amount) {
            _checkPaid(e, ripe, accepted, leaf, amount);
            _checkOutflow(k / ACCOUNTS, balanceBefore, amount);
            ++calls["claim"];
        } catch {
            if (expectOk) _violate(LIVENESS, "a claimable leaf was refused");
            _countRefusal(ripe);
        }
    }

    function _claimAuthorized(uint256 e, uint256 index, uint256 seed) internal {
        EpochModel storage m = _epochs[e];
        (RewardLeaf memory leaf, bytes32[] memory proof) = _leafAndProof(m.leafStart, m.leafCount, index);
        (bool accepted, bool ripe) = _acceptance(e);
        uint256 k = _key(leaf);
        uint256 claimedBefore = modelClaimed[k];
        bool due = _due(leaf, claimedBefore);
        uint256 fee = due ? (leaf.cumulativeAmount - claimedBefore) * ((seed >> 32) & 0xff) / 255 : 0;
        AuthorizedClaim memory c = _authorize(leaf, proof, k % ACCOUNTS, fee, fee + ((seed >> 40) & 0xff));
        TestToken t = _tokenOf(k / ACCOUNTS);
        uint256 balanceBefore = t.balanceOf(address(dist));
        uint256 recipientBefore = t.balanceOf(c.recipient);
        try dist.claimWithAuthorization(c) returns (uint256 amount) {
            _checkPaid(e, ripe, accepted, leaf, amount);
            _checkOutflow(k / ACCOUNTS, balanceBefore, amount);
            if (t.balanceOf(c.recipient) - recipientBefore != amount - fee) {
                _violate(ACCOUNTING, "relayed claim paid the recipient other than amount - fee");
            }
            ++calls["claim.authorized"];
        } catch {
            if (accepted && due) _violate(LIVENESS, "a claimable relayed leaf was refused");
            _countRefusal(ripe);
        }
    }

    function _claimBatch(uint256 e, uint256 i, uint256 j) internal {
        EpochModel storage m = _epochs[e];
        Claim[] memory batch = new Claim[](2);
        (batch[0].leaf, batch[0].proof) = _leafAndProof(m.leafStart, m.leafCount, i);
        (batch[1].leaf, batch[1].proof) = _leafAndProof(m.leafStart, m.leafCount, j);
        (bool accepted, bool ripe) = _acceptance(e);
        uint256 k0 = _key(batch[0].leaf);
        uint256 k1 = _key(batch[1].leaf);
        bool expectOk = accepted && _due(batch[0].leaf, modelClaimed[k0]);
        if (expectOk) {
            // Book the first leaf in a scratch copy of the owed balance to see whether the second still fits.
            uint256 p0 = k0 / ACCOUNTS;
            uint256 p1 = k1 / ACCOUNTS;
            uint256 first = batch[0].leaf.cumulativeAmount - modelClaimed[k0];
            uint256 owed1 = allocated[p1] - paid[p1] - (p0 == p1 ? first : 0);
            expectOk = batch[1].leaf.cumulativeAmount > modelClaimed[k1]
                && batch[1].leaf.cumulativeAmount - modelClaimed[k1] <= owed1;
        }
        uint256 balanceA = tokenA.balanceOf(address(dist));
        uint256 balanceB = tokenB.balanceOf(address(dist));
        try dist.claimMany(batch) returns (uint256[] memory amounts) {
            _checkPaid(e, ripe, accepted, batch[0].leaf, amounts[0]);
            _checkPaid(e, ripe, accepted, batch[1].leaf, amounts[1]);
            uint256 outA = balanceA - tokenA.balanceOf(address(dist));
            uint256 outB = balanceB - tokenB.balanceOf(address(dist));
            bool aIsA = _tokenOf(k0 / ACCOUNTS) == tokenA;
            bool bIsA = _tokenOf(k1 / ACCOUNTS) == tokenA;
            uint256 expectedA = (aIsA ? amounts[0] : 0) + (bIsA ? amounts[1] : 0);
            uint256 expectedB = (aIsA ? 0 : amounts[0]) + (bIsA ? 0 : amounts[1]);
            if (outA != expectedA || outB != expectedB) {
                _violate(ACCOUNTING, "a batch moved other amounts than it reported");
            }
            ++calls["claim.batch"];
        } catch {
            if (expectOk) _violate(LIVENESS, "a batch of claimable leaves was refused");
            _countRefusal(ripe);
        }
    }

    struct AuthorizedBatch {
        AuthorizedClaim[] claims;
        uint256[2] keys;
        uint256[2] fees;
        bool expectOk;
        uint256[2] distBefore; // per token: A, B
        uint256[2] feesBefore; // per token, of this handler
        uint256[2] recipientsBefore; // per claim
    }

    /// @dev Two relayed claims in one claimWithAuthorizations: each recipient gets amount - fee, the caller (this
    /// handler) the fees, paid per run of one token.
    function _claimAuthorizedBatch(uint256 e, uint256 i, uint256 j, uint256 seed) internal {
        AuthorizedBatch memory b = _buildAuthorizedBatch(e, i, j, seed);
        (bool accepted, bool ripe) = _acceptance(e);
        b.expectOk = b.expectOk && accepted;
        b.distBefore = [tokenA.balanceOf(address(dist)), tokenB.balanceOf(address(dist))];
        b.feesBefore = [tokenA.balanceOf(address(this)), tokenB.balanceOf(address(this))];
        for (uint256 n; n < 2; ++n) {
            b.recipientsBefore[n] = _tokenOf(b.keys[n] / ACCOUNTS).balanceOf(b.claims[n].recipient);
        }
        try dist.claimWithAuthorizations(b.claims) returns (uint256[] memory amounts) {
            _checkPaid(e, ripe, accepted, b.claims[0].leaf, amounts[0]);
            _checkPaid(e, ripe, accepted, b.claims[1].leaf, amounts[1]);
            _checkAuthorizedBatchFlows(b, amounts);
            ++calls["claim.authorizedBatch"];
        } catch {
            if (b.expectOk) _violate(LIVENESS, "a relayed batch of claimable leaves was refused");
            _countRefusal(ripe);
        }
    }

    function _buildAuthorizedBatch(uint256 e, uint256 i, uint256 j, uint256 seed)
        internal
        view
        returns (AuthorizedBatch memory b)
    {
        EpochModel storage m = _epochs[e];
        b.claims = new AuthorizedClaim[](2);
        b.expectOk = true;
        uint256[POOLS] memory owed;
        for (uint256 p; p < POOLS; ++p) {
            owed[p] = allocated[p] - paid[p];
        }
        uint256[2] memory indexes = [i, j];
        for (uint256 n; n < 2; ++n) {
            (RewardLeaf memory leaf, bytes32[] memory proof) = _leafAndProof(m.leafStart, m.leafCount, indexes[n]);
            uint256 k = _key(leaf);
            b.keys[n] = k;
            uint256 due = leaf.cumulativeAmount > modelClaimed[k] ? leaf.cumulativeAmount - modelClaimed[k] : 0;
            if (due > 0 && due <= owed[k / ACCOUNTS]) {
                owed[k / ACCOUNTS] -= due;
                b.fees[n] = due * ((seed >> (32 + 8 * n)) & 0xff) / 255;
            } else {
                b.expectOk = false;
            }
            b.claims[n] = _authorize(leaf, proof, k % ACCOUNTS, b.fees[n], b.fees[n] + 1);
        }
    }

    function _checkAuthorizedBatchFlows(AuthorizedBatch memory b, uint256[] memory amounts) internal {
        uint256[2] memory out;
        uint256[2] memory feesIn;
        bool[2] memory isA;
        for (uint256 n; n < 2; ++n) {
            isA[n] = _tokenOf(b.keys[n] / ACCOUNTS) == tokenA;
            out[isA[n] ? 0 : 1] += amounts[n];
            feesIn[isA[n] ? 0 : 1] += b.fees[n];
        }
        // Recipients are per account: two leaves of one account in one token pay the same recipient.
        bool shared = b.claims[0].recipient == b.claims[1].recipient && isA[0] == isA[1];
        for (uint256 n; n < 2; ++n) {
            uint256 received = _tokenOf(b.keys[n] / ACCOUNTS).balanceOf(b.claims[n].recipient) - b.recipientsBefore[n];
            uint256 expected = amounts[n] - b.fees[n] + (shared ? amounts[1 - n] - b.fees[1 - n] : 0);
            if (received != expected) _violate(ACCOUNTING, "a relayed batch paid a recipient other than amount - fee");
        }
        if (
            b.distBefore[0] - tokenA.balanceOf(address(dist)) != out[0]
                || b.distBefore[1] - tokenB.balanceOf(address(dist)) != out[1]
                || tokenA.balanceOf(address(this)) - b.feesBefore[0] != feesIn[0]
                || tokenB.balanceOf(address(this)) - b.feesBefore[1] != feesIn[1]
        ) {
            _violate(ACCOUNTING, "a relayed batch moved other amounts or fees than it reported");
        }
    }

    /// @dev Checks a paid claim against the model and books it.
    function _checkPaid(uint256 e, bool ripe, bool accepted, RewardLeaf memory leaf, uint256 amount) internal {
        if (paused) _violate(PAUSED, "a claim paid while paused");
        if (!ripe) _violate(TIMING, "a claim paid from an epoch before its window ended or out of order");
        else if (!accepted) _violate(TIMING, "a claim paid from a root older than the claimable or superseded one");
        uint256 k = _key(leaf);
        uint256 p = k / ACCOUNTS;
        uint256 claimedBefore = modelClaimed[k];
        if (leaf.cumulativeAmount <= claimedBefore || amount != leaf.cumulativeAmount - claimedBefore) {
            _violate(ACCOUNTING, "a claim paid other than cumulativeAmount - claimed");
        }
        if (amount > allocated[p] - paid[p]) _violate(ALLOCATION_CAP, "a claim paid beyond the pool's allocation");
        if (_epochs[e].overpaying) badRootPaid[p] = true;
        paid[p] += amount;
        modelClaimed[k] = leaf.cumulativeAmount;
    }

    function _checkOutflow(uint256 p, uint256 balanceBefore, uint256 amount) internal {
        if (balanceBefore - _tokenOf(p).balanceOf(address(dist)) != amount) {
            _violate(ACCOUNTING, "a claim moved other tokens than it reported");
        }
    }

    function _countRefusal(bool ripe) internal {
        if (paused) ++calls["claim.refused.paused"];
        else if (ripe) ++calls["claim.refused"];
        else ++calls["claim.refused.early"];
    }

    function _due(RewardLeaf memory leaf, uint256 claimedBefore) internal view returns (bool) {
        uint256 p = _key(leaf) / ACCOUNTS;
        return leaf.cumulativeAmount > claimedBefore && leaf.cumulativeAmount - claimedBefore <= allocated[p] - paid[p];
    }

    /// @dev Whether a claim against epoch `e`'s root must be accepted now (`accepted`), and whether `e` is claimable
    /// by the model (`ripe`). The contract accepts the latest claimable root and the one it superseded, and the
    /// recorded fast-path root until the next recording.
    function _acceptance(uint256 e) internal view returns (bool accepted, bool ripe) {
        uint256 end = ripeCount();
        ripe = e < end;
        if (paused) return (false, ripe);
        uint256 recordedEnd = dist.systemState().claimableEnd;
        accepted = (end > 0 && e == end - 1) || (end > 1 && e == end - 2) || (recordedEnd > 0 && e == recordedEnd - 1);
    }

    // ================================================================ model

    /// @dev Claimable by the model: every epoch up to `e` is posted, past its (possibly restarted) window and under
    /// no open challenge.
    function _ripe(uint256 e) internal view returns (bool) {
        return e < ripeCount();
    }

    /// @notice How many epochs the model holds claimable: they become claimable strictly in order.
    function ripeCount() public view returns (uint256 n) {
        uint256 lowestOpen = lowestOpenChallenge();
        while (n < nextEpoch && n < lowestOpen && _now() >= _epochs[n].postedAt + CHALLENGE_WINDOW) ++n;
    }

    /// @notice Whether the contract must report `e` claimable now.
    function expectedClaimable(uint256 e) external view returns (bool) {
        return !paused && _ripe(e);
    }

    function lowestOpenChallenge() public view returns (uint256 lowest) {
        lowest = type(uint256).max;
        for (uint256 i; i < _openIds.length; ++i) {
            uint256 e = _challenges[_openIds[i]].epoch;
            if (e < lowest) lowest = e;
        }
    }

    function openChallengeCount() external view returns (uint256) {
        return _openIds.length;
    }

    function rejectedCount() external view returns (uint256) {
        return _rejected.length;
    }

    function rejectedRoot(uint256 i) external view returns (bytes32) {
        return _rejected[i].root;
    }

    function poolId(uint256 p) external view returns (bytes32) {
        return _pools[p];
    }

    function account(uint256 a) external view returns (address) {
        return _accounts[a];
    }

    function aggregator(uint256 i) external view returns (address) {
        return _aggregators[i];
    }

    function tokenOf(uint256 p) external view returns (TestToken) {
        return _tokenOf(p);
    }

    function _tokenOf(uint256 p) internal view returns (TestToken) {
        return PoolIdLib.token(_pools[p]) == address(tokenA) ? tokenA : tokenB;
    }

    function _unallocated(uint256 p) internal view returns (uint256) {
        return funded[p] - allocated[p] - withdrawn[p];
    }

    function _key(RewardLeaf memory leaf) internal view returns (uint256) {
        for (uint256 p; p < POOLS; ++p) {
            if (_pools[p] != leaf.poolId) continue;
            for (uint256 a; a < ACCOUNTS; ++a) {
                if (_accounts[a] == leaf.account) return p * ACCOUNTS + a;
            }
        }
        revert("unknown leaf");
    }

    /// @dev The fuzzer favours small and repeated words; hashing spreads every bit of the choices they drive.
    function _mix(uint256 seed) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed)));
    }

    function _violate(bytes32 property, string memory message) internal {
        if (violations[property] == 0) violation[property] = message;
        ++violations[property];
    }

    /// @dev Rejects epochs from `from` on, releasing per pool min(total, owed) like the contract documents.
    function _rejectFrom(uint256 from) internal {
        for (uint256 e = from; e < nextEpoch; ++e) {
            EpochModel storage m = _epochs[e];
            for (uint256 p; p < POOLS; ++p) {
                uint256 owed = allocated[p] - paid[p];
                uint256 release = m.totals[p] < owed ? m.totals[p] : owed;
                allocated[p] -= release;
                allocatedLive[p] -= m.totals[p];
            }
            _rejected.push(RootRef({root: m.root, leafStart: m.leafStart, leafCount: m.leafCount}));
            if (openChallengeOf[e] != 0) _closeChallenge(e);
        }
        nextEpoch = from;
    }

    function _closeChallenge(uint256 e) internal {
        uint256 id = openChallengeOf[e];
        openChallengeOf[e] = 0;
        for (uint256 i; i < _openIds.length; ++i) {
            if (_openIds[i] == id) {
                _openIds[i] = _openIds[_openIds.length - 1];
                _openIds.pop();
                break;
            }
        }
    }

    // ================================================================ building

    /// @dev 1 to 8 leaves over distinct (pool, account) pairs; honest cumulative amounts grow by shares that keep
    /// each pool's total within its unallocated funds. Overpaying leaves add more than the pool holds on top.
    function _buildLeaves(uint256 e, uint256 seed, uint256 salt, bool overpaying)
        internal
        view
        returns (RewardLeaf[] memory leaves, uint256[POOLS] memory totals, uint256[POOLS * ACCOUNTS] memory cum)
    {
        uint256 count = 1 + (seed >> 16) % 8;
        uint256 offset = (seed >> 24) % (POOLS * ACCOUNTS);
        if (e > 0) cum = _cumAfter[e - 1];
        leaves = new RewardLeaf[](count);
        for (uint256 i; i < count; ++i) {
            uint256 k = (offset + i * 5) % (POOLS * ACCOUNTS); // 5 is coprime to 12: distinct pairs
            uint256 p = k / ACCOUNTS;
            uint256 share = _unallocated(p) * ((salt >> (i * 8)) & 0xff) / 255 / 8;
            cum[k] += share;
            totals[p] += share;
            uint256 cumulative = cum[k];
            if (overpaying) cumulative += 1 + uint256(keccak256(abi.encode(salt, i))) % (2 * funded[p] + 2);
            leaves[i] = RewardLeaf({
                account: _accounts[k % ACCOUNTS],
                poolId: _pools[p],
                cumulativeAmount: cumulative,
                epochBytes: share * 3 + 1,
                epochAmount: share,
                receiptsRoot: keccak256(abi.encode(salt, i))
            });
        }
    }

    function _poolTotals(uint256[POOLS] memory totals, uint256 mask) internal view returns (PoolTotal[] memory pt) {
        uint256 n;
        for (uint256 p; p < POOLS; ++p) {
            if (totals[p] > 0 || (mask >> p) & 1 == 1) ++n;
        }
        pt = new PoolTotal[](n);
        n = 0;
        for (uint256 p; p < POOLS; ++p) {
            if (totals[p] > 0 || (mask >> p) & 1 == 1) pt[n++] = PoolTotal({poolId: _pools[p], amount: totals[p]});
        }
    }

    function _epochDataFrom(uint256 from) internal view returns (EpochData[] memory data) {
        data = new EpochData[](nextEpoch - from);
        for (uint256 e = from; e < nextEpoch; ++e) {
            EpochModel storage m = _epochs[e];
            data[e - from] = EpochData({
                aggregator: m.aggregator, bundleHash: m.bundleHash, poolTotals: _poolTotals(m.totals, m.mask)
            });
        }
    }

    function _leafAndProof(uint256 start, uint256 count, uint256 index)
        internal
        view
        returns (RewardLeaf memory leaf, bytes32[] memory proof)
    {
        RewardLeaf[] memory leaves = new RewardLeaf[](count);
        for (uint256 i; i < count; ++i) {
            leaves[i] = _leafStore[start + i];
        }
        (, proof) = MerkleTreeBuilder.build(TestLeaves.hashAll(leaves), index);
        leaf = leaves[index];
    }

    function _authorize(RewardLeaf memory leaf, bytes32[] memory proof, uint256 a, uint256 fee, uint256 maxFee)
        internal
        view
        returns (AuthorizedClaim memory c)
    {
        (, uint256 nonce) = dist.claimed(leaf.poolId, leaf.account);
        uint64 deadline = uint64(_now() + 1 days);
        address recipient = address(uint160(0xBEEF00 + a));
        bytes32 digest = TestLeaves.claimAuthorizationDigest(
            dist.domainSeparator(), leaf.poolId, leaf.account, recipient, maxFee, nonce, deadline
        );
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_keys[a], digest);
        c = AuthorizedClaim({
            leaf: leaf,
            proof: proof,
            recipient: recipient,
            maxFee: maxFee,
            nonce: nonce,
            deadline: deadline,
            fee: fee,
            r: r,
            vs: bytes32(uint256(s) | (uint256(v - 27) << 255))
        });
    }

    /// @notice The action selectors the invariant runner should call.
    function actions() external pure returns (bytes4[] memory s) {
        s = new bytes4[](11);
        s[0] = this.fund.selector;
        s[1] = this.postEpoch.selector;
        s[2] = this.claim.selector;
        s[3] = this.claimRejected.selector;
        s[4] = this.challenge.selector;
        s[5] = this.resolveChallenge.selector;
        s[6] = this.togglePause.selector;
        s[7] = this.advanceClaimable.selector;
        s[8] = this.requestWithdrawal.selector;
        s[9] = this.withdraw.selector;
        s[10] = this.warp.selector;
    }
}
