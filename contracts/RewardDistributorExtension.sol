// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
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
import {RewardDistributorViews} from "./RewardDistributorViews.sol";
import {PoolIdLib} from "./libraries/PoolIdLib.sol";

/// @title RewardDistributorExtension
/// @notice Pool administration, the aggregator lifecycle, challenges, the guardian and every view of the
/// RewardDistributor. It only ever runs by delegatecall from its RewardDistributor (see there why the split).
contract RewardDistributorExtension is
    RewardDistributorBase,
    EIP712,
    AccessControlDefaultAdminRules,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using PoolIdLib for bytes32;
    using Checkpoints for Checkpoints.Trace224;
    using Checkpoints for Checkpoints.Trace208;

    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    /// @dev The extension's own address, to refuse direct calls (they would act on this contract's empty storage).
    address private immutable _self;
    /// @dev Where the read-only functions live (see RewardDistributorViews); reached by delegatecall from the fallback.
    address private immutable _views;

    error ExtensionDirectCall();

    modifier onlyDelegated() {
        if (address(this) == _self) revert ExtensionDirectCall();
        _;
    }

    /// @dev The extension's own (unused) storage gets itself as admin; the distributor's admin is set by
    /// initializeRoles.
    constructor(address treasury_, DistributorConfig memory config_)
        RewardDistributorBase(treasury_, config_)
        EIP712("meshpay", "1")
        AccessControlDefaultAdminRules(0, address(this))
    {
        _self = address(this);
        _views = address(new RewardDistributorViews(treasury_, config_, address(this)));
    }

    /// @dev Every view of {IRewardDistributorViews} lives in RewardDistributorViews, at this same storage.
    fallback() external payable {
        address views = _views;
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), views, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    /// @notice Grants the initial roles; callable only by the RewardDistributor's constructor (before it has code).
    function initializeRoles(address admin, address guardian, address arbiter) external onlyDelegated {
        if (address(this).code.length != 0) revert ExtensionDirectCall();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        if (arbiter != address(0)) _grantRole(ARBITER_ROLE, arbiter);
    }

    // ================================================================ roles

    /// @notice Admin transfers are two-step (beginDefaultAdminTransfer, then acceptDefaultAdminTransfer by the new
    /// admin) with this fixed delay: one challenge window, so watchers see a change of admin coming.
    function defaultAdminDelay() public view override returns (uint48) {
        return uint48(challengeWindow);
    }

    /// @dev The delay is fixed.
    function changeDefaultAdminDelay(uint48) public pure override {
        revert SystemRoleConflict(DEFAULT_ADMIN_ROLE, address(0));
    }

    /// @dev Roles are kept apart: the admin can never hold (or grant itself) the guardian or arbiter role, and a
    /// guardian or arbiter can never become admin.
    function _grantRole(bytes32 role, address account) internal override returns (bool) {
        if (role == DEFAULT_ADMIN_ROLE) {
            if (hasRole(GUARDIAN_ROLE, account)) revert SystemRoleConflict(GUARDIAN_ROLE, account);
            if (hasRole(ARBITER_ROLE, account)) revert SystemRoleConflict(ARBITER_ROLE, account);
        } else if (hasRole(DEFAULT_ADMIN_ROLE, account) || pendingAdminIs(account)) {
            revert SystemRoleConflict(role, account);
        }
        return super._grantRole(role, account);
    }

    function pendingAdminIs(address account) private view returns (bool) {
        (address pending,) = pendingDefaultAdmin();
        return pending == account && account != address(0);
    }

    // ================================================================ pools

    /// @dev See {IRewardDistributor}.
    function createPool(address token, uint256 pricePerGB, address ticketSigner, string calldata metadataURI)
        external
        onlyDelegated
        returns (bytes32 poolId)
    {
        if (token == address(0) || ticketSigner == address(0)) revert ZeroAddress();
        if (pricePerGB > type(uint224).max) revert PoolPriceTooHigh(pricePerGB);
        poolId = PoolIdLib.toPoolId(token, ++_poolSequence);
        _balances[poolId].exists = true;
        _pools[poolId].owner = msg.sender;
        _pools[poolId].metadataURI = metadataURI;
        _prices[poolId].push(0, uint224(pricePerGB));
        _signers[poolId].push(uint48(block.timestamp), uint208(uint160(ticketSigner)));
        emit PoolCreated(poolId, msg.sender, token, pricePerGB, ticketSigner, metadataURI);
    }

    /// @dev See {IRewardDistributor}.
    function setPrice(bytes32 poolId, uint256 pricePerGB) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (pricePerGB > type(uint224).max) revert PoolPriceTooHigh(pricePerGB);
        uint32 fromEpoch = uint32(_currentEpoch() + 1);
        // A second change in the same epoch replaces the pending one (same key).
        _prices[poolId].push(fromEpoch, uint224(pricePerGB));
        emit PoolPriceChanged(poolId, pricePerGB, fromEpoch);
    }

    /// @dev See {IRewardDistributor}.
    function rotateTicketSigner(bytes32 poolId, address ticketSigner) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (ticketSigner == address(0)) revert ZeroAddress();
        _signers[poolId].push(uint48(block.timestamp), uint208(uint160(ticketSigner)));
        emit PoolTicketSignerRotated(poolId, ticketSigner);
    }

    /// @dev See {IRewardDistributor}.
    function requestWithdrawal(bytes32 poolId, uint256 amount) external onlyDelegated {
        _requirePoolOwner(poolId);
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert PoolBalanceOverflow(poolId, amount);
        uint256 notice = _withdrawalNotice();
        uint256 availableAt = _clock(_state) + notice;
        _pools[poolId].withdrawalAmount = uint128(amount);
        _pools[poolId].withdrawalAvailableAt = uint40(availableAt);
        emit PoolWithdrawalRequested(poolId, amount, availableAt, availableAt + notice);
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
        GlobalState memory s = _state;
        if (s.paused) revert SystemPaused();
        _requirePoolOwner(poolId);
        if (to == address(0)) revert ZeroAddress();
        PoolConfig storage poolConfig = _pools[poolId];
        uint256 availableAt = poolConfig.withdrawalAvailableAt;
        if (availableAt == 0) revert PoolNoWithdrawalRequested(poolId);
        uint256 clock_ = _clock(s);
        if (clock_ < availableAt) revert PoolWithdrawalNotReady(poolId, availableAt);
        uint256 expiresAt = availableAt + _withdrawalNotice();
        if (clock_ >= expiresAt) revert PoolWithdrawalExpired(poolId, expiresAt);
        // The notice covers the epochs in flight: every epoch that has closed must be posted (a rejected one posted
        // again) first, since relays earned in it, unless the aggregators are a whole challenge window late with it.
        // The wait runs on the contract clock, so a pause does not use it up.
        uint256 next = s.nextEpoch;
        uint256 closesAt = _epochClosesAt(next);
        if (block.timestamp >= closesAt) {
            // The clock when the epoch closed: exact when no pause ended since; otherwise the unix time, which is
            // later than the clock was, so the wait is only ever longer.
            uint256 since = _pause.resumedAt <= closesAt ? closesAt - s.pausedTotal : closesAt;
            if (next < s.repostEnd && _rejectedAt > since) since = _rejectedAt;
            if (clock_ < since + challengeWindow) {
                revert PoolWithdrawalEpochsInFlight(poolId, next, since + challengeWindow);
            }
        }
        PoolBalance memory b = _balances[poolId];
        amount = poolConfig.withdrawalAmount < b.unallocated ? poolConfig.withdrawalAmount : b.unallocated;
        poolConfig.withdrawalAmount = 0;
        poolConfig.withdrawalAvailableAt = 0;
        _balances[poolId].unallocated = b.unallocated - uint128(amount);
        emit PoolWithdrawn(poolId, to, amount);
        if (amount > 0) IERC20(poolId.token()).safeTransfer(to, amount);
    }

    /// @dev See {IRewardDistributor}.
    function transferPoolOwnership(bytes32 poolId, address newOwner) external onlyDelegated {
        _requirePoolOwner(poolId);
        _pools[poolId].pendingOwner = newOwner;
        emit PoolOwnershipTransferStarted(poolId, msg.sender, newOwner);
    }

    /// @dev See {IRewardDistributor}.
    function acceptPoolOwnership(bytes32 poolId) external onlyDelegated {
        if (!_balances[poolId].exists) revert PoolNotFound(poolId);
        PoolConfig storage poolConfig = _pools[poolId];
        if (poolConfig.pendingOwner != msg.sender || msg.sender == address(0)) {
            revert PoolNotPendingOwner(poolId, msg.sender);
        }
        address previous = poolConfig.owner;
        poolConfig.owner = msg.sender;
        poolConfig.pendingOwner = address(0);
        if (poolConfig.withdrawalAvailableAt != 0) {
            poolConfig.withdrawalAmount = 0;
            poolConfig.withdrawalAvailableAt = 0;
            emit PoolWithdrawalCancelled(poolId);
        }
        emit PoolOwnershipTransferred(poolId, previous, msg.sender);
    }

    // ================================================================ aggregators

    /// @dev See {IRewardDistributor}.
    function registerAggregator() external payable onlyDelegated {
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
        // Long enough for the recovery period of every epoch it posted (revokeEpoch can still take the bond).
        uint256 availableAt = _clock(_state) + 2 * challengeWindow + arbiterTimeout;
        a.exitAvailableAt = uint40(availableAt);
        a.exitAfterEpoch = _state.nextEpoch;
        emit AggregatorExitRequested(msg.sender, availableAt);
    }

    /// @dev See {IRewardDistributor}.
    function exitAggregator() external onlyDelegated {
        Aggregator memory a = _aggregators[msg.sender];
        if (a.exitAvailableAt == 0) revert AggregatorNotExiting(msg.sender);
        GlobalState memory s = _advanceView(_state, EPOCH_RING);
        // Every epoch posted before the notice (so every epoch of this aggregator) must be claimable or rejected.
        uint256 until = a.exitAfterEpoch < s.nextEpoch ? a.exitAfterEpoch : s.nextEpoch;
        if (_clock(s) < a.exitAvailableAt || s.claimableEnd < until) {
            revert AggregatorExitNotReady(msg.sender, a.exitAvailableAt, until);
        }
        delete _aggregators[msg.sender];
        _credit(msg.sender, a.bond);
        emit AggregatorExited(msg.sender, a.bond);
    }

    // ================================================================ epochs

    /// @dev See {IRewardDistributor}.
    function repostEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI,
        EpochData calldata replaced
    ) external onlyDelegated {
        GlobalState memory s = _state;
        _checkPost(epoch, root, s);
        if (epoch >= s.repostEnd) revert EpochNotRejected(epoch);
        // The ring slot still holds the rejected post's commitment: nothing writes it until this re-post.
        bytes32 replacedHash = keccak256(abi.encode(replaced));
        if (bytes27(replacedHash) != _epochs[epoch % EPOCH_RING].dataHash) revert EpochDataMismatch(epoch);
        uint256 n = replaced.poolTotals.length;
        PoolTotal[] memory released = new PoolTotal[](n);
        for (uint256 i; i < n; ++i) {
            bytes32 poolId = replaced.poolTotals[i].poolId;
            PoolBalance memory b = _balances[poolId];
            // Released in full unless a claimable root paid beyond its own epochs' allocations; what was paid stays
            // paid, so paid <= allocated holds either way.
            uint256 amount = replaced.poolTotals[i].amount;
            uint256 release = amount < b.owed ? amount : b.owed;
            released[i] = PoolTotal({poolId: poolId, amount: release});
            if (release == 0) continue;
            _balances[poolId] = PoolBalance({
                unallocated: b.unallocated + uint128(release),
                owed: b.owed - uint120(release),
                exists: true
            });
        }
        emit EpochReplaced(epoch, replacedHash, released);
        _postEpoch(s, epoch, root, poolTotals, bundleHash, bundleURI);
    }

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
            // A slot in use always holds a nonzero root, post time and post number, so zero means never used.
            if (_roots[i] == bytes32(0)) _roots[i] = bytes32(uint256(1));
            if (_epochs[i].postedAt == 0 && _epochs[i].dataHash == bytes27(0)) {
                _epochs[i] = EpochRecord({postedAt: 0, dataHash: bytes27(uint216(1))});
            }
            if (_epochMeta[i].postSeq == 0 && _epochMeta[i].aggregator == address(0)) {
                _epochMeta[i].openChallenges = 1;
            }
        }
        emit EpochRingPrepared(fromIndex, end > fromIndex ? end - fromIndex : 0);
    }

    // ================================================================ challenges

    /// @dev See {IRewardDistributor}.
    function challenge(uint256 epoch, bytes32 evidenceHash, string calldata evidenceURI)
        external
        payable
        onlyDelegated
        returns (uint256 challengeId)
    {
        if (msg.value != challengerBond) revert ChallengeBondInvalid(msg.value, challengerBond);
        GlobalState memory s = _state;
        uint256 slot = epoch % EPOCH_RING;
        // Pending: posted, and inside its window (so not claimable). Challenges may be opened while paused.
        if (epoch >= s.nextEpoch || _clock(s) >= uint256(_epochs[slot].postedAt) + challengeWindow) {
            revert EpochNotPending(epoch);
        }
        EpochMeta storage meta = _epochMeta[slot];
        uint32 postSeq = meta.postSeq;
        meta.openChallenges += 1;
        challengeId = ++_challengeCount;
        _challenges[challengeId] = ChallengeInfo({
            challenger: msg.sender,
            epoch: uint32(epoch),
            openedAt: uint40(_clock(s)),
            status: ChallengeStatus.Open,
            bond: uint128(msg.value),
            evidenceHash: evidenceHash,
            postSeq: postSeq
        });
        s.openChallenges += 1;
        if (epoch < s.blockedFrom) s.blockedFrom = uint32(epoch);
        _state = s;
        emit ChallengeOpened(challengeId, epoch, msg.sender, msg.value, evidenceHash, evidenceURI, postSeq);
    }

    /// @dev See {IRewardDistributor}.
    function upholdChallenge(uint256 challengeId) external onlyDelegated onlyRole(ARBITER_ROLE) {
        GlobalState memory s = _state;
        ChallengeInfo memory c = _requireLiveChallenge(challengeId, s);
        _challenges[challengeId].status = ChallengeStatus.Upheld;
        s.openChallenges -= 1;
        address aggregator = _epochMeta[c.epoch % EPOCH_RING].aggregator;
        _reject(s, c.epoch, challengeId);
        _state = s;
        // Slash the whole bond of the epoch's aggregator; it may post again only after registering anew.
        uint256 slashed = _slash(aggregator);
        uint256 toChallenger = slashed * challengerShareBps / BPS;
        _credit(c.challenger, c.bond + toChallenger);
        _credit(treasury, slashed - toChallenger);
        emit AggregatorSlashed(aggregator, slashed, toChallenger);
        emit ChallengeUpheld(challengeId, msg.sender);
    }

    /// @dev See {IRewardDistributor}.
    function dismissChallenge(uint256 challengeId) external onlyDelegated onlyRole(ARBITER_ROLE) {
        GlobalState memory s = _state;
        ChallengeInfo memory c = _requireLiveChallenge(challengeId, s);
        _challenges[challengeId].status = ChallengeStatus.Dismissed;
        _closeLive(s, c.epoch);
        _state = s;
        _credit(treasury, c.bond);
        emit ChallengeDismissed(
            challengeId, msg.sender, uint256(_epochs[c.epoch % EPOCH_RING].postedAt) + challengeWindow
        );
    }

    /// @dev See {IRewardDistributor}.
    function resolveExpiredChallenge(uint256 challengeId) external onlyDelegated {
        GlobalState memory s = _state;
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        if (!_isLive(c, s)) {
            _challenges[challengeId].status = ChallengeStatus.Voided;
            s.openChallenges -= 1;
            _state = s;
            _credit(c.challenger, c.bond);
            emit ChallengeVoided(challengeId);
            return;
        }
        uint256 deadline = uint256(c.openedAt) + arbiterTimeout;
        if (_clock(s) < deadline) revert ChallengeNotExpired(challengeId, deadline);
        // The arbiter failed, not the challenger: the bond comes back, but the epoch stands. A lapsed deadline
        // rejects nothing, so holding an epoch up costs a bond and gains at most arbiterTimeout of delay.
        _challenges[challengeId].status = ChallengeStatus.Expired;
        _closeLive(s, c.epoch);
        _state = s;
        _credit(c.challenger, c.bond);
        emit ChallengeExpired(challengeId);
    }

    /// @dev See {IRewardDistributor}.
    function revokeEpoch(uint256 epoch, bytes32 evidenceHash) external onlyDelegated onlyRole(ARBITER_ROLE) {
        GlobalState memory s = _advanceView(_state, EPOCH_RING);
        if (epoch >= s.claimableEnd) revert EpochNotFinal(epoch);
        uint256 endsAt = uint256(_epochs[epoch % EPOCH_RING].postedAt) + 2 * challengeWindow + arbiterTimeout;
        if (_clock(s) >= endsAt || s.nextEpoch - epoch >= EPOCH_RING - 2) revert EpochRecoveryClosed(epoch, endsAt);
        address aggregator = _epochMeta[epoch % EPOCH_RING].aggregator;
        s.claimableEnd = uint32(epoch);
        _reject(s, epoch, 0);
        _state = s;
        bytes32 root = epoch == 0 ? bytes32(0) : _roots[(epoch - 1) % EPOCH_RING];
        if (!s.paused) _claimRoot = root;
        emit ClaimableEpochAdvanced(epoch, root);
        uint256 slashed = _slash(aggregator);
        _credit(treasury, slashed);
        emit AggregatorSlashed(aggregator, slashed, 0);
        emit EpochRevoked(epoch, msg.sender, evidenceHash);
    }

    // ================================================================ claim authorizations

    /// @dev See {IRewardDistributor}.
    function revokeClaimAuthorizations(bytes32 poolId, uint256 nonce) external onlyDelegated {
        // Kept far below 2^64 so that later claims can always move the nonce on.
        if (nonce > type(uint64).max >> 1) revert ClaimAuthorizationNonce(nonce, type(uint64).max >> 1);
        uint256 slot = _claimSlot(poolId, msg.sender);
        uint256 state;
        assembly ("memory-safe") {
            state := sload(slot)
        }
        uint256 current = state >> 192;
        if (nonce <= current) revert ClaimAuthorizationNonce(nonce, current + 1);
        assembly ("memory-safe") {
            sstore(slot, or(and(state, 0xffffffffffffffffffffffffffffffffffffffffffffffff), shl(192, nonce)))
        }
        emit ClaimAuthorizationsRevoked(msg.sender, poolId, nonce);
    }

    /// @dev See {IRewardDistributor}.
    function setClaimRelayer(address relayer) external onlyDelegated {
        _claimRelayers[msg.sender] = relayer;
        emit ClaimRelayerSet(msg.sender, relayer);
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
        GlobalState memory s = _state;
        if (s.paused) revert SystemPaused();
        uint256 resumedAt = _pause.resumedAt;
        if (resumedAt != 0 && block.timestamp < resumedAt + challengeWindow) {
            revert SystemPauseCooldown(resumedAt + challengeWindow);
        }
        s.paused = true;
        _state = s;
        _pause.pausedAt = uint40(block.timestamp);
        _claimRoot = bytes32(0);
        emit Paused(msg.sender, block.timestamp + arbiterTimeout);
    }

    /// @dev See {IRewardDistributor}.
    function unpause() external onlyDelegated {
        GlobalState memory s = _state;
        if (!s.paused) revert SystemNotPaused();
        uint256 pausedAt = _pause.pausedAt;
        if (!hasRole(GUARDIAN_ROLE, msg.sender) && block.timestamp < pausedAt + arbiterTimeout) {
            revert SystemPauseNotOver(pausedAt + arbiterTimeout);
        }
        uint256 stopped = block.timestamp - pausedAt;
        if (stopped > arbiterTimeout) stopped = arbiterTimeout;
        s.paused = false;
        s.pausedTotal += uint40(stopped);
        _state = s;
        _pause = PauseState({pausedAt: 0, resumedAt: uint40(block.timestamp)});
        _claimRoot = s.claimableEnd == 0 ? bytes32(0) : _roots[(s.claimableEnd - 1) % EPOCH_RING];
        emit Unpaused(msg.sender, stopped);
    }

    // ================================================================ internal

    /// @dev Rejects `epoch` and every later posted epoch in O(1): the posting pointer goes back to `epoch`, and the
    /// rejected posts' allocations stay reserved (in `owed`) until each is posted again (repostEpoch). `cause` is
    /// the upheld challenge, or zero for a revocation; a fraud-proof contract calls this through revokeEpoch or
    /// upholdChallenge. Challenges on the rejected posts become void (their bonds are refunded on request).
    function _reject(GlobalState memory s, uint256 epoch, uint256 cause) private {
        uint256 end = s.nextEpoch;
        if (end > s.repostEnd) s.repostEnd = uint32(end);
        s.nextEpoch = uint32(epoch);
        // Every live challenge at or above `epoch` is now void; one left below it was already the lowest.
        if (s.blockedFrom >= epoch) s.blockedFrom = NO_BLOCK;
        _rejectedAt = _clock(s);
        emit EpochRejected(epoch, cause, end);
    }

    /// @dev Takes the aggregator's whole bond and deregisters it.
    function _slash(address aggregator) private returns (uint256 slashed) {
        slashed = _aggregators[aggregator].bond;
        _aggregators[aggregator].bond = 0;
        _aggregators[aggregator].active = false;
    }

    /// @dev One live challenge on `epoch` closes: when it was the last one, the block moves to the next epoch
    /// with an open challenge (a walk over at most MAX_PENDING epochs).
    function _closeLive(GlobalState memory s, uint256 epoch) private {
        s.openChallenges -= 1;
        uint16 open = --_epochMeta[epoch % EPOCH_RING].openChallenges;
        if (open == 0 && s.blockedFrom == epoch) {
            s.blockedFrom = NO_BLOCK;
            for (uint256 e = epoch + 1; e < s.nextEpoch; ++e) {
                if (_epochMeta[e % EPOCH_RING].openChallenges != 0) {
                    s.blockedFrom = uint32(e);
                    break;
                }
            }
        }
    }

    /// @dev Whether the post a challenge disputes is still the epoch's current post.
    function _isLive(ChallengeInfo memory c, GlobalState memory s) private view returns (bool) {
        return c.epoch < s.nextEpoch && _epochMeta[c.epoch % EPOCH_RING].postSeq == c.postSeq;
    }

    function _requireOpenChallenge(uint256 challengeId) private view returns (ChallengeInfo memory c) {
        c = _challenges[challengeId];
        if (c.status != ChallengeStatus.Open) revert ChallengeNotOpen(challengeId);
    }

    function _requireLiveChallenge(uint256 challengeId, GlobalState memory s)
        private
        view
        returns (ChallengeInfo memory c)
    {
        c = _requireOpenChallenge(challengeId);
        if (!_isLive(c, s)) revert ChallengeVoid(challengeId);
    }

    function _requirePoolOwner(bytes32 poolId) private view {
        if (!_balances[poolId].exists) revert PoolNotFound(poolId);
        if (_pools[poolId].owner != msg.sender) revert PoolUnauthorized(poolId, msg.sender);
    }
}
