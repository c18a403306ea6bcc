// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardDistributorViews} from "./IRewardDistributorViews.sol";
import {
    PoolTotal, RewardLeaf, Claim, AuthorizedClaim, EpochData, ChallengeStatus, ChallengeInfo
} from "./RewardDistributorTypes.sol";

/// @title IRewardDistributorEvents
/// @notice Every state change of the RewardDistributor emits one of these, after the change.
interface IRewardDistributorEvents {
    /// @notice A broadcaster created a pool. `poolId` embeds the token address in its high 160 bits.
    event PoolCreated(
        bytes32 indexed poolId,
        address indexed owner,
        address indexed token,
        uint256 pricePerGB,
        address ticketSigner,
        string metadataURI
    );
    /// @notice `funder` added `amount` (as received) to the pool's unallocated balance.
    event PoolFunded(bytes32 indexed poolId, address indexed funder, uint256 amount);
    /// @notice The pool's price changed to `pricePerGB`, effective for epochs `>= fromEpoch`.
    event PoolPriceChanged(bytes32 indexed poolId, uint256 pricePerGB, uint256 fromEpoch);
    /// @notice The pool's ticket signer changed; tickets signed from now on must come from `ticketSigner`.
    event PoolTicketSignerRotated(bytes32 indexed poolId, address indexed ticketSigner);
    /// @notice The owner gave notice to withdraw up to `amount`, executable from `availableAt`.
    event PoolWithdrawalRequested(bytes32 indexed poolId, uint256 amount, uint256 availableAt);
    /// @notice The owner cancelled a pending withdrawal notice.
    event PoolWithdrawalCancelled(bytes32 indexed poolId);
    /// @notice `amount` of unallocated funds left the pool to `to`.
    event PoolWithdrawn(bytes32 indexed poolId, address indexed to, uint256 amount);

    /// @notice `aggregator` registered (or topped up) with `bond` wei in total.
    event AggregatorRegistered(address indexed aggregator, uint256 bond);
    /// @notice `aggregator` gave notice to leave; it cannot post any more.
    event AggregatorExitRequested(address indexed aggregator, uint256 availableAt);
    /// @notice `aggregator` left; its bond was credited back.
    event AggregatorExited(address indexed aggregator, uint256 bond);
    /// @notice `aggregator` lost its whole bond: `toChallenger` to the challenger, the rest to the treasury.
    event AggregatorSlashed(address indexed aggregator, uint256 bond, uint256 toChallenger);

    /// @notice An epoch root was posted; it is pending until `postedAt + challengeWindow`.
    /// @param dataHash keccak256(abi.encode(EpochData)) of this post; its first 27 bytes are stored.
    event EpochPosted(
        uint256 indexed epoch,
        address indexed aggregator,
        bytes32 root,
        bytes32 bundleHash,
        string bundleURI,
        PoolTotal[] poolTotals,
        bytes32 dataHash
    );
    /// @notice Epochs below `claimableEnd` are recorded as claimable and `root` is the fast-path claim root.
    event ClaimableEpochAdvanced(uint256 claimableEnd, bytes32 root);
    /// @notice Ring slots `[fromIndex, fromIndex + count)` were pre-paid.
    event EpochRingPrepared(uint256 fromIndex, uint256 count);
    /// @notice A pending epoch was rejected and its pool allocations released.
    event EpochRejected(uint256 indexed epoch, uint256 indexed challengeId);

    /// @notice `challenger` disputed pending `epoch`, bonding `bond` wei.
    event ChallengeOpened(
        uint256 indexed challengeId,
        uint256 indexed epoch,
        address indexed challenger,
        uint256 bond,
        bytes32 evidenceHash,
        string evidenceURI
    );
    /// @notice The arbiter upheld the challenge: its epoch and every later pending one were rejected.
    event ChallengeUpheld(uint256 indexed challengeId, address indexed arbiter);
    /// @notice The arbiter dismissed the challenge: the challenger's bond went to the treasury and the epoch's
    /// challenge window started again.
    event ChallengeDismissed(uint256 indexed challengeId, address indexed arbiter);
    /// @notice Nobody resolved the challenge in time: its epochs were rejected without slashing anyone.
    event ChallengeExpired(uint256 indexed challengeId);
    /// @notice The challenge's epoch was rejected by another challenge; its bond was credited back.
    event ChallengeVoided(uint256 indexed challengeId);

