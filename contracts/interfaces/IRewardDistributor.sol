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
    /// @notice The owner gave notice to withdraw up to `amount`, executable from `availableAt` until `expiresAt`
    /// (both on the contract clock, see {IRewardDistributorViews.clock}).
    event PoolWithdrawalRequested(bytes32 indexed poolId, uint256 amount, uint256 availableAt, uint256 expiresAt);
    /// @notice The owner cancelled a pending withdrawal notice.
    event PoolWithdrawalCancelled(bytes32 indexed poolId);
    /// @notice `amount` of unallocated funds left the pool to `to`.
    event PoolWithdrawn(bytes32 indexed poolId, address indexed to, uint256 amount);
    /// @notice The owner offered the pool to `pendingOwner` (zero cancels); it changes hands once accepted.
    event PoolOwnershipTransferStarted(bytes32 indexed poolId, address indexed owner, address indexed pendingOwner);
    /// @notice `newOwner` accepted the pool; any pending withdrawal request of the previous owner was cancelled.
    event PoolOwnershipTransferred(bytes32 indexed poolId, address indexed previousOwner, address indexed newOwner);
    /// @notice A post's total for the pool exceeded its unallocated funds: `allocated` (all it held) was allocated.
    event PoolAllocationCapped(uint256 indexed epoch, bytes32 indexed poolId, uint256 requested, uint256 allocated);

    /// @notice `aggregator` registered (or topped up) with `bond` wei in total.
    event AggregatorRegistered(address indexed aggregator, uint256 bond);
    /// @notice `aggregator` gave notice to leave; it cannot post any more.
    event AggregatorExitRequested(address indexed aggregator, uint256 availableAt);
    /// @notice `aggregator` left; its bond was credited back.
    event AggregatorExited(address indexed aggregator, uint256 bond);
    /// @notice `aggregator` lost its whole bond: `toChallenger` to the challenger, the rest to the treasury.
    event AggregatorSlashed(address indexed aggregator, uint256 bond, uint256 toChallenger);

    /// @notice An epoch root was posted; it is pending until `postedAt + challengeWindow` on the contract clock.
    /// @param poolTotals The amounts allocated (a total a pool could not cover is cut, see PoolAllocationCapped).
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
    /// @notice Epochs `[epoch, end)` were rejected (by upheld challenge `challengeId`, or by a revocation when it is
    /// zero). Nothing is released yet: their allocations stay reserved (owed) until each epoch is posted again.
    event EpochRejected(uint256 indexed epoch, uint256 indexed challengeId, uint256 end);
    /// @notice A rejected post of `epoch` (commitment `replacedDataHash`) was replaced by a new post; `released` is
    /// what each of its pools got back as unallocated before the new post allocated its own totals.
    event EpochReplaced(uint256 indexed epoch, bytes32 replacedDataHash, PoolTotal[] released);
    /// @notice The arbiter revoked `epoch`, already claimable, within its recovery period: it and every later epoch
    /// are rejected and the claim root goes back to epoch `epoch - 1`'s.
    event EpochRevoked(uint256 indexed epoch, address indexed arbiter, bytes32 evidenceHash);

    /// @notice `challenger` disputed post `postSeq` of pending `epoch`, bonding `bond` wei.
    event ChallengeOpened(
        uint256 indexed challengeId,
        uint256 indexed epoch,
        address indexed challenger,
        uint256 bond,
        bytes32 evidenceHash,
        string evidenceURI,
        uint256 postSeq
    );
    /// @notice The arbiter upheld the challenge: its epoch and every later pending one were rejected.
    event ChallengeUpheld(uint256 indexed challengeId, address indexed arbiter);
    /// @notice The arbiter dismissed the challenge: the challenger's bond went to the treasury. The epoch's window
    /// is not restarted: it ends at `claimableAt` (contract clock) and the epoch is claimable then unless another
    /// challenge on it or an earlier epoch is open.
    event ChallengeDismissed(uint256 indexed challengeId, address indexed arbiter, uint256 claimableAt);
    /// @notice The arbiter let its deadline pass: the challenge lapsed, its bond was refunded, and the epoch stands
    /// (an expired deadline never rejects an epoch nor rewards the challenger).
    event ChallengeExpired(uint256 indexed challengeId);
    /// @notice The post the challenge disputed was rejected by another decision; its bond was credited back.
    event ChallengeVoided(uint256 indexed challengeId);

    /// @notice `account` was paid `amount` from pool `poolId` by a direct claim.
    /// @dev Only the account is indexed: a third topic would cost every claim 119 gas, and a pool's payouts are
    /// in its `owed` balance and in the token's Transfer events anyway.
    event Claimed(address indexed account, bytes32 poolId, uint256 amount);
    /// @notice `account` claimed `amount` from pool `poolId` through a relayer: `amount - fee` went to `recipient`,
    /// `fee` to the relayer.
    event ClaimedWithAuthorization(
        address indexed account, bytes32 poolId, address recipient, address relayer, uint256 amount, uint256 fee
    );
    /// @notice `account` retired every ClaimAuthorization for the pool with a nonce below `nonce`.
    event ClaimAuthorizationsRevoked(address indexed account, bytes32 indexed poolId, uint256 nonce);
    /// @notice `account`'s ClaimAuthorizations can from now on be used only by `relayer` (zero: by anyone).
    event ClaimRelayerSet(address indexed account, address indexed relayer);
    /// @notice `account` may withdraw `amount` more wei (refunded or earned bonds).
    event BalanceCredited(address indexed account, uint256 amount);
    /// @notice `account` withdrew `amount` wei of credited balance.
    event BalanceWithdrawn(address indexed account, uint256 amount);
    /// @notice The guardian paused posting, claiming and every outflow, and stopped the contract clock; anyone may
    /// unpause from `endsAt` (unix time).
    event Paused(address indexed guardian, uint256 endsAt);
    /// @notice `account` (the guardian, or anyone once the maximum pause had run) resumed normal operation; the
    /// contract clock stood still for `clockStopped` seconds.
    event Unpaused(address indexed account, uint256 clockStopped);
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
    /// @notice A new pause can start only from `availableAt` (unix time): pauses are separated by a challenge window.
    error SystemPauseCooldown(uint256 availableAt);
    /// @notice Only the guardian may unpause before `endsAt` (unix time).
    error SystemPauseNotOver(uint256 endsAt);
    /// @notice The admin may hold no other role, and no other role holder may become admin.
    error SystemRoleConflict(bytes32 role, address account);
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
    /// @notice A claim of `requested` exceeds what the pool allocated and has not yet paid (`owed`).
    error PoolAllocationExceeded(bytes32 poolId, uint256 requested, uint256 owed);
    /// @notice No withdrawal notice is pending for the pool.
    error PoolNoWithdrawalRequested(bytes32 poolId);
    /// @notice The withdrawal notice runs until `availableAt` (contract clock).
    error PoolWithdrawalNotReady(bytes32 poolId, uint256 availableAt);
    /// @notice The withdrawal request expired at `expiredAt` (contract clock); request again.
    error PoolWithdrawalExpired(bytes32 poolId, uint256 expiredAt);
    /// @notice Epoch `epoch` has closed and is not posted yet (or was rejected and is not posted again): what relays
    /// earned in it may need the funds. The withdrawal waits for the post, or until the contract clock reaches
    /// `waitUntil` if the aggregators stay late.
    error PoolWithdrawalEpochsInFlight(bytes32 poolId, uint256 epoch, uint256 waitUntil);
    /// @notice `caller` is not the pool's pending owner.
    error PoolNotPendingOwner(bytes32 poolId, address caller);

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
    /// @notice A post lists `count` pool totals; at most `max` are allowed.
    error EpochTooManyPoolTotals(uint256 count, uint256 max);
    /// @notice Epoch `epoch` was rejected: post it again with repostEpoch, giving the rejected post's EpochData.
    error EpochRepostRequired(uint256 epoch);
    /// @notice Epoch `epoch` is not awaiting a re-post; use postEpoch.
    error EpochNotRejected(uint256 epoch);
    /// @notice `incumbent` posts epoch `epoch`; another aggregator may take over from `takeoverAt` (unix time).
    error EpochNotPoster(uint256 epoch, address incumbent, uint256 takeoverAt);
    /// @notice Epoch `epoch` is not claimable, so it cannot be revoked (challenge it instead).
    error EpochNotFinal(uint256 epoch);
    /// @notice Epoch `epoch`'s recovery period ended at `endedAt` (contract clock); it can no longer be revoked.
    error EpochRecoveryClosed(uint256 epoch, uint256 endedAt);

    /// @notice The bond sent is not the required `required` wei.
    error ChallengeBondInvalid(uint256 bond, uint256 required);
    /// @notice Challenge `challengeId` is not open.
    error ChallengeNotOpen(uint256 challengeId);
    /// @notice The arbiter still has until `deadline` (contract clock) to resolve the challenge.
    error ChallengeNotExpired(uint256 challengeId, uint256 deadline);
    /// @notice The post challenge `challengeId` disputed was rejected; close it with resolveExpiredChallenge.
    error ChallengeVoid(uint256 challengeId);

    /// @notice The proof leads neither to the latest claimable root nor to the one it just superseded.
    error ClaimInvalidProof(bytes32 poolId, address account);
    /// @notice `cumulativeAmount` does not exceed what `account` already `claimed`.
    error ClaimNothingDue(bytes32 poolId, address account, uint256 cumulativeAmount, uint256 claimed);
    /// @notice The authorization expired at `deadline`.
    error ClaimAuthorizationExpired(uint256 deadline);
    /// @notice The authorization's nonce is below the account's next nonce `expected` (used, retired by a direct
    /// claim, a newer authorization or a revocation), or out of range.
    error ClaimAuthorizationNonce(uint256 nonce, uint256 expected);
    /// @notice The account binds its authorizations to `relayer`; `caller` is not it.
    error ClaimRelayerNotAllowed(address caller, address relayer);
    /// @notice The authorization was not signed by the account: it recovers to `signer`.
    error ClaimAuthorizationSigner(address signer, address account);
    /// @notice The fee exceeds the signed `maxFee` or the `amount` being claimed.
    error ClaimFeeTooHigh(uint256 fee, uint256 maxFee, uint256 amount);
}

