// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IRewardDistributorEvents, IRewardDistributorErrors} from "./interfaces/IRewardDistributor.sol";
import {ChallengeInfo, DistributorConfig} from "./interfaces/RewardDistributorTypes.sol";

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
    /// nonzero slots instead of creating new ones. The constructor checks the configuration cannot need more.
    uint256 internal constant EPOCH_RING = 256;
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
        uint32 blockedFrom; // lowest epoch with an open challenge, or NO_BLOCK
        uint32 openChallenges;
        bool paused;
    }

    /// @dev A pool's money, in the one slot both posts and claims touch. `owed` is allocated but not yet paid.
    struct PoolBalance {
        uint128 unallocated;
        uint120 owed;
        bool exists;
    }

    struct PoolConfig {
        address owner;
        uint40 withdrawalAvailableAt;
        uint128 withdrawalAmount;
        string metadataURI;
    }

    struct PriceChange {
        uint32 fromEpoch;
        uint224 pricePerGB;
    }

    struct SignerChange {
        uint40 since;
        address signer;
    }

    /// @dev The claimed amount and the ClaimAuthorization nonce share a slot, so a relayed claim writes it once.
    struct ClaimState {
        uint192 claimed;
        uint64 nonce;
    }

    /// @dev The root lives in its own slot; this record keeps when it was posted and a commitment to EpochData
    /// (aggregator, bundle hash, pool totals), which rejection and future fraud proofs take back as calldata.
    struct EpochRecord {
        uint40 postedAt;
        bytes27 dataHash;
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

    mapping(bytes32 poolId => PoolBalance) internal _balances;
    mapping(bytes32 poolId => PoolConfig) internal _pools;
    mapping(bytes32 poolId => PriceChange[]) internal _prices;
    mapping(bytes32 poolId => SignerChange[]) internal _signers;
    // Claim states (ClaimState, per pool and account) are not in a Solidity mapping: each lives at
    // _claimSlot(poolId, account), one keccak instead of a nested mapping's two, on every claim.

    bytes32[EPOCH_RING] internal _roots;
    EpochRecord[EPOCH_RING] internal _epochs;
    mapping(uint256 epoch => uint256 challengeId) internal _openChallengeOf;
    mapping(uint256 challengeId => ChallengeInfo) internal _challenges;

    mapping(address => Aggregator) internal _aggregators;
    mapping(address => uint256) internal _credits;

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
        // Pending epochs span at most the window plus an unresolved challenge's timeout, plus posting lag.
        if ((config.challengeWindow + config.arbiterTimeout) / config.epochSeconds + 8 >= EPOCH_RING) {
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

    /// @dev When `epoch` closes (its end plus grace).
    function _epochClosesAt(uint256 epoch) internal view returns (uint256) {
        return genesisTime + (epoch + 1) * epochSeconds + graceSeconds;
    }

    /// @dev Claimable: every epoch up to it is posted, past its window, and under no open challenge. Epochs become
    /// claimable strictly in order (a dismissed challenge restarts its epoch's window, so a later epoch may be past
    /// its own window and still wait for it).
    function _isRipe(uint256 epoch, GlobalState memory s) internal view returns (bool) {
        return epoch < _advanceView(s, EPOCH_RING).claimableEnd;
    }


    function _isPending(uint256 epoch, GlobalState memory s) internal view returns (bool) {
        if (epoch >= s.nextEpoch || epoch < s.claimableEnd) return false;
        return block.timestamp < uint256(_epochs[epoch % EPOCH_RING].postedAt) + challengeWindow;
    }

    /// @dev `s` with claimableEnd moved past every epoch, in order, that has become claimable (at most `maxSteps`).
    function _advanceView(GlobalState memory s, uint256 maxSteps) internal view returns (GlobalState memory) {
        uint256 end = s.claimableEnd;
        uint256 limit = s.nextEpoch < s.blockedFrom ? s.nextEpoch : s.blockedFrom;
        uint256 steps;
        while (end < limit && steps < maxSteps) {
            if (block.timestamp < uint256(_epochs[end % EPOCH_RING].postedAt) + challengeWindow) break;
            ++end;
            ++steps;
        }
        s.claimableEnd = uint32(end);
        return s;
    }

    /// @dev Records up to `maxSteps` newly claimable epochs and moves the fast-path root to the latest of them;
    /// callers store `s`. Posts bound the steps (MAX_ADVANCE) to keep their cost flat; claims and
    /// advanceClaimable() record everything, so a claim against the latest claimable root always works.
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
