// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice One pool's share of an epoch, as posted by the aggregator.
/// @dev `poolTotals` arrays are strictly ascending by `poolId`, so an epoch has one canonical encoding.
struct PoolTotal {
    bytes32 poolId;
    uint256 amount;
}

/// @notice The fields of a reward-tree leaf; the leaf is the OpenZeppelin StandardMerkleTree hash of
/// `abi.encode(account, poolId, cumulativeAmount, epochBytes, epochAmount, receiptsRoot)`.
struct RewardLeaf {
    address account;
    bytes32 poolId;
    uint256 cumulativeAmount;
    uint256 epochBytes;
    uint256 epochAmount;
    bytes32 receiptsRoot;
}

/// @notice A direct claim: `leaf` and its proof against a claimable root.
struct Claim {
    RewardLeaf leaf;
    bytes32[] proof;
}

/// @notice A relayed claim: a `Claim` plus the operator's signed ClaimAuthorization and the fee the relayer takes.
/// @dev The signature by `leaf.account` over the EIP-712 ClaimAuthorization {poolId, account, recipient, maxFee,
/// nonce, deadline} travels in its EIP-2098 compact form (r, vs): two fixed words, no length or offset, which
/// matters in batches. Any 65-byte signature converts losslessly (vs = s | (v - 27) << 255).
struct AuthorizedClaim {
    RewardLeaf leaf;
    bytes32[] proof;
    address recipient;
    uint256 maxFee;
    uint256 nonce;
    uint64 deadline;
    uint256 fee;
    bytes32 r;
    bytes32 vs;
}

/// @notice The data an epoch's on-chain commitment hides; given back when the epoch is posted again after a
/// rejection (which releases its allocations) or to prove fraud against it. `poolTotals` are the amounts actually
/// allocated (a total a pool could not cover is cut to what it held); its hash is emitted by
/// {IRewardDistributor.EpochPosted}.
struct EpochData {
    address aggregator;
    bytes32 bundleHash;
    PoolTotal[] poolTotals;
}

/// @notice The state of a challenge.
enum ChallengeStatus {
    None,
    Open,
    Upheld,
    Dismissed,
    Expired,
    Voided
}

/// @notice A challenge against one post of a pending epoch. `openedAt` is on the contract clock (see
/// {IRewardDistributorViews.clock}); `postSeq` identifies the post challenged (a re-post of the epoch is another post).
struct ChallengeInfo {
    address challenger;
    uint32 epoch;
    uint40 openedAt;
    ChallengeStatus status;
    uint128 bond;
    bytes32 evidenceHash;
    uint32 postSeq;
}

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
    uint256 withdrawalAvailableAt; // contract clock; zero when no request is pending
    uint256 withdrawalExpiresAt; // contract clock; the request can no longer be executed from then
    address pendingOwner; // set by transferPoolOwnership until accepted
    string metadataURI;
}

/// @notice An epoch as stored. `dataHash` is the first 27 bytes of keccak256(abi.encode(EpochData)). Times are on
/// the contract clock (unix time minus the seconds spent paused; equal to unix time if never paused).
struct EpochInfo {
    bytes32 root;
    uint256 postedAt;
    uint256 claimableAt; // end of the challenge window; claimable then unless a challenge on it or before is open
    bytes27 dataHash;
    uint256 openChallenges; // open challenges on this post
    bool posted;
    bool claimable;
    address aggregator; // who posted it
    uint256 postSeq; // which post of the epoch this is (global post counter)
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
    uint256 openChallenges; // challenges in status Open (including ones whose post was since rejected)
    bool paused;
    bytes32 claimRoot; // the fast-path root
    uint256 challengeCount;
    uint256 repostEnd; // epochs in [nextEpoch, repostEnd) were rejected and are posted again with repostEpoch
    uint256 clock; // the contract clock: unix time minus the seconds spent paused
    uint256 pausedAt; // unix time the current pause began, zero when not paused
    uint256 pauseEndsAt; // unix time from which anyone may unpause (pausedAt + maxPause), zero when not paused
}

