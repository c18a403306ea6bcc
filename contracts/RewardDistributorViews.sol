// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {
    DistributorConfig,
    PoolInfo,
    EpochInfo,
    AggregatorInfo,
    SystemState,
    ChallengeInfo
} from "./interfaces/RewardDistributorTypes.sol";
import {RewardDistributorBase} from "./RewardDistributorBase.sol";
import {PoolIdLib} from "./libraries/PoolIdLib.sol";

/// @title RewardDistributorViews
/// @notice Every read-only function of the RewardDistributor ({IRewardDistributorViews}). It runs by delegatecall
/// from the extension (itself delegatecalled by the core), so it reads the distributor's storage through the same
/// base layout. A third contract only because the extension would otherwise pass the 24,576-byte code size limit.
contract RewardDistributorViews is RewardDistributorBase {
    using PoolIdLib for bytes32;
    using Checkpoints for Checkpoints.Trace224;
    using Checkpoints for Checkpoints.Trace208;

    address private immutable _extension;

    constructor(address treasury_, DistributorConfig memory config_, address extension_)
        RewardDistributorBase(treasury_, config_)
    {
        _extension = extension_;
    }

    // ================================================================ views

    /// @dev See {IRewardDistributorViews}.
    function epochClosesAt(uint256 epoch) external view returns (uint256) {
        return _epochClosesAt(epoch);
    }

    /// @dev See {IRewardDistributorViews}.
    function treasuryAddress() external view returns (address) {
        return treasury;
    }

    /// @dev See {IRewardDistributorViews}.
    function extension() external view returns (address) {
        return _extension;
    }

    /// @dev See {IRewardDistributorViews}.
    function config() external view returns (DistributorConfig memory) {
        return DistributorConfig({
            genesisTime: genesisTime,
            epochSeconds: epochSeconds,
            graceSeconds: graceSeconds,
            challengeWindow: challengeWindow,
            arbiterTimeout: arbiterTimeout,
            aggregatorBond: aggregatorBond,
            challengerBond: challengerBond,
            challengerShareBps: challengerShareBps
        });
    }

    /// @dev See {IRewardDistributorViews}.
    function currentEpoch() public view returns (uint256) {
        return _currentEpoch();
    }

    /// @dev See {IRewardDistributorViews}.
    function withdrawalNotice() public view returns (uint256) {
        return _withdrawalNotice();
    }

    /// @dev See {IRewardDistributorViews}.
    function systemState() external view returns (SystemState memory) {
        GlobalState memory s = _state;
        return SystemState({
            nextEpoch: s.nextEpoch,
            claimableEnd: s.claimableEnd,
            blockedFrom: s.blockedFrom == NO_BLOCK ? type(uint256).max : s.blockedFrom,
            openChallenges: s.openChallenges,
            paused: s.paused,
            claimRoot: _claimRoot,
            challengeCount: _challengeCount,
            repostEnd: s.repostEnd,
            clock: _clock(s),
            pausedAt: s.paused ? _pause.pausedAt : 0,
            pauseEndsAt: s.paused ? uint256(_pause.pausedAt) + arbiterTimeout : 0
        });
    }

    /// @dev See {IRewardDistributorViews}.
    function clock() external view returns (uint256) {
        return _clock(_state);
    }

    /// @dev See {IRewardDistributorViews}.
    function maxPoolTotals() external pure returns (uint256) {
        return MAX_POOL_TOTALS;
    }

    /// @dev See {IRewardDistributorViews}.
    function maxPending() external pure returns (uint256) {
        return MAX_PENDING;
    }

    /// @dev See {IRewardDistributorViews}.
    function claimRelayerOf(address account) external view returns (address) {
        return _claimRelayers[account];
    }

    /// @dev See {IRewardDistributorViews}.
    function isClaimable(uint256 epoch) public view returns (bool) {
        GlobalState memory s = _state;
        return !s.paused && _isRipe(epoch, s);
    }

    /// @dev See {IRewardDistributorViews}.
    function latestClaimableEpoch() external view returns (bool exists, uint256 epoch) {
        GlobalState memory s = _advanceView(_state, type(uint256).max);
        if (s.paused || s.claimableEnd == 0) return (false, 0);
        return (true, s.claimableEnd - 1);
    }

    /// @dev See {IRewardDistributorViews}.
    function epochInfo(uint256 epoch) external view returns (EpochInfo memory info) {
        GlobalState memory s = _state;
        info.posted = epoch < s.nextEpoch;
        // Only epochs from the superseded claimable one on are still in the ring.
        if (!info.posted || epoch + 2 < s.claimableEnd) return info;
        EpochRecord memory r = _epochs[epoch % EPOCH_RING];
        info.root = _roots[epoch % EPOCH_RING];
        info.postedAt = r.postedAt;
        info.dataHash = r.dataHash;
        info.claimableAt = uint256(r.postedAt) + challengeWindow;
        EpochMeta memory meta = _epochMeta[epoch % EPOCH_RING];
        info.openChallenges = meta.openChallenges;
        info.aggregator = meta.aggregator;
        info.postSeq = meta.postSeq;
        info.claimable = !s.paused && _isRipe(epoch, s);
    }

    /// @dev See {IRewardDistributorViews}.
    function poolInfo(bytes32 poolId) external view returns (PoolInfo memory info) {
        PoolBalance memory b = _balances[poolId];
        if (!b.exists) revert PoolNotFound(poolId);
        PoolConfig storage poolConfig = _pools[poolId];
        info.token = poolId.token();
        info.owner = poolConfig.owner;
        info.ticketSigner = ticketSignerAt(poolId, block.timestamp);
        info.pricePerGB = priceAt(poolId, currentEpoch());
        info.unallocated = b.unallocated;
        info.owed = b.owed;
        info.withdrawalAmount = poolConfig.withdrawalAmount;
        info.withdrawalAvailableAt = poolConfig.withdrawalAvailableAt;
        if (info.withdrawalAvailableAt != 0) info.withdrawalExpiresAt = info.withdrawalAvailableAt + withdrawalNotice();
        info.pendingOwner = poolConfig.pendingOwner;
        info.metadataURI = poolConfig.metadataURI;
    }

    /// @dev See {IRewardDistributorViews}.
    function priceAt(bytes32 poolId, uint256 epoch) public view returns (uint256) {
        Checkpoints.Trace224 storage prices = _prices[poolId];
        if (prices.length() == 0) revert PoolNotFound(poolId);
        // O(log n): a binary search over the pool's price checkpoints (the first is at epoch 0).
        return prices.upperLookupRecent(epoch > type(uint32).max ? type(uint32).max : uint32(epoch));
    }

    /// @dev See {IRewardDistributorViews}.
    function ticketSignerAt(bytes32 poolId, uint256 timestamp) public view returns (address) {
        Checkpoints.Trace208 storage signers = _signers[poolId];
        if (signers.length() == 0) revert PoolNotFound(poolId);
        // O(log n); a time before the pool existed gets its first signer.
        uint48 key = timestamp > type(uint48).max ? type(uint48).max : uint48(timestamp);
        uint208 signer = signers.upperLookupRecent(key);
        if (signer == 0) signer = signers.at(0)._value;
        return address(uint160(signer));
    }

    /// @dev See {IRewardDistributorViews}.
    function claimed(bytes32 poolId, address account) external view returns (uint256 amount, uint256 nonce) {
        uint256 slot = _claimSlot(poolId, account);
        uint256 state;
        assembly ("memory-safe") {
            state := sload(slot)
        }
        return (uint192(state), state >> 192);
    }

    /// @dev See {IRewardDistributorViews}.
    function aggregatorInfo(address aggregator) external view returns (AggregatorInfo memory) {
        Aggregator memory a = _aggregators[aggregator];
        return AggregatorInfo({
            bond: a.bond,
            exitAvailableAt: a.exitAvailableAt,
            exitAfterEpoch: a.exitAfterEpoch,
            active: a.active
        });
    }

    /// @dev See {IRewardDistributorViews}.
    function challengeInfo(uint256 challengeId) external view returns (ChallengeInfo memory) {
        return _challenges[challengeId];
    }

    /// @dev See {IRewardDistributorViews}.
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @dev See {IRewardDistributorViews}.
    function domainSeparator() external view returns (bytes32) {
        return _meshpayDomainSeparator();
    }
}