    /// @notice `account` was paid `amount` from pool `poolId` by a direct claim.
    /// @dev Only the account is indexed: a third topic would cost every claim 119 gas, and a pool's payouts are
    /// in its `owed` balance and in the token's Transfer events anyway.
    event Claimed(address indexed account, bytes32 poolId, uint256 amount);
    /// @notice `account` claimed `amount` from pool `poolId` through a relayer: `amount - fee` went to `recipient`,
    /// `fee` to the relayer.
    event ClaimedWithAuthorization(
        address indexed account, bytes32 poolId, address recipient, uint256 amount, uint256 fee
    );
    /// @notice `account` may withdraw `amount` more wei (refunded or earned bonds).
    event BalanceCredited(address indexed account, uint256 amount);
    /// @notice `account` withdrew `amount` wei of credited balance.
    event BalanceWithdrawn(address indexed account, uint256 amount);
    /// @notice The guardian paused posting, claiming and every outflow.
    event Paused(address indexed guardian);
    /// @notice The guardian resumed normal operation.
    event Unpaused(address indexed guardian);
}

/// @title IRewardDistributorErrors
/// @notice Custom errors, prefixed by the component that raises them; arguments say what was wrong.
interface IRewardDistributorErrors {
    /// @notice A configuration value given to the constructor is out of range.
    error ConfigInvalid(string parameter);
    /// @notice The contract is paused.
    error SystemPaused();
    /// @notice The contract is not paused.
    error SystemNotPaused();
    /// @notice An address argument was the zero address.
    error ZeroAddress();
    /// @notice An amount argument was zero.
    error ZeroAmount();

    /// @notice The price does not fit in 224 bits.
    error PoolPriceTooHigh(uint256 pricePerGB);
    /// @notice No pool has this id.
    error PoolNotFound(bytes32 poolId);
    /// @notice `caller` is not the pool's owner.
    error PoolUnauthorized(bytes32 poolId, address caller);
    /// @notice The pool's balances would exceed the supported maximum.
    error PoolBalanceOverflow(bytes32 poolId, uint256 amount);
    /// @notice A post allocates `requested` from a pool holding only `available` unallocated.
    error PoolOverdrawn(bytes32 poolId, uint256 requested, uint256 available);
    /// @notice A claim of `requested` exceeds what the pool allocated and has not yet paid (`owed`).
    error PoolAllocationExceeded(bytes32 poolId, uint256 requested, uint256 owed);
    /// @notice No withdrawal notice is pending for the pool.
    error PoolNoWithdrawalRequested(bytes32 poolId);
    /// @notice The withdrawal notice runs until `availableAt`.
    error PoolWithdrawalNotReady(bytes32 poolId, uint256 availableAt);

    /// @notice `account` is not a registered aggregator able to post.
    error AggregatorNotActive(address account);
    /// @notice The bond sent is below the required `minimum`.
    error AggregatorBondTooLow(uint256 bond, uint256 minimum);
    /// @notice The aggregator already gave notice of exit.
    error AggregatorExiting(address aggregator);
    /// @notice The aggregator has not given notice of exit.
    error AggregatorNotExiting(address aggregator);
    /// @notice The exit notice runs until `availableAt`, or an epoch below `untilEpoch` (posted before the notice)
    /// is still pending.
    error AggregatorExitNotReady(address aggregator, uint256 availableAt, uint256 untilEpoch);

    /// @notice Epochs are posted in order: `expected` is next.
    error EpochOutOfOrder(uint256 epoch, uint256 expected);
    /// @notice The epoch closes (end plus grace) at `closesAt`; it cannot be posted before.
    error EpochNotClosed(uint256 epoch, uint256 closesAt);
    /// @notice The root is zero.
    error EpochRootZero(uint256 epoch);
    /// @notice Pool totals must be strictly ascending by pool id; entry `index` is not.
    error EpochPoolTotalsNotSorted(uint256 index);
    /// @notice The epoch is not pending (not posted, already claimable, or rejected).
    error EpochNotPending(uint256 epoch);
    /// @notice The EpochData given does not match what was posted for `epoch`.
    error EpochDataMismatch(uint256 epoch);
    /// @notice `pending` epochs already await their window; no more can be posted until some become claimable.
    error EpochTooManyPending(uint256 pending, uint256 max);
    /// @notice `count` EpochData entries were given where `expected` are being rejected.
    error EpochDataCount(uint256 count, uint256 expected);

