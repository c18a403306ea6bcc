// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {
    ChallengeInfo, DistributorConfig, PoolInfo, EpochInfo, AggregatorInfo, SystemState
} from "./RewardDistributorTypes.sol";

/// @title IRewardDistributorViews
/// @notice Read-only functions for operators, auditors and the off-chain services.
interface IRewardDistributorViews {
    /// @notice Where slashed bonds (beyond the challenger's share) and forfeited challenger bonds go.
    function treasuryAddress() external view returns (address);
    /// @notice The extension contract the core delegates to (it refuses direct calls).
    function extension() external view returns (address);
    /// @notice The deployment parameters.
    function config() external view returns (DistributorConfig memory);
    /// @notice The epoch containing the current block's timestamp.
    function currentEpoch() external view returns (uint256);
    /// @notice When `epoch` closes (its end plus grace): receipts are refused and the epoch may be posted.
    function epochClosesAt(uint256 epoch) external view returns (uint256);
    /// @notice The notice a pool owner must give before withdrawing: epochSeconds + graceSeconds + challengeWindow.
    /// A request then stays executable for as long again.
    function withdrawalNotice() external view returns (uint256);
    /// @notice The contract clock: unix time minus the seconds the contract was paused. Windows, deadlines and
    /// notices run on it.
    function clock() external view returns (uint256);
    /// @notice The most pool totals one post may list.
    function maxPoolTotals() external pure returns (uint256);
    /// @notice The most epochs that may be pending at once.
    function maxPending() external pure returns (uint256);
    /// @notice The relayer `account` binds its ClaimAuthorizations to (zero: any).
    function claimRelayerOf(address account) external view returns (address);
    /// @notice The epoch sequence, challenges and pause flag.
    function systemState() external view returns (SystemState memory);
    /// @notice Whether `epoch` is claimable (final): posted, past its window, and neither it nor an earlier epoch
    /// under open challenge. No transaction is needed for that; claims use the latest claimable epoch's root.
    function isClaimable(uint256 epoch) external view returns (bool);
    /// @notice The latest epoch a claim can use now, if any.
    function latestClaimableEpoch() external view returns (bool exists, uint256 epoch);
    /// @notice What is stored for `epoch`. Only the latest recorded claimable epochs and the pending ones are kept
    /// (in a ring of EPOCH_RING slots); older roots are in the EpochPosted events.
    function epochInfo(uint256 epoch) external view returns (EpochInfo memory);
    /// @notice A pool's configuration and balances. Reverts with PoolNotFound for an unknown id.
    function poolInfo(bytes32 poolId) external view returns (PoolInfo memory);
    /// @notice The price in force for `epoch`.
    function priceAt(bytes32 poolId, uint256 epoch) external view returns (uint256);
    /// @notice The ticket signer in force at `timestamp` (unix seconds).
    function ticketSignerAt(bytes32 poolId, uint256 timestamp) external view returns (address);
    /// @notice What `account` has claimed from the pool, and its next ClaimAuthorization nonce for the pool.
    function claimed(bytes32 poolId, address account) external view returns (uint256 amount, uint256 nonce);
    /// @notice An aggregator's bond and status.
    function aggregatorInfo(address aggregator) external view returns (AggregatorInfo memory);
    /// @notice A challenge by id (ids start at 1).
    function challengeInfo(uint256 challengeId) external view returns (ChallengeInfo memory);
    /// @notice Wei credited to `account` and withdrawable with withdrawBalance.
    function creditOf(address account) external view returns (uint256);
    /// @notice The EIP-712 domain separator {name: "meshpay", version: "1", chainId, verifyingContract: this}.
    function domainSeparator() external view returns (bytes32);
}
