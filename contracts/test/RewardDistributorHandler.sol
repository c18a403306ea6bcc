// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Assertions, MerkleTreeBuilder, TestLeaves, vm} from "./DistributorTestHarness.sol";
import {IRewardDistributor, IRewardDistributorErrors} from "../interfaces/IRewardDistributor.sol";
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
    bytes32 public constant RESERVED = "closed-epoch earnings reserved";
    bytes32 public constant GAS_BOUND = "bounded gas per call";

    /// @dev Gas bounds per call (docs/gas.md): a post with every pool, and everything else.
    uint256 public constant MAX_POST_GAS = 5_000_000;
    uint256 public constant MAX_CALL_GAS = 500_000;
    /// @dev Extra pools (beyond the three modelled ones) that every post lists, up to this many.
    uint256 internal constant MAX_EXTRA_POOLS = 40;
    /// @dev The most closed epochs a catch-up posts in one action.
    uint256 internal constant CATCH_UP = 3;
    uint256 internal constant MAX_PENDING_EPOCHS = 64;
    address internal constant ADMIN = address(0xAD);

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
    /// @dev Per pool: the totals of posts not yet replaced, live or rejected and awaiting their re-post. What
    /// relays earned in closed epochs: owed + paid must always cover it (the owner can never withdraw it).
    uint256[POOLS] public reserved;
    /// @dev The model's contract clock: unix time minus the seconds spent paused (capped per pause).
    uint256 internal _pausedTotal;
    uint256 internal _pausedAt;
    uint256 internal _resumedAt;
    uint256 public repostEnd;
    uint256 internal _rejectedAt; // contract clock of the latest rejection: re-posts are in flight from then on
    bytes32[] internal _extraPools;
    /// @dev The most gas any call of each kind used.
    mapping(bytes32 kind => uint256) public maxGas;
    address internal _nextPoster;
    uint256 internal _lastGas;

    struct EpochModel {
        bytes32 root;
        uint256 postedAt;
        address aggregator;
        bytes32 bundleHash;
        uint256[POOLS] totals;
        uint256 mask; // which pools are listed in poolTotals (those asked a nonzero total, and others by choice)
        uint256 leafStart;
        uint256 leafCount;
        bool overpaying;
        uint256 extraCount; // how many extra pools the post listed
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

    mapping(uint256 epoch => uint256 count) public openChallengesOn;
    mapping(uint256 challengeId => ChallengeModel) internal _challenges;
    uint256[] internal _openIds; // live: on the current post of a posted epoch
    uint256[] internal _voidIds; // open in the contract, but their post was rejected

    bool public paused;
    uint256[POOLS] internal _withdrawalAmount;
    uint256[POOLS] internal _withdrawalAt;

    mapping(bytes32 property => string) public violation;
    mapping(bytes32 property => uint256) public violations;
    mapping(bytes32 action => uint256) public calls;

    /// @dev The distributor is deployed by the test (with configFor()) and handed over: deploying it here would
    /// make this contract's creation code too large for the runner.
    constructor(IRewardDistributor dist_) {
        tokenA = new TestToken("Token A", "TKA", 18);
        tokenB = new TestToken("Token B", "TKB", 6);
        dist = dist_;
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

    /// @notice The configuration the test deploys the distributor with (time runs fast: see the contract's NatSpec).
    function configFor() external pure returns (DistributorConfig memory) {
        return DistributorConfig({
            genesisTime: GENESIS,
            epochSeconds: EPOCH_SECONDS,
            graceSeconds: GRACE_SECONDS,
            challengeWindow: CHALLENGE_WINDOW,
            arbiterTimeout: ARBITER_TIMEOUT,
            aggregatorBond: AGGREGATOR_BOND,
            challengerBond: CHALLENGER_BOND,
            challengerShareBps: 5_000
        });
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
    /// @dev Half the time the aggregator then also posts the epochs that closed meanwhile (up to CATCH_UP more), as
    /// an aggregator that keeps up would: otherwise the walk's time runs far ahead of its posts, every withdrawal
    /// finds the aggregators a whole window late, and the in-flight rule is never tested.
    function postEpoch(uint256 seed) external observe {
        seed = _mix(seed);
        _postNext(seed);
        if ((seed >> 56) % 2 == 0) _catchUp(seed, CATCH_UP);
    }

    /// @dev Posts every closed epoch not yet posted, up to `max`, at the current time (no warp).
    function _catchUp(uint256 seed, uint256 max) internal {
        for (uint256 i; i < max && !paused; ++i) {
            if (_now() < GENESIS + (nextEpoch + 1) * EPOCH_SECONDS + GRACE_SECONDS) return;
            uint256 before = nextEpoch;
            _postNext(_mix(seed ^ (i + 1)));
            if (nextEpoch == before) return;
            ++calls["post.catchUp"];
        }
    }

    function _postNext(uint256 seed) internal {
        uint256 e = nextEpoch;
        address aggregator = _aggregators[seed % 2];
        // The previous epoch's poster posts the next one while it is active (posting is no race).
        if (e > 0 && _aggregatorActive[_epochs[e - 1].aggregator]) aggregator = _epochs[e - 1].aggregator;
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
        uint256[POOLS] memory released;
        bool repost = e < repostEnd;
        EpochData memory replaced;
        if (repost) {
            // The rejected post's allocations come back first (what is still owed of them).
            replaced = _epochDataOf(e);
            for (uint256 p; p < POOLS; ++p) {
                uint256 owed = allocated[p] - paid[p];
                released[p] = _epochs[e].totals[p] < owed ? _epochs[e].totals[p] : owed;
            }
        }
        uint256[POOLS] memory listed = totals;
        if (variant == 1) {
            uint256 p = (seed >> 40) % POOLS;
            listed[p] = _unallocated(p) + released[p] + 1 + (salt % 1e18);
        }
        uint256 mask = (seed >> 48) % 8;
        PoolTotal[] memory poolTotals = _withExtraPools(_poolTotals(listed, mask), _extraPools.length);
        // Every pool the post lists stays in its EpochData, even one whose total is cut to zero below: the mask
        // records the listed set, so the EpochData a re-post gives back lists the same pools.
        for (uint256 p; p < POOLS; ++p) {
            if (listed[p] > 0) mask |= 1 << p;
        }
        // A total beyond what the pool holds is cut to it; the post goes through.
        for (uint256 p; p < POOLS; ++p) {
            uint256 available = _unallocated(p) + released[p];
            if (listed[p] > available) listed[p] = available;
        }
        bytes32 root = MerkleTreeBuilder.rootOf(TestLeaves.hashAll(leaves));
        bytes32 bundleHash = keccak256(abi.encode("bundle", salt));
        // At most MAX_PENDING = 64 epochs may be pending; open challenges (left to the arbiter here) can hold that
        // many up, and a post then refuses (EpochTooManyPending). Keep clear of it.
        if (e + 1 - ripeCount() > 40) return;
        bool expectOk = !paused;

        _nextPoster = aggregator;
        try this.sendPost(e, root, poolTotals, bundleHash, repost, replaced) {
            _recordGas(repost ? bytes32("repost") : bytes32("post"), _lastGas, MAX_POST_GAS);
            if (paused) _violate(PAUSED, "postEpoch succeeded while paused");
            for (uint256 p; p < POOLS; ++p) {
                allocated[p] = allocated[p] - released[p] + listed[p];
                if (repost) reserved[p] -= _epochs[e].totals[p];
                reserved[p] += listed[p];
            }
            EpochModel storage m = _epochs[e];
            m.root = root;
            m.aggregator = aggregator;
            m.bundleHash = bundleHash;
            m.totals = listed;
            m.mask = mask; // the pools listed: with a nonzero total asked or by choice
            m.leafStart = _leafStore.length;
            m.leafCount = leaves.length;
            m.overpaying = variant == 0;
            m.extraCount = _extraPools.length;
            for (uint256 i; i < leaves.length; ++i) {
                _leafStore.push(leaves[i]);
            }
            _cumAfter[e] = cum;
            for (uint256 p; p < POOLS; ++p) {
                allocatedLive[p] += listed[p];
            }
            m.postedAt = _clock();
            // The commitment the contract stored is the one a re-post or a fraud proof must give back.
            if (bytes27(keccak256(abi.encode(_epochDataOf(e)))) != dist.epochInfo(e).dataHash) {
                _violate(MODEL, "the stored EpochData commitment differs from the model's");
            }
            nextEpoch = e + 1;
            ++calls[variant == 0 ? bytes32("post.overpaying") : bytes32("post")];
            if (variant == 1) ++calls["post.capped"];
            if (repost) ++calls["post.repost"];
        } catch (bytes memory reason) {
            if (expectOk) {
                _violate(
                    LIVENESS,
                    string.concat(
                        "a valid postEpoch was refused: epoch ", Strings.toString(e), ", reason ", _hex(reason)
                    )
                );
            }
            ++calls[paused ? bytes32("post.refused.paused") : bytes32("post.refused.tooManyPending")];
        }
    }

    /// @dev postEpoch or repostEpoch, as an external call so that the prank and the gas measurement cover it.
    function sendPost(
        uint256 e,
        bytes32 root,
        PoolTotal[] memory poolTotals,
        bytes32 bundleHash,
        bool repost,
        EpochData memory replaced
    ) external {
        require(msg.sender == address(this), "handler only");
        vm.prank(_nextPoster);
        uint256 before = gasleft();
        if (repost) dist.repostEpoch(e, root, poolTotals, bundleHash, "", replaced);
        else dist.postEpoch(e, root, poolTotals, bundleHash, "");
        _lastGas = before - gasleft();
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
        if ((seed >> 6) % 4 == 0 && _clock() < windowEnd) {
            _warpClock(windowEnd); // the first second it is claimable
        } else if ((seed >> 6) % 4 == 1 && _clock() < windowEnd - 1 - (seed >> 12) % 30) {
            _warpClock(windowEnd - 1 - (seed >> 12) % 30); // just before
        }
        EpochModel storage m = _epochs[e];
        uint256 mode = (seed >> 8) % 5;
        uint256 first = (seed >> 16) % m.leafCount;
        uint256 second = m.leafCount > 1 ? (first + 1 + (seed >> 24) % (m.leafCount - 1)) % m.leafCount : first;
        // Three times in four, move to leaves that still have something due: most leaves of older roots are
        // claimed already, and refusals alone would leave the paying paths (batches above all) rarely exercised.
        if ((seed >> 28) % 4 != 0) {
            first = _dueLeaf(m, first, type(uint256).max);
            if (m.leafCount > 1) second = _dueLeaf(m, second, first);
        }
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

    /// @dev The first leaf of `m`, from index `start` on (cyclically) and other than `skip`, whose account has not yet
    /// claimed its cumulative amount; `start` (or the one after it when that is `skip`) when there is none.
    function _dueLeaf(EpochModel storage m, uint256 start, uint256 skip) internal view returns (uint256) {
        for (uint256 i; i < m.leafCount; ++i) {
            uint256 index = (start + i) % m.leafCount;
            if (index == skip) continue;
            RewardLeaf storage leaf = _leafStore[m.leafStart + index];
            if (leaf.cumulativeAmount > modelClaimed[_key(leaf)]) return index;
        }
        return start != skip ? start : (start + 1) % m.leafCount;
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

    /// @dev Challenges one of the last four epochs; several challenges may be open on one post.
    function challenge(uint256 seed) external observe {
        seed = _mix(seed);
        if (nextEpoch == 0) return;
        uint256 e = nextEpoch - 1 - seed % (nextEpoch < 4 ? nextEpoch : 4);
        bool expectOk = _clock() < _epochs[e].postedAt + CHALLENGE_WINDOW;
        try dist.challenge{value: CHALLENGER_BOND}(e, bytes32(seed), "") returns (uint256 id) {
            if (!expectOk) _violate(MODEL, "challenge accepted on an epoch that is not pending");
            ethIn += CHALLENGER_BOND;
            openChallengesOn[e] += 1;
            _challenges[id] = ChallengeModel({epoch: e, openedAt: _clock()});
            _openIds.push(id);
            ++calls["challenge"];
            if (openChallengesOn[e] > 1) ++calls["challenge.second"];
        } catch {
            if (expectOk) _violate(LIVENESS, "challenge of a pending epoch refused");
        }
    }

    /// @dev Upholds, dismisses or (after the arbiter timeout) expires an open challenge, or closes a void one.
    function resolveChallenge(uint256 seed) external observe {
        seed = _mix(seed);
        if (_voidIds.length > 0 && seed % 4 == 0) {
            uint256 v = seed % _voidIds.length;
            uint256 voidId = _voidIds[v];
            uint256 before = gasleft();
            try dist.resolveExpiredChallenge(voidId) {
                _checkGas("void", before, MAX_CALL_GAS);
                _voidIds[v] = _voidIds[_voidIds.length - 1];
                _voidIds.pop();
                ++calls["void"];
            } catch {
                _violate(LIVENESS, "closing a void challenge refused");
            }
            return;
        }
        if (_openIds.length == 0) return;
        uint256 id = _openIds[seed % _openIds.length];
        ChallengeModel memory c = _challenges[id];
        uint256 mode = (seed >> 8) % 3;
        uint256 gasBefore = gasleft();
        if (mode == 0) {
            try dist.dismissChallenge(id) {
                _checkGas("dismiss", gasBefore, MAX_CALL_GAS);
                _closeChallenge(id); // the window is not restarted
                ++calls["dismiss"];
            } catch {
                _violate(LIVENESS, "dismissChallenge refused");
            }
        } else if (mode == 1) {
            try dist.upholdChallenge(id) {
                _checkGas("uphold", gasBefore, MAX_CALL_GAS);
                _closeChallenge(id);
                _aggregatorActive[_epochs[c.epoch].aggregator] = false;
                _rejectFrom(c.epoch);
                ++calls["uphold"];
            } catch {
                _violate(LIVENESS, "upholdChallenge refused");
            }
        } else {
            if (_clock() < c.openedAt + ARBITER_TIMEOUT) {
                if (paused) return; // the clock stands still: the deadline cannot come
                _warpClock(c.openedAt + ARBITER_TIMEOUT);
            }
            gasBefore = gasleft();
            try dist.resolveExpiredChallenge(id) {
                _checkGas("expire", gasBefore, MAX_CALL_GAS);
                _closeChallenge(id); // the epoch stands
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
                uint256 stopped = _now() - _pausedAt;
                _pausedTotal += stopped < ARBITER_TIMEOUT ? stopped : ARBITER_TIMEOUT;
                _resumedAt = _now();
                ++calls["unpause"];
            } catch {
                _violate(LIVENESS, "unpause refused");
            }
        } else if (seed % 3 == 0) {
            bool cooling = _resumedAt != 0 && _now() < _resumedAt + CHALLENGE_WINDOW;
            try dist.pause() {
                if (cooling) _violate(MODEL, "pause accepted within a challenge window of the last one");
                paused = true;
                _pausedAt = _now();
                ++calls["pause"];
            } catch {
                if (!cooling) _violate(LIVENESS, "pause refused");
                else ++calls["pause.refused.cooldown"];
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
            _withdrawalAt[p] = _clock() + EPOCH_SECONDS + GRACE_SECONDS + CHALLENGE_WINDOW;
            ++calls["requestWithdrawal"];
        } catch {
            _violate(LIVENESS, "requestWithdrawal refused");
        }
    }

    /// @dev Scenario 2c of issue 11, steered (the random walk calls it now and then; it is not a campaign action):
    /// the owner holds a matured request, the aggregators post every closed epoch, and the owner withdraws the moment
    /// the next one closes, ahead of its post. withdraw() checks the refusal (PoolWithdrawalEpochsInFlight).
    function withdrawAheadOfPost(uint256 poolSeed, uint256 amount) external {
        if (paused) return;
        uint256 p = poolSeed % POOLS;
        if (_withdrawalAt[p] == 0) this.requestWithdrawal(poolSeed, amount);
        if (_clock() < _withdrawalAt[p]) _warpClock(_withdrawalAt[p]);
        _catchUp(_mix(poolSeed), MAX_PENDING_EPOCHS);
        uint256 closesAt = GENESIS + (nextEpoch + 1) * EPOCH_SECONDS + GRACE_SECONDS;
        if (_now() < closesAt) vm.warp(closesAt);
        this.withdraw(poolSeed);
    }

    /// @dev Waits for the notice if needed, then withdraws min(requested, unallocated). One time in three the owner
    /// tries to front-run a post (scenario 2c of issue 11): the aggregators post every closed epoch, and the owner
    /// withdraws right after the next one has closed, before its post. That must be refused
    /// (PoolWithdrawalEpochsInFlight): what relays earned in the closed epoch may need the funds.
    function withdraw(uint256 poolSeed) external observe {
        uint256 p = poolSeed % POOLS;
        if (_withdrawalAt[p] == 0) {
            try dist.withdraw(_pools[p], WITHDRAW_TO) {
                _violate(MODEL, "withdraw succeeded without a request");
            } catch {}
            return;
        }
        uint256 seed = _mix(poolSeed);
        bool frontRun = !paused && (seed >> 8) % 3 == 0;
        if (frontRun) _catchUp(seed, 2 * CATCH_UP);
        if (_clock() < _withdrawalAt[p] && !paused) _warpClock(_withdrawalAt[p]);
        uint256 closesAt = GENESIS + (nextEpoch + 1) * EPOCH_SECONDS + GRACE_SECONDS;
        // The posts are on time: step to the moment the next epoch closes (unposted), if it is still ahead.
        if (frontRun && !paused && _now() < closesAt) vm.warp(closesAt);
        uint256 unallocated = _unallocated(p);
        // In flight: a closed epoch not yet posted (or rejected and not posted again), unless the aggregators are a
        // whole window of contract clock late with it, counted from the close (or from the rejection).
        uint256 since = _resumedAt <= closesAt ? closesAt - _pausedTotal : closesAt;
        if (nextEpoch < repostEnd && _rejectedAt > since) since = _rejectedAt;
        bool inFlight = _now() >= closesAt && _clock() < since + CHALLENGE_WINDOW;
        uint256 expiresAt = _withdrawalAt[p] + EPOCH_SECONDS + GRACE_SECONDS + CHALLENGE_WINDOW;
        bool expired = _clock() >= expiresAt;
        bool early = _clock() < _withdrawalAt[p];
        uint256 expected = _withdrawalAmount[p] < unallocated ? _withdrawalAmount[p] : unallocated;
        TestToken t = _tokenOf(p);
        uint256 before = t.balanceOf(WITHDRAW_TO);
        uint256 gasBefore = gasleft();
        try dist.withdraw(_pools[p], WITHDRAW_TO) returns (uint256 amount) {
            _checkGas("withdraw", gasBefore, MAX_CALL_GAS);
            if (paused) _violate(PAUSED, "withdraw paid while paused");
            if (inFlight) _violate(RESERVED, "withdraw paid while a closed epoch awaited its post");
            if (expired || early) _violate(MODEL, "withdraw paid outside the request's validity");
            if (amount != expected || t.balanceOf(WITHDRAW_TO) - before != amount) {
                _violate(ACCOUNTING, "withdraw paid other than min(requested, unallocated)");
            }
            withdrawn[p] += amount;
            _withdrawalAmount[p] = 0;
            _withdrawalAt[p] = 0;
            ++calls["withdraw"];
        } catch (bytes memory reason) {
            // The refusal the contract must give, in the order it checks.
            bytes memory expectedReason;
            bytes32 refusal;
            if (paused) {
                expectedReason = abi.encodeWithSelector(IRewardDistributorErrors.SystemPaused.selector);
                refusal = "withdraw.refused.paused";
            } else if (early) {
                expectedReason = abi.encodeWithSelector(
                    IRewardDistributorErrors.PoolWithdrawalNotReady.selector, _pools[p], _withdrawalAt[p]
                );
                refusal = "withdraw.refused.early";
            } else if (expired) {
                expectedReason =
                    abi.encodeWithSelector(IRewardDistributorErrors.PoolWithdrawalExpired.selector, _pools[p], expiresAt);
                refusal = "withdraw.refused.expired";
                _withdrawalAt[p] = 0;
                _withdrawalAmount[p] = 0;
            } else if (inFlight) {
                expectedReason = abi.encodeWithSelector(
                    IRewardDistributorErrors.PoolWithdrawalEpochsInFlight.selector,
                    _pools[p],
                    nextEpoch,
                    since + CHALLENGE_WINDOW
                );
                refusal = "withdraw.refused.inFlight";
            } else {
                _violate(LIVENESS, string.concat("a due withdrawal was refused: ", _hex(reason)));
                return;
            }
            if (keccak256(reason) != keccak256(expectedReason)) {
                _violate(MODEL, string.concat("withdraw refused for another reason: ", _hex(reason)));
            }
            ++calls[refusal];
        }
    }

    function warp(uint256 secondsToAdd) external observe {
        vm.warp(_now() + bound(secondsToAdd, 1, 2 * CHALLENGE_WINDOW));
    }

    /// @dev Creates and funds up to four more pools (at most MAX_EXTRA_POOLS); every later post lists them all.
    function createPools(uint256 count) external observe {
        count = bound(count, 1, 4);
        for (uint256 i; i < count && _extraPools.length < MAX_EXTRA_POOLS; ++i) {
            bytes32 id = dist.createPool(address(tokenB), 1, address(0x5164), "");
            tokenB.mint(address(this), 1e18);
            dist.fund(id, 1e18);
            _extraPools.push(id);
            ++calls["createPool"];
        }
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
        uint256 gasBefore = gasleft();
        try dist.claim(leaf, proof) returns (uint256 amount) {
            _checkGas("claim", gasBefore, MAX_CALL_GAS);
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
        uint256 clock_ = _clock();
        while (n < nextEpoch && n < lowestOpen && clock_ >= _epochs[n].postedAt + CHALLENGE_WINDOW) ++n;
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
        return _openIds.length + _voidIds.length;
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

    /// @dev `data` as 0x-prefixed hex (a revert reason in a violation message).
    function _hex(bytes memory data) internal pure returns (string memory) {
        bytes memory out = new bytes(2 + 2 * data.length);
        out[0] = "0";
        out[1] = "x";
        bytes16 digits = "0123456789abcdef";
        for (uint256 i; i < data.length; ++i) {
            out[2 + 2 * i] = digits[uint8(data[i]) >> 4];
            out[3 + 2 * i] = digits[uint8(data[i]) & 0x0f];
        }
        return string(out);
    }

    function _violate(bytes32 property, string memory message) internal {
        if (violations[property] == 0) violation[property] = message;
        ++violations[property];
    }

    /// @dev Rejects epochs from `from` on: nothing is released (the allocations stay reserved until each epoch is
    /// posted again); challenges on the rejected posts become void.
    function _rejectFrom(uint256 from) internal {
        for (uint256 e = from; e < nextEpoch; ++e) {
            EpochModel storage m = _epochs[e];
            for (uint256 p; p < POOLS; ++p) {
                allocatedLive[p] -= m.totals[p];
            }
            _rejected.push(RootRef({root: m.root, leafStart: m.leafStart, leafCount: m.leafCount}));
        }
        for (uint256 i = _openIds.length; i > 0; --i) {
            uint256 id = _openIds[i - 1];
            if (_challenges[id].epoch >= from) {
                openChallengesOn[_challenges[id].epoch] -= 1;
                _voidIds.push(id);
                _openIds[i - 1] = _openIds[_openIds.length - 1];
                _openIds.pop();
            }
        }
        if (nextEpoch > repostEnd) repostEnd = nextEpoch;
        nextEpoch = from;
        _rejectedAt = _clock();
    }

    function _closeChallenge(uint256 id) internal {
        openChallengesOn[_challenges[id].epoch] -= 1;
        for (uint256 i; i < _openIds.length; ++i) {
            if (_openIds[i] == id) {
                _openIds[i] = _openIds[_openIds.length - 1];
                _openIds.pop();
                break;
            }
        }
    }

    /// @dev The model's contract clock.
    function _clock() internal view returns (uint256) {
        uint256 t = _now() - _pausedTotal;
        if (!paused) return t;
        uint256 stopped = _now() - _pausedAt;
        return t - (stopped < ARBITER_TIMEOUT ? stopped : ARBITER_TIMEOUT);
    }

    /// @dev Moves time so that the contract clock reads `target` (not while paused: it stands still).
    function _warpClock(uint256 target) internal {
        if (paused) return;
        uint256 real = target + _pausedTotal;
        if (real > _now()) vm.warp(real);
    }

    function _checkGas(bytes32 kind, uint256 gasBefore, uint256 bound_) internal {
        uint256 used = gasBefore - gasleft();
        _recordGas(kind, used, bound_);
    }

    function _recordGas(bytes32 kind, uint256 used, uint256 bound_) internal {
        if (used > maxGas[kind]) maxGas[kind] = used;
        if (used > bound_) _violate(GAS_BOUND, string.concat(string(abi.encodePacked(kind)), " exceeded its gas bound"));
    }

    /// @dev The three modelled pools' totals merged, in ascending pool id order, with every extra pool (total 1).
    function _withExtraPools(PoolTotal[] memory base, uint256 extra) internal view returns (PoolTotal[] memory all) {
        uint256 n = base.length + extra;
        all = new PoolTotal[](n);
        for (uint256 i; i < base.length; ++i) {
            all[i] = base[i];
        }
        for (uint256 i; i < extra; ++i) {
            all[base.length + i] = PoolTotal({poolId: _extraPools[i], amount: 1});
        }
        for (uint256 i = 1; i < n; ++i) {
            PoolTotal memory x = all[i];
            uint256 j = i;
            while (j > 0 && all[j - 1].poolId > x.poolId) {
                all[j] = all[j - 1];
                --j;
            }
            all[j] = x;
        }
    }

    /// @dev The EpochData of the post of `e` the model holds (the extra pools' totals included).
    function _epochDataOf(uint256 e) internal view returns (EpochData memory) {
        EpochModel storage m = _epochs[e];
        return EpochData({
            aggregator: m.aggregator,
            bundleHash: m.bundleHash,
            poolTotals: _withExtraPools(_poolTotals(m.totals, m.mask), m.extraCount)
        });
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
        s = new bytes4[](12);
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
        s[11] = this.createPools.selector;
    }
}