    /// @notice The bond sent is not the required `required` wei.
    error ChallengeBondInvalid(uint256 bond, uint256 required);
    /// @notice Epoch `epoch` already has open challenge `challengeId`.
    error ChallengeAlreadyOpen(uint256 epoch, uint256 challengeId);
    /// @notice Challenge `challengeId` is not open.
    error ChallengeNotOpen(uint256 challengeId);
    /// @notice The arbiter still has until `deadline` to resolve the challenge.
    error ChallengeNotExpired(uint256 challengeId, uint256 deadline);

    /// @notice The proof leads neither to the latest claimable root nor to the one it just superseded.
    error ClaimInvalidProof(bytes32 poolId, address account);
    /// @notice `cumulativeAmount` does not exceed what `account` already `claimed`.
    error ClaimNothingDue(bytes32 poolId, address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice The authorization expired at `deadline`.
    error ClaimAuthorizationExpired(uint256 deadline);
    /// @notice The authorization's nonce is not the account's next nonce `expected`.
    error ClaimAuthorizationNonce(uint256 nonce, uint256 expected);
    /// @notice The authorization was not signed by the account: it recovers to `signer`.
    error ClaimAuthorizationSigner(address signer, address account);
    /// @notice The fee exceeds the signed `maxFee` or the `amount` being claimed.
    error ClaimFeeTooHigh(uint256 fee, uint256 maxFee, uint256 amount);
}

/// @title IRewardDistributor
/// @notice Holds broadcasters' reward pools, takes epoch roots from bonded aggregators, lets bonded challengers
/// dispute them, and pays relay operators their cumulative rewards.
/// @dev Lifecycle of an epoch: posted (pending) -> claimable once `challengeWindow` has passed with no open
/// challenge on it or an earlier epoch; or rejected (with every later pending epoch) by an upheld or expired
/// challenge, after which the aggregator posts it again. No transaction is needed to make an epoch claimable.
/// The contract is deployed as a core (claims, posts, funding: the hot paths, with a short dispatcher) and an
/// extension that the core delegatecalls for every other function; both share one storage layout and one address.
interface IRewardDistributor is IRewardDistributorEvents, IRewardDistributorErrors, IRewardDistributorViews {
    // ---------------------------------------------------------------- pools

    /// @notice Creates a pool paying `token` at `pricePerGB` base units per 10^9 bytes delivered.
    /// @param ticketSigner The key that signs viewers' tickets for this pool.
    /// @param metadataURI Where the broadcaster describes the stream(s) the pool pays for.
    /// @return poolId `uint256(uint160(token)) << 96 | sequence`, so claims read the token from the id.
    function createPool(address token, uint256 pricePerGB, address ticketSigner, string calldata metadataURI)
        external
        returns (bytes32 poolId);

    /// @notice Pulls `amount` of the pool's token from the caller into the pool; anyone may fund any pool.
    /// @dev Credits what actually arrived, so fee-on-transfer tokens cannot inflate a pool.
    function fund(bytes32 poolId, uint256 amount) external;

    /// @notice Owner only: sets the price for every epoch after the current one.
    function setPrice(bytes32 poolId, uint256 pricePerGB) external;

    /// @notice Owner only: replaces the ticket signer, effective immediately. The history stays on chain.
    function rotateTicketSigner(bytes32 poolId, address ticketSigner) external;

    /// @notice Owner only: gives notice to withdraw up to `amount` of unallocated funds after
    /// `epochSeconds + challengeWindow`. Until then the funds stay allocatable, so relays are never rugged.
    function requestWithdrawal(bytes32 poolId, uint256 amount) external;

    /// @notice Owner only: cancels the pending withdrawal notice.
    function cancelWithdrawal(bytes32 poolId) external;