/// @title IRewardDistributor
/// @notice Holds broadcasters' reward pools, takes epoch roots from bonded aggregators, lets bonded challengers
/// dispute them, and pays relay operators their cumulative rewards.
/// @dev Lifecycle of an epoch: posted (pending) -> claimable once `challengeWindow` has passed (contract clock) with
/// no open challenge on it or an earlier epoch; or rejected (with every later epoch) by an upheld challenge, after
/// which it is posted again with repostEpoch. Every function costs bounded gas whatever the number of pools, pending
/// epochs or challenges: rejection moves a pointer, a post lists at most MAX_POOL_TOTALS pools, and the only walks
/// are over at most MAX_PENDING epochs. The contract is deployed as a core (claims, posts, funding: the hot paths,
/// with a short dispatcher) and an extension that the core delegatecalls for every other function; both share one
/// storage layout and one address.
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

    /// @notice Owner only: gives notice to withdraw up to `amount` of unallocated funds. The request can be executed
    /// from `withdrawalNotice()` later until `withdrawalNotice()` after that (contract clock), and only once every
    /// closed epoch is posted. Until then the funds stay allocatable, so relays are never rugged.
    function requestWithdrawal(bytes32 poolId, uint256 amount) external;

    /// @notice Owner only: cancels the pending withdrawal notice.
    function cancelWithdrawal(bytes32 poolId) external;

    /// @notice Owner only: withdraws `min(requested, unallocated)` to `to` while the request is valid and no closed
    /// epoch awaits its post or, after a rejection, its re-post (PoolWithdrawalEpochsInFlight, with the contract
    /// clock at which the wait ends), unless the aggregators are a challenge window of contract clock late with it.
    function withdraw(bytes32 poolId, address to) external returns (uint256 amount);

    /// @notice Owner only: offers the pool to `newOwner` (zero cancels the offer).
    function transferPoolOwnership(bytes32 poolId, address newOwner) external;

    /// @notice The pending owner takes the pool over; a withdrawal request of the previous owner is cancelled.
    function acceptPoolOwnership(bytes32 poolId) external;

    // ---------------------------------------------------------------- aggregators

    /// @notice Registers the caller as an aggregator, or tops up its bond; the total must reach `aggregatorBond`.
    function registerAggregator() external payable;

    /// @notice Gives notice of exit; the aggregator can no longer post. The notice is `2 * challengeWindow +
    /// arbiterTimeout` of contract clock: the recovery period (revokeEpoch) of every epoch it posted.
    function requestAggregatorExit() external;

    /// @notice Completes the exit after the notice, once none of the aggregator's epochs is pending; credits the bond.
    function exitAggregator() external;

    // ---------------------------------------------------------------- epochs

    /// @notice Posts the reward root of `epoch` (the next one, after it has closed) and allocates each pool's total
    /// (at most MAX_POOL_TOTALS = 128, strictly ascending). The poster of the previous epoch posts the next one; any
    /// other active aggregator may take over once `epochSeconds` have passed since the epoch closed, or when the
    /// incumbent is no longer active (EpochNotPoster).
    /// @dev A total a pool cannot cover is cut to what it holds (PoolAllocationCapped) rather than failing the whole
    /// post. Also records as claimable every earlier epoch whose window has passed, so claims take the cheap path.
    /// Refused for a rejected epoch awaiting its re-post (EpochRepostRequired).
    function postEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI
    ) external;

    /// @notice Posts again an epoch that was rejected: `replaced` is the EpochData of its rejected post (as in its
    /// EpochPosted event). The rejected post's allocations, reserved since the rejection, are released first
    /// (EpochReplaced), then the new totals are allocated as by postEpoch.
    function repostEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI,
        EpochData calldata replaced
    ) external;

    /// @notice Records as claimable every epoch whose window has passed. Optional: claims work without it.
    function advanceClaimable() external;

    /// @notice Anyone may pre-pay the epoch ring's storage: writes a placeholder into `count` never-used ring slots
    /// from `fromIndex`, so that posts rewrite nonzero slots from the first epoch on. Slots in use are never touched.
    function prepareEpochRing(uint256 fromIndex, uint256 count) external;

    // ---------------------------------------------------------------- challenges

    /// @notice Disputes the current post of pending `epoch` (inside its window), bonding exactly `challengerBond`
    /// wei. Any number of challenges may be open on one post; each blocks that epoch and all later ones from
    /// becoming claimable until resolved, and for at most `arbiterTimeout`.
    /// @param evidenceHash By convention keccak256(abi.encode(challenger, evidence)): the arbiter rewards only a
    /// challenge whose evidence is bound to its own address, so copying a challenge from the mempool gains nothing.
    function challenge(uint256 epoch, bytes32 evidenceHash, string calldata evidenceURI)
        external
        payable
        returns (uint256 challengeId);

    /// @notice Arbiter only: upholds the challenge. Its epoch and every later one are rejected in O(1) (their
    /// allocations stay reserved until re-posted), the epoch's aggregator loses its bond (`challengerShareBps` to
    /// this challenger, the rest to the treasury), and other challenges on those posts become void (refundable).
    function upholdChallenge(uint256 challengeId) external;

    /// @notice Arbiter only: dismisses the challenge; the challenger's bond goes to the treasury. The epoch's window
    /// is not restarted.
    function dismissChallenge(uint256 challengeId) external;

    /// @notice Anyone: closes a challenge the arbiter left past `openedAt + arbiterTimeout` (status Expired: the
    /// bond is refunded and the epoch stands), or one whose post was rejected meanwhile (status Voided: refunded).
    function resolveExpiredChallenge(uint256 challengeId) external;

    /// @notice Arbiter only (and the hook a fraud-proof contract holding ARBITER_ROLE uses): revokes `epoch`, already
    /// claimable, during its recovery period (until `postedAt + 2 * challengeWindow + arbiterTimeout`, contract
    /// clock). It and every later epoch are rejected as by an upheld challenge, the claim root goes back to the
    /// previous epoch's, and its aggregator loses its bond to the treasury. What was paid stays paid.
    function revokeEpoch(uint256 epoch, bytes32 evidenceHash) external;

    // ---------------------------------------------------------------- claims

    /// @notice Pays `leaf.account` its `cumulativeAmount` minus what it already claimed from the pool, against the
    /// latest claimable epoch's root (or the root it superseded, so a claim racing an epoch boundary still lands).
    /// Anyone may call it; the tokens always go to the account. Retires the account's outstanding
    /// ClaimAuthorizations for the pool (the nonce moves on).
    function claim(RewardLeaf calldata leaf, bytes32[] calldata proof) external returns (uint256 amount);

    /// @notice Claims for `leaf.account` with its signed ClaimAuthorization; pays `recipient` the amount minus
    /// `fee` and the caller `fee`, which may not exceed the signed `maxFee`. Any nonce at or above the account's
    /// next nonce is taken, and the next nonce becomes `nonce + 1`, which retires every older authorization.
    function claimWithAuthorization(AuthorizedClaim calldata authorizedClaim) external returns (uint256 amount);

    /// @notice Several direct claims, over any pools and accounts, in one transaction.
    function claimMany(Claim[] calldata claims) external returns (uint256[] memory amounts);

    /// @notice Several relayed claims in one transaction; fees are paid to the caller once per run of one token.
    function claimWithAuthorizations(AuthorizedClaim[] calldata claims) external returns (uint256[] memory amounts);

    /// @notice Retires every ClaimAuthorization of the caller for the pool with a nonce below `nonce`.
    function revokeClaimAuthorizations(bytes32 poolId, uint256 nonce) external;

    /// @notice Binds the caller's ClaimAuthorizations (all pools) to `relayer`: only it may submit them. Zero unbinds.
    function setClaimRelayer(address relayer) external;

    // ---------------------------------------------------------------- balances and guardian

    /// @notice Withdraws the caller's credited wei (refunded bonds, slashing shares).
    function withdrawBalance() external returns (uint256 amount);

    /// @notice Guardian only: stops posting, claiming and every outflow, and stops the contract clock (windows,
    /// deadlines, notices) for at most `arbiterTimeout`. Pauses are at least `challengeWindow` apart.
    function pause() external;

    /// @notice The guardian at any time, anyone once the pause has lasted `arbiterTimeout`: resumes.
    function unpause() external;
}
