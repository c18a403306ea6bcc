// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {
    PoolTotal,
    EpochData,
    ChallengeStatus,
    ChallengeInfo,
    DistributorConfig,
    PoolInfo,
    EpochInfo,
    AggregatorInfo,
    SystemState
} from "./interfaces/RewardDistributorTypes.sol";
import {RewardDistributorBase} from "./RewardDistributorBase.sol";
import {PoolIdLib} from "./libraries/PoolIdLib.sol";

/// @title RewardDistributorExtension
/// @notice Pool administration, the aggregator lifecycle, challenges, the guardian and every view of the
/// RewardDistributor. It only ever runs by delegatecall from its RewardDistributor (see there why the split).
contract RewardDistributorExtension is RewardDistributorBase, EIP712, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PoolIdLib for bytes32;

    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @dev The extension's own address, to refuse direct calls (they would act on this contract's empty storage).
    address private immutable _self;

    error ExtensionDirectCall();

    modifier onlyDelegated() {
        if (address(this) == _self) revert ExtensionDirectCall();
        _;
    }

    constructor(address treasury_, DistributorConfig memory config_) RewardDistributorBase(treasury_, config_)
        EIP712("meshpay", "1")
    {
        _self = address(this);
    }

    /// @notice Grants the initial roles; callable only by the RewardDistributor's constructor (before it has code).
    function initializeRoles(address admin, address guardian, address arbiter) external onlyDelegated {
        if (address(this).code.length != 0) revert ExtensionDirectCall();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        if (arbiter != address(0)) _grantRole(ARBITER_ROLE, arbiter);
    }

    // ================================================================ pools

    /// @dev See {IRewardDistributor}.
    function createPool(address token, uint256 pricePerGB, address ticketSigner, string calldata metadataURI)
        external onlyDelegated
        returns (bytes32 poolId)
    {
        if (token == address(0) || ticketSigner == address(0)) revert ZeroAddress();
        if (pricePerGB > type(uint224).max) revert PoolPriceTooHigh(pricePerGB);
        poolId = PoolIdLib.toPoolId(token, ++_poolSequence);
        _balances[poolId].exists = true;
        _pools[poolId].owner = msg.sender;
        _pools[poolId].metadataURI = metadataURI;
        _prices[poolId].push(PriceChange({fromEpoch: 0, pricePerGB: uint224(pricePerGB)}));
        _signers[poolId].push(SignerChange({since: uint40(block.timestamp), signer: ticketSigner}));
        emit PoolCreated(poolId, msg.sender, token, pricePerGB, ticketSigner, metadataURI);
    }

    /// @dev See {IRewardDistributor}.
    function setPrice(bytes32 poolId, uint256 pricePerGB) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (pricePerGB > type(uint224).max) revert PoolPriceTooHigh(pricePerGB);
        uint32 fromEpoch = uint32(currentEpoch() + 1);
        PriceChange[] storage prices = _prices[poolId];
        if (prices[prices.length - 1].fromEpoch == fromEpoch) {
            prices[prices.length - 1].pricePerGB = uint224(pricePerGB);
        } else {
            prices.push(PriceChange({fromEpoch: fromEpoch, pricePerGB: uint224(pricePerGB)}));
        }
        emit PoolPriceChanged(poolId, pricePerGB, fromEpoch);
    }

    /// @dev See {IRewardDistributor}.
    function rotateTicketSigner(bytes32 poolId, address ticketSigner) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (ticketSigner == address(0)) revert ZeroAddress();
        _signers[poolId].push(SignerChange({since: uint40(block.timestamp), signer: ticketSigner}));
        emit PoolTicketSignerRotated(poolId, ticketSigner);
    }

    /// @dev See {IRewardDistributor}.
    function requestWithdrawal(bytes32 poolId, uint256 amount) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert PoolBalanceOverflow(poolId, amount);
        uint256 availableAt = block.timestamp + withdrawalNotice();
        _pools[poolId].withdrawalAmount = uint128(amount);
        _pools[poolId].withdrawalAvailableAt = uint40(availableAt);
        emit PoolWithdrawalRequested(poolId, amount, availableAt);
    }

    /// @dev See {IRewardDistributor}.
    function cancelWithdrawal(bytes32 poolId) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (_pools[poolId].withdrawalAvailableAt == 0) revert PoolNoWithdrawalRequested(poolId);
        _pools[poolId].withdrawalAmount = 0;
        _pools[poolId].withdrawalAvailableAt = 0;
        emit PoolWithdrawalCancelled(poolId);
    }

    /// @dev See {IRewardDistributor}.
    function withdraw(bytes32 poolId, address to) external onlyDelegated nonReentrant returns (uint256 amount) {
        _requireNotPaused();
        _requirePoolOwner(poolId);
        if (to == address(0)) revert ZeroAddress();
        PoolConfig storage poolConfig = _pools[poolId];
        uint256 availableAt = poolConfig.withdrawalAvailableAt;
        if (availableAt == 0) revert PoolNoWithdrawalRequested(poolId);
        if (block.timestamp < availableAt) revert PoolWithdrawalNotReady(poolId, availableAt);
        PoolBalance memory b = _balances[poolId];
        amount = poolConfig.withdrawalAmount < b.unallocated ? poolConfig.withdrawalAmount : b.unallocated;
        poolConfig.withdrawalAmount = 0;
        poolConfig.withdrawalAvailableAt = 0;
        _balances[poolId].unallocated = b.unallocated - uint128(amount);
        emit PoolWithdrawn(poolId, to, amount);
        if (amount > 0) IERC20(poolId.token()).safeTransfer(to, amount);
    }

    // ================================================================ aggregators

    /// @dev See {IRewardDistributor}.
    function registerAggregator() external onlyDelegated payable {
        Aggregator storage a = _aggregators[msg.sender];
        if (a.exitAvailableAt != 0) revert AggregatorExiting(msg.sender);
        uint256 bond = a.bond + msg.value;
        if (bond < aggregatorBond) revert AggregatorBondTooLow(bond, aggregatorBond);
        a.bond = uint128(bond);
        a.active = true;
        emit AggregatorRegistered(msg.sender, bond);
    }

    /// @dev See {IRewardDistributor}.
    function requestAggregatorExit() external onlyDelegated {
        Aggregator storage a = _aggregators[msg.sender];
        if (!a.active) revert AggregatorNotActive(msg.sender);
        if (a.exitAvailableAt != 0) revert AggregatorExiting(msg.sender);
        uint256 availableAt = block.timestamp + challengeWindow;
        a.exitAvailableAt = uint40(availableAt);
        a.exitAfterEpoch = _state.nextEpoch;
        emit AggregatorExitRequested(msg.sender, availableAt);
    }

    /// @dev See {IRewardDistributor}.
    function exitAggregator() external onlyDelegated {
        Aggregator memory a = _aggregators[msg.sender];
        if (a.exitAvailableAt == 0) revert AggregatorNotExiting(msg.sender);
        GlobalState memory s = _advanceView(_state, type(uint256).max);
        // Every epoch posted before the notice (so every epoch of this aggregator) must be claimable or rejected.
        // Epochs other aggregators post later at rejected numbers only delay the exit until they settle too.
        uint256 until = a.exitAfterEpoch < s.nextEpoch ? a.exitAfterEpoch : s.nextEpoch;
        if (block.timestamp < a.exitAvailableAt || s.claimableEnd < until) {
            revert AggregatorExitNotReady(msg.sender, a.exitAvailableAt, until);
        }
        delete _aggregators[msg.sender];
        _credit(msg.sender, a.bond);
        emit AggregatorExited(msg.sender, a.bond);
    }

    // ================================================================ epochs

    /// @dev See {IRewardDistributor}.
    function advanceClaimable() external onlyDelegated {
        _requireNotPaused();
        GlobalState memory s = _state;
        uint256 before = s.claimableEnd;
        s = _advanceClaimable(s, EPOCH_RING);
        if (s.claimableEnd != before) _state = s;
    }

    /// @dev See {IRewardDistributor}.
    function prepareEpochRing(uint256 fromIndex, uint256 count) external onlyDelegated {
        uint256 end = fromIndex + count;
        if (end > EPOCH_RING) end = EPOCH_RING;
        for (uint256 i = fromIndex; i < end; ++i) {
            // A slot in use always holds a nonzero root and a nonzero post time, so zero means never used.
            if (_roots[i] == bytes32(0)) _roots[i] = bytes32(uint256(1));
            if (_epochs[i].postedAt == 0 && _epochs[i].dataHash == bytes27(0)) {
                _epochs[i] = EpochRecord({postedAt: 0, dataHash: bytes27(uint216(1))});
            }
        }
        emit EpochRingPrepared(fromIndex, end > fromIndex ? end - fromIndex : 0);
    }

    // ================================================================ challenges

    /// @dev See {IRewardDistributor}.
    function challenge(uint256 epoch, bytes32 evidenceHash, string calldata evidenceURI)
        external onlyDelegated
        payable
        returns (uint256 challengeId)
    {
        if (msg.value != challengerBond) revert ChallengeBondInvalid(msg.value, challengerBond);
        GlobalState memory s = _state;
        if (!_isPending(epoch, s)) revert EpochNotPending(epoch);
        uint256 open = _openChallengeOf[epoch];
        if (open != 0) revert ChallengeAlreadyOpen(epoch, open);

        challengeId = ++_challengeCount;
        _challenges[challengeId] = ChallengeInfo({
            challenger: msg.sender,
            epoch: uint32(epoch),
            openedAt: uint40(block.timestamp),
            status: ChallengeStatus.Open,
            bond: uint128(msg.value),
            evidenceHash: evidenceHash
        });
        _openChallengeOf[epoch] = challengeId;
        s.openChallenges += 1;
        if (epoch < s.blockedFrom) s.blockedFrom = uint32(epoch);
        _state = s;
        emit ChallengeOpened(challengeId, epoch, msg.sender, msg.value, evidenceHash, evidenceURI);
    }

    /// @dev See {IRewardDistributor}.
    function upholdChallenge(uint256 challengeId, EpochData[] calldata rejected)
        external onlyDelegated
        onlyRole(ARBITER_ROLE)
    {
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        _challenges[challengeId].status = ChallengeStatus.Upheld;
        _rejectFrom(c.epoch, challengeId, rejected);

        // Slash the whole bond of the epoch's aggregator; it may post again only after registering anew.
        address aggregator = rejected[0].aggregator;
        uint256 slashed = _aggregators[aggregator].bond;
        uint256 toChallenger = slashed * challengerShareBps / BPS;
        _aggregators[aggregator].bond = 0;
        _aggregators[aggregator].active = false;
        _credit(c.challenger, c.bond + toChallenger);
        _credit(treasury, slashed - toChallenger);
        emit AggregatorSlashed(aggregator, slashed, toChallenger);
        emit ChallengeUpheld(challengeId, msg.sender);
    }

    /// @dev See {IRewardDistributor}.
    function dismissChallenge(uint256 challengeId) external onlyDelegated onlyRole(ARBITER_ROLE) {
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        _challenges[challengeId].status = ChallengeStatus.Dismissed;
        _openChallengeOf[c.epoch] = 0;
        // The epoch's window starts again: a bogus challenge dismissed late must not let the epoch become
        // claimable before honest watchers have had a full window to challenge it.
        _epochs[c.epoch % EPOCH_RING].postedAt = uint40(block.timestamp);
        GlobalState memory s = _state;
        s.openChallenges -= 1;
        if (s.blockedFrom == c.epoch) s.blockedFrom = _lowestOpenChallenge(c.epoch + 1, s.nextEpoch);
        _state = s;
        _credit(treasury, c.bond);
        emit ChallengeDismissed(challengeId, msg.sender);
    }

    /// @dev See {IRewardDistributor}.
    function resolveExpiredChallenge(uint256 challengeId, EpochData[] calldata rejected) external onlyDelegated {
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        uint256 deadline = uint256(c.openedAt) + arbiterTimeout;
        if (block.timestamp < deadline) revert ChallengeNotExpired(challengeId, deadline);
        _challenges[challengeId].status = ChallengeStatus.Expired;
        _rejectFrom(c.epoch, challengeId, rejected);
        _credit(c.challenger, c.bond);
        emit ChallengeExpired(challengeId);
    }

    // ================================================================ balances and guardian

    /// @dev See {IRewardDistributor}.
    function withdrawBalance() external onlyDelegated nonReentrant returns (uint256 amount) {
        _requireNotPaused();
        amount = _credits[msg.sender];
        if (amount == 0) revert ZeroAmount();
        _credits[msg.sender] = 0;
        emit BalanceWithdrawn(msg.sender, amount);
        (bool ok, bytes memory data) = msg.sender.call{value: amount}("");
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(data, 0x20), mload(data))
            }
        }
    }

    /// @dev See {IRewardDistributor}.
    function pause() external onlyDelegated onlyRole(GUARDIAN_ROLE) {
        _requireNotPaused();
        _state.paused = true;
        _claimRoot = bytes32(0);
        emit Paused(msg.sender);
    }

    /// @dev See {IRewardDistributor}.
    function unpause() external onlyDelegated onlyRole(GUARDIAN_ROLE) {
        GlobalState memory s = _state;
        if (!s.paused) revert SystemNotPaused();
        s.paused = false;
        _state = s;
        _claimRoot = s.claimableEnd == 0 ? bytes32(0) : _roots[(s.claimableEnd - 1) % EPOCH_RING];
        emit Unpaused(msg.sender);
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
        return _self;
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
        return block.timestamp < genesisTime ? 0 : (block.timestamp - genesisTime) / epochSeconds;
    }

    /// @dev See {IRewardDistributorViews}.
    function withdrawalNotice() public view returns (uint256) {
        return epochSeconds + graceSeconds + challengeWindow;
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
            challengeCount: _challengeCount
        });
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
        info.openChallengeId = _openChallengeOf[epoch];
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
        info.metadataURI = poolConfig.metadataURI;
    }

    /// @dev See {IRewardDistributorViews}.
    function priceAt(bytes32 poolId, uint256 epoch) public view returns (uint256) {
        PriceChange[] storage prices = _prices[poolId];
        if (prices.length == 0) revert PoolNotFound(poolId);
        for (uint256 i = prices.length; i > 0; --i) {
            if (prices[i - 1].fromEpoch <= epoch) return prices[i - 1].pricePerGB;
        }
        return prices[0].pricePerGB;
    }

    /// @dev See {IRewardDistributorViews}.
    function ticketSignerAt(bytes32 poolId, uint256 timestamp) public view returns (address) {
        SignerChange[] storage signers = _signers[poolId];
        if (signers.length == 0) revert PoolNotFound(poolId);
        for (uint256 i = signers.length; i > 0; --i) {
            if (signers[i - 1].since <= timestamp) return signers[i - 1].signer;
        }
        return signers[0].signer;
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
        return _domainSeparatorV4();
    }

    // ================================================================ internal

    /// @dev Rejects `fromEpoch` and every later (necessarily pending) epoch, releasing their pool allocations.
    function _rejectFrom(uint256 fromEpoch, uint256 challengeId, EpochData[] calldata rejected) private {
        GlobalState memory s = _state;
        uint256 count = s.nextEpoch - fromEpoch;
        if (rejected.length != count) revert EpochDataCount(rejected.length, count);
        for (uint256 i; i < count; ++i) {
            uint256 epoch = fromEpoch + i;
            EpochData calldata data = rejected[i];
            if (bytes27(keccak256(abi.encode(data))) != _epochs[epoch % EPOCH_RING].dataHash) {
                revert EpochDataMismatch(epoch);
            }
            for (uint256 j; j < data.poolTotals.length; ++j) {
                bytes32 poolId = data.poolTotals[j].poolId;
                PoolBalance memory b = _balances[poolId];
                // An allocation is released in full unless a claimable root already paid beyond its own epochs'
                // allocations; what was paid stays paid, so paid <= allocated holds either way.
                uint256 release = data.poolTotals[j].amount < b.owed ? data.poolTotals[j].amount : b.owed;
                _balances[poolId] = PoolBalance({
                    unallocated: b.unallocated + uint128(release),
                    owed: b.owed - uint120(release),
                    exists: true
                });
            }
            uint256 other = _openChallengeOf[epoch];
            if (other != 0) {
                _openChallengeOf[epoch] = 0;
                s.openChallenges -= 1;
                if (other != challengeId) {
                    _challenges[other].status = ChallengeStatus.Voided;
                    _credit(_challenges[other].challenger, _challenges[other].bond);
                    emit ChallengeVoided(other);
                }
            }
            // The ring slots are left as they are (outside [claimableEnd - 1, nextEpoch) nothing reads them), so
            // the re-post rewrites nonzero slots.
            emit EpochRejected(epoch, challengeId);
        }
        s.nextEpoch = uint32(fromEpoch);
        // Every open challenge at or above fromEpoch is gone; any left is below it and was already the minimum.
        if (s.blockedFrom >= fromEpoch) s.blockedFrom = NO_BLOCK;
        _state = s;
    }

    function _lowestOpenChallenge(uint256 from, uint256 to) private view returns (uint32) {
        for (uint256 e = from; e < to; ++e) {
            if (_openChallengeOf[e] != 0) return uint32(e);
        }
        return NO_BLOCK;
    }

    function _requireOpenChallenge(uint256 challengeId) private view returns (ChallengeInfo memory c) {
        c = _challenges[challengeId];
        if (c.status != ChallengeStatus.Open) revert ChallengeNotOpen(challengeId);
    }

    function _requirePoolOwner(bytes32 poolId) private view {
        if (!_balances[poolId].exists) revert PoolNotFound(poolId);
        if (_pools[poolId].owner != msg.sender) revert PoolUnauthorized(poolId, msg.sender);
    }
}