    /// @notice Owner only: withdraws `min(requested, unallocated)` to `to` once the notice has run.
    function withdraw(bytes32 poolId, address to) external returns (uint256 amount);

    // ---------------------------------------------------------------- aggregators

    /// @notice Registers the caller as an aggregator, or tops up its bond; the total must reach `aggregatorBond`.
    function registerAggregator() external payable;

    /// @notice Gives notice of exit; the aggregator can no longer post.
    function requestAggregatorExit() external;

    /// @notice Completes the exit after the notice, once none of the aggregator's epochs is pending; credits the bond.
    function exitAggregator() external;

    // ---------------------------------------------------------------- epochs

    /// @notice Posts the reward root of `epoch` (the next one, after it has closed) and allocates each pool's total.
    /// @dev Refused at post time if any pool cannot cover its total. Also records as claimable every earlier
    /// epoch whose window has passed, so claims take the cheap path.
    function postEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI
    ) external;

    /// @notice Records as claimable every epoch whose window has passed. Optional: claims work without it.
    function advanceClaimable() external;

    /// @notice Anyone may pre-pay the epoch ring's storage: writes a placeholder into `count` never-used ring slots
    /// from `fromIndex`, so that posts rewrite nonzero slots (about 34,000 gas less per post) from the first
    /// epoch on, not only after the ring has wrapped once. Slots in use are never touched.
    function prepareEpochRing(uint256 fromIndex, uint256 count) external;

    // ---------------------------------------------------------------- challenges

    /// @notice Disputes pending `epoch`, bonding exactly `challengerBond` wei. Blocks that epoch and all later ones
    /// from becoming claimable until resolved.
    function challenge(uint256 epoch, bytes32 evidenceHash, string calldata evidenceURI)
        external
        payable
        returns (uint256 challengeId);

    /// @notice Arbiter only: upholds the challenge. Its epoch and every later pending one are rejected (`rejected`
    /// gives their EpochData in order), the epoch's aggregator is slashed, and the challenger is paid.
    function upholdChallenge(uint256 challengeId, EpochData[] calldata rejected) external;

    /// @notice Arbiter only: dismisses the challenge; the challenger's bond goes to the treasury and the epoch's
    /// challenge window starts again, so a bogus challenge cannot run out the clock on honest watchers.
    function dismissChallenge(uint256 challengeId) external;

    /// @notice Anyone, after `arbiterTimeout`: rejects the challenged epoch and every later pending one, slashing
    /// no one and refunding the challenger. An unresolved dispute never lets a possibly wrong root pay out.
    function resolveExpiredChallenge(uint256 challengeId, EpochData[] calldata rejected) external;

    // ---------------------------------------------------------------- claims

    /// @notice Pays `leaf.account` its `cumulativeAmount` minus what it already claimed from the pool, against the
    /// latest claimable epoch's root (or the root it superseded, so a claim racing an epoch boundary still lands).
    /// Anyone may call it; the tokens always go to the account.
    /// @dev When epochs passed their window since the last post, the first claim records them (a few thousand gas
    /// more, once); otherwise a claim reads three cold slots.
    function claim(RewardLeaf calldata leaf, bytes32[] calldata proof) external returns (uint256 amount);

    /// @notice Claims for `leaf.account` with its signed ClaimAuthorization; pays `recipient` the amount minus
    /// `fee` and the caller `fee`, which may not exceed the signed `maxFee`. The nonce is used up.
    function claimWithAuthorization(AuthorizedClaim calldata authorizedClaim) external returns (uint256 amount);

    /// @notice Several direct claims, over any pools and accounts, in one transaction.
    function claimMany(Claim[] calldata claims) external returns (uint256[] memory amounts);

    /// @notice Several relayed claims in one transaction; fees are paid to the caller once per run of one token.
    function claimWithAuthorizations(AuthorizedClaim[] calldata claims) external returns (uint256[] memory amounts);

    // ---------------------------------------------------------------- balances and guardian

    /// @notice Withdraws the caller's credited wei (refunded bonds, slashing shares).
    function withdrawBalance() external returns (uint256 amount);

    /// @notice Guardian only: stops posting, claiming and every outflow. The guardian can never move funds.
    function pause() external;

    /// @notice Guardian only: resumes.
    function unpause() external;
}
