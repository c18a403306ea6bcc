// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ChallengeInfo} from "./IRewardDistributor.sol";

/// @notice Deployment parameters; time in seconds, bonds in wei.
struct DistributorConfig {
    uint256 genesisTime; // start of epoch 0 (unix seconds)
    uint256 epochSeconds; // length of an epoch
    uint256 graceSeconds; // after an epoch ends, how long late receipts are still taken before it closes
    uint256 challengeWindow; // how long a posted epoch stays pending
    uint256 arbiterTimeout; // how long the arbiter has to resolve a challenge
    uint256 aggregatorBond; // minimum bond to post epochs
    uint256 challengerBond; // exact bond per challenge
    uint256 challengerShareBps; // share of a slashed aggregator bond paid to the challenger
}

/// @notice A pool as a broadcaster or an auditor sees it.
struct PoolInfo {
    address token;
    address owner;
    address ticketSigner;
    uint256 pricePerGB; // for the current epoch
    uint256 unallocated; // funded, not yet allocated to any epoch: the only part the owner may withdraw
    uint256 owed; // allocated to posted epochs and not yet paid
    uint256 withdrawalAmount;
    uint256 withdrawalAvailableAt;
    string metadataURI;
}

/// @notice An epoch as stored. `dataHash` is the first 27 bytes of keccak256(abi.encode(EpochData)).
struct EpochInfo {
    bytes32 root;
    uint256 postedAt;
    uint256 claimableAt;
    bytes27 dataHash;
    uint256 openChallengeId;
    bool posted;
    bool claimable;
}

/// @notice An aggregator's bond and status.
struct AggregatorInfo {
    uint256 bond;
    uint256 exitAvailableAt; // zero unless the aggregator gave notice
    uint256 exitAfterEpoch; // epochs below this were posted before the notice and must settle first
    bool active;
}

/// @notice The epoch sequence at a glance.
struct SystemState {
    uint256 nextEpoch; // next epoch to post
    uint256 claimableEnd; // epochs below are recorded claimable (later ones may be claimable by time alone)
    uint256 blockedFrom; // lowest epoch under open challenge, or type(uint256).max
    uint256 openChallenges;
    bool paused;
    bytes32 claimRoot; // the fast-path root
    uint256 challengeCount;
}

/// @title IRewardDistributorViews
/// @notice Read-only functions for operators, auditors and the off-chain services.
interface IRewardDistributorViews {
    /// @notice The deployment parameters.
    function config() external view returns (DistributorConfig memory);
    /// @notice The epoch containing the current block's timestamp.
    function currentEpoch() external view returns (uint256);
    /// @notice When `epoch` closes (its end plus grace): receipts are refused and the epoch may be posted.
    function epochClosesAt(uint256 epoch) external view returns (uint256);
    /// @notice The notice a pool owner must give before withdrawing: epochSeconds + graceSeconds + challengeWindow.
    function withdrawalNotice() external view returns (uint256);
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
