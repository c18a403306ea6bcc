// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";

import {IRewardDistributorEvents, IRewardDistributorErrors} from "./interfaces/IRewardDistributor.sol";
import {ChallengeInfo, DistributorConfig, PoolTotal, EpochData} from "./interfaces/RewardDistributorTypes.sol";

/// @title RewardDistributorBase
/// @notice The storage layout, configuration and epoch-sequence logic that the RewardDistributor core and its
/// extension share. The extension runs by delegatecall from the core, so both must inherit exactly this base,
/// first, and declare no storage of their own (the extension's EIP712 and AccessControl state sit after it, unused
/// by the core).
abstract contract RewardDistributorBase is IRewardDistributorEvents, IRewardDistributorErrors {
    uint32 internal constant NO_BLOCK = type(uint32).max;
    /// @dev Bounds the work one post spends recording earlier epochs as claimable.
    uint256 internal constant MAX_ADVANCE = 16;
    /// @dev Epochs from the superseded claimable one on live in rings of this many slots, so posting rewrites
    /// nonzero slots instead of creating new ones.
    uint256 internal constant EPOCH_RING = 256;
    /// @dev At most this many posted epochs may be pending (not yet claimable) at once. Every walk over epochs is
    /// bounded by it; the constructor checks that a configuration never needs more in normal operation.
    uint256 internal constant MAX_PENDING = 64;
    /// @dev At most this many pool totals per post: bounds the gas of a post and of a re-post (see docs/gas.md).
    uint256 internal constant MAX_POOL_TOTALS = 128;
    uint256 internal constant BPS = 10_000;
    /// @dev Namespaces the claim-state slots so they can never meet a Solidity mapping's slots.
    uint256 internal constant CLAIM_SLOT_SEED = uint256(keccak256("meshpay.RewardDistributor.claimState"));

    /// @dev The EIP-712 domain {name: "meshpay", version: "1", chainId, verifyingContract}. The core hashes its
    /// ClaimAuthorizations with these rather than inheriting OpenZeppelin's EIP712, whose public eip712Domain()
    /// would sit in front of `claim` in the core's dispatcher; the extension inherits EIP712 for ERC-5267, and a
    /// test checks the two agree.
    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant _NAME_HASH = keccak256("meshpay");
    bytes32 private constant _VERSION_HASH = keccak256("1");
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;
    address private immutable _cachedThis;

    // ---------------------------------------------------------------- configuration (immutable)

    // Internal, and read through config(): every public getter lengthens the dispatcher every call walks.
    uint256 internal immutable genesisTime;
    uint256 internal immutable epochSeconds;
    uint256 internal immutable graceSeconds;
    uint256 internal immutable challengeWindow;
    uint256 internal immutable arbiterTimeout;
    uint256 internal immutable aggregatorBond;
    uint256 internal immutable challengerBond;
    uint256 internal immutable challengerShareBps;
    address internal immutable treasury;

    // ---------------------------------------------------------------- storage

    /// @dev Everything a post or a slow-path claim needs to know about the epoch sequence, in one slot.
    struct GlobalState {
        uint32 nextEpoch; // the next epoch to post; epochs below it are posted (pending or claimable)
        uint32 claimableEnd; // epochs below it are recorded claimable; `_claimRoot` is epoch claimableEnd-1's
        uint32 blockedFrom; // lowest epoch with an open challenge on its current post, or NO_BLOCK
        uint32 postSeq; // number of posts ever made; identifies each post
        uint32 repostEnd; // epochs in [nextEpoch, repostEnd) were rejected: posted again with repostEpoch
        uint32 openChallenges; // challenges in status Open
        uint40 pausedTotal; // seconds the contract clock stood still, over all finished pauses
        bool paused;
    }

    /// @dev The current pause, in its own slot: read only while paused.
    struct PauseState {
        uint40 pausedAt; // unix time the pause began
        uint40 resumedAt; // unix time the last pause ended
    }

    /// @dev A pool's money, in the one slot both posts and claims touch. `owed` is allocated but not yet paid: it
    /// includes the allocations of rejected epochs until they are posted again, so nothing relays earned in a
    /// closed epoch ever goes back to `unallocated` (the only part the owner can withdraw) before the re-post.
    struct PoolBalance {
        uint128 unallocated;
        uint120 owed;
        bool exists;
    }

    struct PoolConfig {
        address owner;
        uint40 withdrawalAvailableAt; // contract clock
        uint128 withdrawalAmount;
        address pendingOwner;
        string metadataURI;
    }

    /// @dev The claimed amount and the ClaimAuthorization nonce share a slot, so a relayed claim writes it once.
    struct ClaimState {
        uint192 claimed;
        uint64 nonce;
    }

    /// @dev The root lives in its own slot; this record keeps when it was posted (contract clock) and a commitment
    /// to EpochData (aggregator, bundle hash, allocated pool totals), which a re-post and fraud proofs take back.
    struct EpochRecord {
        uint40 postedAt;
        bytes27 dataHash;
    }

    /// @dev Per post: which post it is, how many challenges are open on it, and who posted it (to slash).
    struct EpochMeta {
        uint32 postSeq;
        uint16 openChallenges;
        address aggregator;
    }

    struct Aggregator {
        uint128 bond;
        uint40 exitAvailableAt;
        uint32 exitAfterEpoch;
        bool active;
    }

    GlobalState internal _state;
    /// @dev Root of the latest recorded claimable epoch; zero while paused, which stops fast-path claims for free.
    bytes32 internal _claimRoot;
    uint96 internal _poolSequence;
    uint256 internal _challengeCount;
    PauseState internal _pause;

    mapping(bytes32 poolId => PoolBalance) internal _balances;
    mapping(bytes32 poolId => PoolConfig) internal _pools;
    mapping(bytes32 poolId => Checkpoints.Trace224) internal _prices; // key: first epoch, value: price
    mapping(bytes32 poolId => Checkpoints.Trace208) internal _signers; // key: unix time, value: signer
    // Claim states (ClaimState, per pool and account) are not in a Solidity mapping: each lives at
    // _claimSlot(poolId, account), one keccak instead of a nested mapping's two, on every claim.
    mapping(address account => address relayer) internal _claimRelayers;

    bytes32[EPOCH_RING] internal _roots;
    EpochRecord[EPOCH_RING] internal _epochs;
    EpochMeta[EPOCH_RING] internal _epochMeta;
    mapping(uint256 challengeId => ChallengeInfo) internal _challenges;

    mapping(address => Aggregator) internal _aggregators;
    mapping(address => uint256) internal _credits;
    /// @dev Contract clock of the latest rejection (uphold or revocation): re-posts are in flight from then on.
    uint256 internal _rejectedAt;

    /// @param config Time parameters and bonds, see {DistributorConfig}. A slashed bond's `challengerShareBps` goes to
    /// the challenger, the rest to `treasury_`, as do forfeited challenger bonds.
    constructor(address treasury_, DistributorConfig memory config) {
        _cachedChainId = block.chainid;
        _cachedThis = address(this);
        _cachedDomainSeparator = _buildMeshpayDomainSeparator();
        if (treasury_ == address(0)) revert ZeroAddress();
        if (config.epochSeconds == 0) revert ConfigInvalid("epochSeconds");
        if (config.challengeWindow == 0) revert ConfigInvalid("challengeWindow");
        if (config.arbiterTimeout == 0) revert ConfigInvalid("arbiterTimeout");
        if (config.challengerShareBps > BPS) revert ConfigInvalid("challengerShareBps");
        if (config.genesisTime > type(uint40).max) revert ConfigInvalid("genesisTime");
        if (config.aggregatorBond == 0) revert ConfigInvalid("aggregatorBond");
        if (config.challengerBond == 0 || config.challengerBond > type(uint128).max) {
            revert ConfigInvalid("challengerBond");
        }
        // An epoch is claimable at the latest challengeWindow + arbiterTimeout after its post (a challenge can only be
        // opened in the window and expires after the timeout), so this many epochs can be pending, plus posting lag.
        if ((config.challengeWindow + config.arbiterTimeout) / config.epochSeconds + 8 > MAX_PENDING) {
            revert ConfigInvalid("epochSeconds");
        }
        genesisTime = config.genesisTime;
        epochSeconds = config.epochSeconds;
        graceSeconds = config.graceSeconds;
        challengeWindow = config.challengeWindow;
        arbiterTimeout = config.arbiterTimeout;
        aggregatorBond = config.aggregatorBond;
        challengerBond = config.challengerBond;
        challengerShareBps = config.challengerShareBps;
        treasury = treasury_;
    }

    /// @dev When `epoch` closes (its end plus grace), unix time.
    function _epochClosesAt(uint256 epoch) internal view returns (uint256) {
        return genesisTime + (epoch + 1) * epochSeconds + graceSeconds;
    }

    function _currentEpoch() internal view returns (uint256) {
        return block.timestamp < genesisTime ? 0 : (block.timestamp - genesisTime) / epochSeconds;
    }

    function _withdrawalNotice() internal view returns (uint256) {
        return epochSeconds + graceSeconds + challengeWindow;
    }

    /// @dev The contract clock: unix time minus every second spent paused (at most `arbiterTimeout` per pause).
    /// Challenge windows, arbiter deadlines, withdrawal notices and exit notices all run on it, so a pause stops them.
    function _clock(GlobalState memory s) internal view returns (uint256) {
        uint256 t = block.timestamp - s.pausedTotal;
        if (!s.paused) return t;
        uint256 pausedFor = block.timestamp - _pause.pausedAt;
        return t - (pausedFor < arbiterTimeout ? pausedFor : arbiterTimeout);
    }

    /// @dev Claimable: every epoch up to it is posted, past its window, and under no open challenge. Epochs become
    /// claimable strictly in order.
    function _isRipe(uint256 epoch, GlobalState memory s) internal view returns (bool) {
        return epoch < _advanceView(s, EPOCH_RING).claimableEnd;
    }

    /// @dev `s` with claimableEnd moved past every epoch, in order, that has become claimable (at most `maxSteps`).
    function _advanceView(GlobalState memory s, uint256 maxSteps) internal view returns (GlobalState memory) {
        uint256 end = s.claimableEnd;
        uint256 limit = s.nextEpoch < s.blockedFrom ? s.nextEpoch : s.blockedFrom;
        uint256 clock = _clock(s);
        uint256 steps;
        while (end < limit && steps < maxSteps) {
            if (clock < uint256(_epochs[end % EPOCH_RING].postedAt) + challengeWindow) break;
            ++end;
            ++steps;
        }
        s.claimableEnd = uint32(end);
        return s;
    }

    /// @dev Records up to `maxSteps` newly claimable epochs and moves the fast-path root to the latest of them;
    /// callers store `s`.
    function _advanceClaimable(GlobalState memory s, uint256 maxSteps) internal returns (GlobalState memory) {
        uint256 before = s.claimableEnd;
        s = _advanceView(s, maxSteps);
        if (s.claimableEnd != before) {
            bytes32 root = _roots[(s.claimableEnd - 1) % EPOCH_RING];
            if (!s.paused) _claimRoot = root;
            emit ClaimableEpochAdvanced(s.claimableEnd, root);
        }
        return s;
    }

    /// @dev Posts `epoch` (checked by the caller): allocates each pool's total (a total a pool cannot cover is cut to
    /// what it holds, so one pool cannot make a multi-pool post fail), stores the root and the commitment, records
    /// ripe epochs and stores `s`.
    function _postEpoch(
        GlobalState memory s,
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI
    ) internal {
        if (poolTotals.length > MAX_POOL_TOTALS) revert EpochTooManyPoolTotals(poolTotals.length, MAX_POOL_TOTALS);
        PoolTotal[] memory totals = poolTotals;
        _allocate(epoch, totals);
        bytes32 dataHash = keccak256(abi.encode(EpochData(msg.sender, bundleHash, totals)));
        uint256 slot = epoch % EPOCH_RING;
        _roots[slot] = root;
        _epochs[slot] = EpochRecord({postedAt: uint40(_clock(s)), dataHash: bytes27(dataHash)});
        s.postSeq += 1;
        _epochMeta[slot] = EpochMeta({postSeq: s.postSeq, openChallenges: 0, aggregator: msg.sender});
        s.nextEpoch = uint32(epoch + 1);
        s = _advanceClaimable(s, MAX_ADVANCE);
        if (s.nextEpoch - s.claimableEnd > MAX_PENDING) {
            revert EpochTooManyPending(s.nextEpoch - s.claimableEnd, MAX_PENDING);
        }
        _state = s;
        emit EpochPosted(epoch, msg.sender, root, bundleHash, bundleURI, totals, dataHash);
    }

    /// @dev Moves each pool's total from unallocated to owed, cutting a total the pool cannot cover to what it holds
    /// (PoolAllocationCapped); `totals` is updated to what was allocated.
    function _allocate(uint256 epoch, PoolTotal[] memory totals) private {
        bytes32 previous;
        for (uint256 i; i < totals.length; ++i) {
            bytes32 poolId = totals[i].poolId;
            if (i > 0 && poolId <= previous) revert EpochPoolTotalsNotSorted(i);
            previous = poolId;
            uint256 amount = totals[i].amount;
            PoolBalance memory b = _balances[poolId];
            if (!b.exists) revert PoolNotFound(poolId);
            if (amount > b.unallocated) {
                emit PoolAllocationCapped(epoch, poolId, amount, b.unallocated);
                amount = b.unallocated;
                totals[i].amount = amount;
            }
            if (amount == 0) continue;
            // unallocated + owed <= type(uint120).max is kept by fund(), so the sum below fits.
            _balances[poolId] = PoolBalance({
                unallocated: b.unallocated - uint128(amount),
                owed: b.owed + uint120(amount),
                exists: true
            });
        }
    }

    /// @dev Validates a post of `epoch` by the caller: not paused, an active aggregator, the next epoch, closed, a
    /// nonzero root, and the designated poster (the previous epoch's, while it is active and on time).
    function _checkPost(uint256 epoch, bytes32 root, GlobalState memory s) internal view {
        if (s.paused) revert SystemPaused();
        Aggregator memory a = _aggregators[msg.sender];
        if (!a.active || a.exitAvailableAt != 0) revert AggregatorNotActive(msg.sender);
        if (epoch != s.nextEpoch) revert EpochOutOfOrder(epoch, s.nextEpoch);
        uint256 closesAt = _epochClosesAt(epoch);
        if (block.timestamp < closesAt) revert EpochNotClosed(epoch, closesAt);
        if (root == bytes32(0)) revert EpochRootZero(epoch);
        if (epoch == 0) return;
        address incumbent = _epochMeta[(epoch - 1) % EPOCH_RING].aggregator;
        if (incumbent == msg.sender || incumbent == address(0)) return;
        // Posting is no race: another aggregator takes over only when the incumbent stopped or is an epoch late.
        uint256 takeoverAt = closesAt + epochSeconds;
        if (block.timestamp >= takeoverAt) return;
        Aggregator memory i = _aggregators[incumbent];
        if (i.active && i.exitAvailableAt == 0) revert EpochNotPoster(epoch, incumbent, takeoverAt);
    }

    function _requireNotPaused() internal view {
        if (_state.paused) revert SystemPaused();
    }

    function _credit(address account, uint256 amount) internal {
        if (amount == 0) return;
        _credits[account] += amount;
        emit BalanceCredited(account, amount);
    }

    /// @dev The domain separator for this address and chain (rebuilt when delegatecalled or after a fork).
    function _meshpayDomainSeparator() internal view returns (bytes32) {
        if (address(this) == _cachedThis && block.chainid == _cachedChainId) return _cachedDomainSeparator;
        return _buildMeshpayDomainSeparator();
    }

    function _buildMeshpayDomainSeparator() private view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev The EIP-712 digest of `structHash` in this contract's domain.
    function _hashTypedData(bytes32 structHash) internal view returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(_meshpayDomainSeparator(), structHash);
    }

    /// @dev Where the ClaimState {uint192 claimed | uint64 nonce << 192} of (poolId, account) is stored.
    function _claimSlot(bytes32 poolId, address account) internal pure returns (uint256 slot) {
        slot = uint256(keccak256(abi.encode(poolId, account, CLAIM_SLOT_SEED)));
    }
}
