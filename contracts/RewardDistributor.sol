// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {
    IRewardDistributor,
    PoolTotal,
    RewardLeaf,
    Claim,
    AuthorizedClaim,
    EpochData,
    ChallengeStatus,
    ChallengeInfo
} from "./interfaces/IRewardDistributor.sol";
import {
    IRewardDistributorViews,
    DistributorConfig,
    PoolInfo,
    EpochInfo,
    AggregatorInfo,
    SystemState
} from "./interfaces/IRewardDistributorViews.sol";
import {MeshpayHashing} from "./libraries/MeshpayHashing.sol";
import {PoolIdLib} from "./libraries/PoolIdLib.sol";
import {SortedMerkleProof} from "./libraries/SortedMerkleProof.sol";

/// @title RewardDistributor
/// @notice See {IRewardDistributor}.
/// @dev Gas is spent where it must be. A claim reads three cold slots: the recorded claimable root, the pool's
/// balance (the cap that holds whatever a root says) and the account's claim state; the token comes out of the pool
/// id. A post writes two ring slots (root; post time plus a 27-byte commitment to the aggregator, bundle hash and
/// pool totals) that are reused once the epoch is settled, plus one balance slot per pool, whatever the number of
/// receipts behind it. Epochs become claimable by their window alone; posts record them as they pass.
contract RewardDistributor is IRewardDistributor, IRewardDistributorViews, AccessControl, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PoolIdLib for bytes32;

    bytes32 public constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");
    bytes32 public constant ARBITER_ROLE = keccak256("ARBITER_ROLE");

    uint32 private constant NO_BLOCK = type(uint32).max;
    /// @dev Bounds the work one post spends recording earlier epochs as claimable.
    uint256 private constant MAX_ADVANCE = 16;
    /// @dev Epochs from the recorded claimable one on live in rings of this many slots, so posting rewrites warm
    /// nonzero slots instead of creating new ones. The constructor checks the configuration cannot need more.
    uint256 internal constant EPOCH_RING = 256;
    uint256 private constant BPS = 10_000;

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
    address public immutable treasury;

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

    GlobalState private _state;
    /// @dev Root of the latest recorded claimable epoch; zero while paused, which stops fast-path claims for free.
    bytes32 private _claimRoot;
    uint96 private _poolSequence;
    uint256 private _challengeCount;

    mapping(bytes32 poolId => PoolBalance) private _balances;
    mapping(bytes32 poolId => PoolConfig) private _pools;
    mapping(bytes32 poolId => PriceChange[]) private _prices;
    mapping(bytes32 poolId => SignerChange[]) private _signers;
    mapping(bytes32 poolId => mapping(address account => ClaimState)) private _claims;

    bytes32[EPOCH_RING] private _roots;
    EpochRecord[EPOCH_RING] private _epochs;
    mapping(uint256 epoch => uint256 challengeId) private _openChallengeOf;
    mapping(uint256 challengeId => ChallengeInfo) private _challenges;

    mapping(address => Aggregator) private _aggregators;
    mapping(address => uint256) private _credits;

    /// @param config Time parameters and bonds, see {DistributorConfig}. A slashed bond's `challengerShareBps` goes to
    /// the challenger, the rest to `treasury_`, as do forfeited challenger bonds.
    constructor(address admin, address guardian, address arbiter, address treasury_, DistributorConfig memory config)
        EIP712("meshpay", "1")
    {
        if (admin == address(0) || treasury_ == address(0)) revert ZeroAddress();
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
        _state = GlobalState({nextEpoch: 0, claimableEnd: 0, blockedFrom: NO_BLOCK, openChallenges: 0, paused: false});
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (guardian != address(0)) _grantRole(GUARDIAN_ROLE, guardian);
        if (arbiter != address(0)) _grantRole(ARBITER_ROLE, arbiter);
    }

    // ================================================================ pools

    /// @inheritdoc IRewardDistributor
    function createPool(address token, uint256 pricePerGB, address ticketSigner, string calldata metadataURI)
        external
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

    /// @inheritdoc IRewardDistributor
    function fund(bytes32 poolId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        PoolBalance memory b = _balances[poolId];
        if (!b.exists) revert PoolNotFound(poolId);
        IERC20 token = IERC20(poolId.token());
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        uint256 unallocated = b.unallocated + received;
        // Keep unallocated + owed within uint120 so that any later allocation fits `owed`.
        if (unallocated + b.owed > type(uint120).max) revert PoolBalanceOverflow(poolId, received);
        _balances[poolId].unallocated = uint128(unallocated);
        emit PoolFunded(poolId, msg.sender, received);
    }

    /// @inheritdoc IRewardDistributor
    function setPrice(bytes32 poolId, uint256 pricePerGB) external {
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

    /// @inheritdoc IRewardDistributor
    function rotateTicketSigner(bytes32 poolId, address ticketSigner) external {
        _requirePoolOwner(poolId);
        if (ticketSigner == address(0)) revert ZeroAddress();
        _signers[poolId].push(SignerChange({since: uint40(block.timestamp), signer: ticketSigner}));
        emit PoolTicketSignerRotated(poolId, ticketSigner);
    }

    /// @inheritdoc IRewardDistributor
    function requestWithdrawal(bytes32 poolId, uint256 amount) external {
        _requirePoolOwner(poolId);
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max) revert PoolBalanceOverflow(poolId, amount);
        uint256 availableAt = block.timestamp + withdrawalNotice();
        _pools[poolId].withdrawalAmount = uint128(amount);
        _pools[poolId].withdrawalAvailableAt = uint40(availableAt);
        emit PoolWithdrawalRequested(poolId, amount, availableAt);
    }

    /// @inheritdoc IRewardDistributor
    function cancelWithdrawal(bytes32 poolId) external {
        _requirePoolOwner(poolId);
        if (_pools[poolId].withdrawalAvailableAt == 0) revert PoolNoWithdrawalRequested(poolId);
        _pools[poolId].withdrawalAmount = 0;
        _pools[poolId].withdrawalAvailableAt = 0;
        emit PoolWithdrawalCancelled(poolId);
    }

    /// @inheritdoc IRewardDistributor
    function withdraw(bytes32 poolId, address to) external nonReentrant returns (uint256 amount) {
        _requireNotPaused();
        _requirePoolOwner(poolId);
        if (to == address(0)) revert ZeroAddress();
        PoolConfig storage config = _pools[poolId];
        uint256 availableAt = config.withdrawalAvailableAt;
        if (availableAt == 0) revert PoolNoWithdrawalRequested(poolId);
        if (block.timestamp < availableAt) revert PoolWithdrawalNotReady(poolId, availableAt);
        PoolBalance memory b = _balances[poolId];
        amount = config.withdrawalAmount < b.unallocated ? config.withdrawalAmount : b.unallocated;
        config.withdrawalAmount = 0;
        config.withdrawalAvailableAt = 0;
        _balances[poolId].unallocated = b.unallocated - uint128(amount);
        emit PoolWithdrawn(poolId, to, amount);
        if (amount > 0) IERC20(poolId.token()).safeTransfer(to, amount);
    }

    // ================================================================ aggregators

    /// @inheritdoc IRewardDistributor
    function registerAggregator() external payable {
        Aggregator storage a = _aggregators[msg.sender];
        if (a.exitAvailableAt != 0) revert AggregatorExiting(msg.sender);
        uint256 bond = a.bond + msg.value;
        if (bond < aggregatorBond) revert AggregatorBondTooLow(bond, aggregatorBond);
        a.bond = uint128(bond);
        a.active = true;
        emit AggregatorRegistered(msg.sender, bond);
    }

    /// @inheritdoc IRewardDistributor
    function requestAggregatorExit() external {
        Aggregator storage a = _aggregators[msg.sender];
        if (!a.active) revert AggregatorNotActive(msg.sender);
        if (a.exitAvailableAt != 0) revert AggregatorExiting(msg.sender);
        uint256 availableAt = block.timestamp + challengeWindow;
        a.exitAvailableAt = uint40(availableAt);
        a.exitAfterEpoch = _state.nextEpoch;
        emit AggregatorExitRequested(msg.sender, availableAt);
    }

    /// @inheritdoc IRewardDistributor
    function exitAggregator() external {
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

    /// @inheritdoc IRewardDistributor
    function postEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI
    ) external {
        GlobalState memory s = _state;
        _checkPost(epoch, root, s);
        _allocate(poolTotals);
        bytes32 dataHash = keccak256(abi.encode(EpochData(msg.sender, bundleHash, poolTotals)));
        _roots[epoch % EPOCH_RING] = root;
        _epochs[epoch % EPOCH_RING] = EpochRecord({postedAt: uint40(block.timestamp), dataHash: bytes27(dataHash)});
        s.nextEpoch = uint32(epoch + 1);
        s = _advanceClaimable(s);
        // The ring keeps epochs claimableEnd - 2 (the superseded root claims still accept) to nextEpoch - 1.
        if (s.nextEpoch - s.claimableEnd > EPOCH_RING - 3) {
            revert EpochTooManyPending(s.nextEpoch - s.claimableEnd, EPOCH_RING - 3);
        }
        _state = s;
        emit EpochPosted(epoch, msg.sender, root, bundleHash, bundleURI, poolTotals, dataHash);
    }

    /// @inheritdoc IRewardDistributor
    function advanceClaimable() external {
        _requireNotPaused();
        GlobalState memory s = _state;
        uint256 before = s.claimableEnd;
        s = _advanceClaimable(s);
        if (s.claimableEnd != before) _state = s;
    }

    /// @inheritdoc IRewardDistributor
    function prepareEpochRing(uint256 fromIndex, uint256 count) external {
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

    /// @inheritdoc IRewardDistributor
    function challenge(uint256 epoch, bytes32 evidenceHash, string calldata evidenceURI)
        external
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

    /// @inheritdoc IRewardDistributor
    function upholdChallenge(uint256 challengeId, EpochData[] calldata rejected)
        external
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

    /// @inheritdoc IRewardDistributor
    function dismissChallenge(uint256 challengeId) external onlyRole(ARBITER_ROLE) {
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        _challenges[challengeId].status = ChallengeStatus.Dismissed;
        _openChallengeOf[c.epoch] = 0;
        GlobalState memory s = _state;
        s.openChallenges -= 1;
        if (s.blockedFrom == c.epoch) s.blockedFrom = _lowestOpenChallenge(c.epoch + 1, s.nextEpoch);
        _state = s;
        _credit(treasury, c.bond);
        emit ChallengeDismissed(challengeId, msg.sender);
    }

    /// @inheritdoc IRewardDistributor
    function resolveExpiredChallenge(uint256 challengeId, EpochData[] calldata rejected) external {
        ChallengeInfo memory c = _requireOpenChallenge(challengeId);
        uint256 deadline = uint256(c.openedAt) + arbiterTimeout;
        if (block.timestamp < deadline) revert ChallengeNotExpired(challengeId, deadline);
        _challenges[challengeId].status = ChallengeStatus.Expired;
        _rejectFrom(c.epoch, challengeId, rejected);
        _credit(c.challenger, c.bond);
        emit ChallengeExpired(challengeId);
    }

    // ================================================================ claims
    // Claims follow checks-effects-interactions strictly: every claim's accounting is final before its
    // transfer, so a re-entering token can only start claims that would be valid anyway. That is why the single
    // claims skip the reentrancy guard (it costs a claim ~300 gas); the batches keep it.

    /// @inheritdoc IRewardDistributor
    function claim(RewardLeaf calldata leaf, bytes32[] calldata proof) external returns (uint256 amount) {
        bytes32 poolId = leaf.poolId;
        address account = leaf.account;
        amount = _account(leaf, proof, poolId, account, 0, false);
        emit Claimed(poolId, account, amount);
        IERC20(poolId.token()).safeTransfer(account, amount);
    }

    /// @inheritdoc IRewardDistributor
    function claimWithAuthorization(AuthorizedClaim calldata c) external returns (uint256 amount) {
        amount = _accountAuthorized(c);
        IERC20 token = IERC20(c.leaf.poolId.token());
        token.safeTransfer(c.recipient, amount - c.fee);
        if (c.fee > 0) token.safeTransfer(msg.sender, c.fee);
    }

    /// @inheritdoc IRewardDistributor
    function claimBatch(Claim[] calldata claims) external nonReentrant returns (uint256[] memory amounts) {
        amounts = new uint256[](claims.length);
        for (uint256 i; i < claims.length; ++i) {
            RewardLeaf calldata leaf = claims[i].leaf;
            bytes32 poolId = leaf.poolId;
            address account = leaf.account;
            uint256 amount = _account(leaf, claims[i].proof, poolId, account, 0, false);
            amounts[i] = amount;
            emit Claimed(poolId, account, amount);
            IERC20(poolId.token()).safeTransfer(account, amount);
        }
    }

    /// @inheritdoc IRewardDistributor
    function claimBatchWithAuthorization(AuthorizedClaim[] calldata claims)
        external
        nonReentrant
        returns (uint256[] memory amounts)
    {
        amounts = new uint256[](claims.length);
        address feeToken;
        uint256 fees;
        for (uint256 i; i < claims.length; ++i) {
            AuthorizedClaim calldata c = claims[i];
            uint256 amount = _accountAuthorized(c);
            amounts[i] = amount;
            address token = c.leaf.poolId.token();
            IERC20(token).safeTransfer(c.recipient, amount - c.fee);
            // Fees are paid once per run of claims in the same token rather than once per claim.
            if (token != feeToken) {
                if (fees > 0) IERC20(feeToken).safeTransfer(msg.sender, fees);
                (feeToken, fees) = (token, 0);
            }
            fees += c.fee;
        }
        if (fees > 0) IERC20(feeToken).safeTransfer(msg.sender, fees);
    }

    // ================================================================ balances and guardian

    /// @inheritdoc IRewardDistributor
    function withdrawBalance() external nonReentrant returns (uint256 amount) {
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

    /// @inheritdoc IRewardDistributor
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _requireNotPaused();
        _state.paused = true;
        _claimRoot = bytes32(0);
        emit Paused(msg.sender);
    }

    /// @inheritdoc IRewardDistributor
    function unpause() external onlyRole(GUARDIAN_ROLE) {
        GlobalState memory s = _state;
        if (!s.paused) revert SystemNotPaused();
        s.paused = false;
        _state = s;
        _claimRoot = s.claimableEnd == 0 ? bytes32(0) : _roots[(s.claimableEnd - 1) % EPOCH_RING];
        emit Unpaused(msg.sender);
    }

    // ================================================================ views

    /// @inheritdoc IRewardDistributorViews
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

    /// @inheritdoc IRewardDistributorViews
    function currentEpoch() public view returns (uint256) {
        return block.timestamp < genesisTime ? 0 : (block.timestamp - genesisTime) / epochSeconds;
    }

    /// @inheritdoc IRewardDistributorViews
    function epochClosesAt(uint256 epoch) public view returns (uint256) {
        return genesisTime + (epoch + 1) * epochSeconds + graceSeconds;
    }

    /// @inheritdoc IRewardDistributorViews
    function withdrawalNotice() public view returns (uint256) {
        return epochSeconds + graceSeconds + challengeWindow;
    }

    /// @inheritdoc IRewardDistributorViews
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

    /// @inheritdoc IRewardDistributorViews
    function isClaimable(uint256 epoch) public view returns (bool) {
        GlobalState memory s = _state;
        return !s.paused && _isRipe(epoch, s);
    }

    /// @inheritdoc IRewardDistributorViews
    function latestClaimableEpoch() external view returns (bool exists, uint256 epoch) {
        GlobalState memory s = _advanceView(_state, type(uint256).max);
        if (s.paused || s.claimableEnd == 0) return (false, 0);
        return (true, s.claimableEnd - 1);
    }

    /// @inheritdoc IRewardDistributorViews
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

    /// @inheritdoc IRewardDistributorViews
    function poolInfo(bytes32 poolId) external view returns (PoolInfo memory info) {
        PoolBalance memory b = _balances[poolId];
        if (!b.exists) revert PoolNotFound(poolId);
        PoolConfig storage config = _pools[poolId];
        info.token = poolId.token();
        info.owner = config.owner;
        info.ticketSigner = ticketSignerAt(poolId, block.timestamp);
        info.pricePerGB = priceAt(poolId, currentEpoch());
        info.unallocated = b.unallocated;
        info.owed = b.owed;
        info.withdrawalAmount = config.withdrawalAmount;
        info.withdrawalAvailableAt = config.withdrawalAvailableAt;
        info.metadataURI = config.metadataURI;
    }

    /// @inheritdoc IRewardDistributorViews
    function priceAt(bytes32 poolId, uint256 epoch) public view returns (uint256) {
        PriceChange[] storage prices = _prices[poolId];
        if (prices.length == 0) revert PoolNotFound(poolId);
        for (uint256 i = prices.length; i > 0; --i) {
            if (prices[i - 1].fromEpoch <= epoch) return prices[i - 1].pricePerGB;
        }
        return prices[0].pricePerGB;
    }

    /// @inheritdoc IRewardDistributorViews
    function ticketSignerAt(bytes32 poolId, uint256 timestamp) public view returns (address) {
        SignerChange[] storage signers = _signers[poolId];
        if (signers.length == 0) revert PoolNotFound(poolId);
        for (uint256 i = signers.length; i > 0; --i) {
            if (signers[i - 1].since <= timestamp) return signers[i - 1].signer;
        }
        return signers[0].signer;
    }

    /// @inheritdoc IRewardDistributorViews
    function claimed(bytes32 poolId, address account) external view returns (uint256 amount, uint256 nonce) {
        ClaimState memory c = _claims[poolId][account];
        return (c.claimed, c.nonce);
    }

    /// @inheritdoc IRewardDistributorViews
    function aggregatorInfo(address aggregator) external view returns (AggregatorInfo memory) {
        Aggregator memory a = _aggregators[aggregator];
        return AggregatorInfo({
            bond: a.bond,
            exitAvailableAt: a.exitAvailableAt,
            exitAfterEpoch: a.exitAfterEpoch,
            active: a.active
        });
    }

    /// @inheritdoc IRewardDistributorViews
    function challengeInfo(uint256 challengeId) external view returns (ChallengeInfo memory) {
        return _challenges[challengeId];
    }

    /// @inheritdoc IRewardDistributorViews
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    /// @inheritdoc IRewardDistributorViews
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ================================================================ internal: claims

    /// @dev Verifies the leaf against a claimable root and books the payout (effects only; callers transfer).
    /// The two slots are handled raw: layouts are ClaimState {uint192 claimed | uint64 nonce << 192} and
    /// PoolBalance {uint128 unallocated | uint120 owed << 128 | bool exists << 248}.
    function _account(
        RewardLeaf calldata leaf,
        bytes32[] calldata proof,
        bytes32 poolId,
        address account,
        uint256 nonce,
        bool useNonce
    ) private returns (uint256 amount) {
        bytes32 root = SortedMerkleProof.processProof(proof, MeshpayHashing.leafHash(leaf));
        // Fast path: the recorded claimable root (zero while paused).
        if (root != _claimRoot) _syncClaimRoot(root, poolId, account);

        uint256 cumulative = leaf.cumulativeAmount;
        uint256 claimSlot;
        uint256 state;
        assembly ("memory-safe") {
            mstore(0x00, poolId)
            mstore(0x20, _claims.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, account)
            claimSlot := keccak256(0x00, 0x40)
            state := sload(claimSlot)
        }
        uint256 alreadyClaimed = uint192(state);
        uint256 stateNonce = state >> 192;
        if (useNonce && nonce != stateNonce) revert ClaimAuthorizationNonce(nonce, stateNonce);
        if (cumulative <= alreadyClaimed) revert ClaimNothingDue(poolId, account, cumulative, alreadyClaimed);
        // No check that `cumulative` fits 192 bits: it is `alreadyClaimed + amount` with amount <= owed < 2^120,
        // and no account can have claimed anywhere near 2^192 - 2^120 from one pool.
        unchecked {
            amount = cumulative - alreadyClaimed;
        }

        uint256 balanceSlot;
        uint256 poolBalance;
        assembly ("memory-safe") {
            mstore(0x00, poolId)
            mstore(0x20, _balances.slot)
            balanceSlot := keccak256(0x00, 0x40)
            poolBalance := sload(balanceSlot)
        }
        uint256 owed = uint120(poolBalance >> 128);
        if (amount > owed) revert PoolAllocationExceeded(poolId, amount, owed);
        assembly ("memory-safe") {
            // owed >= amount, so the subtraction cannot borrow into `exists`.
            sstore(balanceSlot, sub(poolBalance, shl(128, amount)))
            sstore(claimSlot, or(cumulative, shl(192, add(stateNonce, useNonce))))
        }
    }

    /// @dev Checks the authorization, books the claim and emits; the caller transfers.
    function _accountAuthorized(AuthorizedClaim calldata c) private returns (uint256 amount) {
        if (block.timestamp > c.deadline) revert ClaimAuthorizationExpired(c.deadline);
        RewardLeaf calldata leaf = c.leaf;
        bytes32 poolId = leaf.poolId;
        address account = leaf.account;
        bytes32 digest = _hashTypedDataV4(
            MeshpayHashing.hashClaimAuthorization(poolId, account, c.recipient, c.maxFee, c.nonce, c.deadline)
        );
        (address signer,,) = ECDSA.tryRecover(digest, c.r, c.vs);
        if (signer != account || signer == address(0)) revert ClaimAuthorizationSigner(signer, account);
        if (c.recipient == address(0)) revert ZeroAddress();
        amount = _account(leaf, c.proof, poolId, account, c.nonce, true);
        if (c.fee > c.maxFee || c.fee > amount) revert ClaimFeeTooHigh(c.fee, c.maxFee, amount);
        emit ClaimedWithAuthorization(poolId, account, c.recipient, amount, c.fee);
    }

    /// @dev The slow path: records epochs that passed their window since the last post, then accepts the latest
    /// claimable root or the one it superseded (a claim built just before an epoch boundary stays valid).
    function _syncClaimRoot(bytes32 root, bytes32 poolId, address account) private {
        GlobalState memory s = _state;
        if (s.paused) revert SystemPaused();
        uint256 before = s.claimableEnd;
        s = _advanceClaimable(s);
        if (s.claimableEnd != before) _state = s;
        uint256 end = s.claimableEnd;
        if (end > 0 && root == _roots[(end - 1) % EPOCH_RING]) return;
        if (end > 1 && root == _roots[(end - 2) % EPOCH_RING]) return;
        revert ClaimInvalidProof(poolId, account);
    }

    // ================================================================ internal: epochs

    /// @dev Claimable: recorded as such, or posted, past its window and neither it nor an earlier epoch under open
    /// challenge. Post times only grow along the surviving sequence (re-posts come later), so a ripe epoch's
    /// predecessors are ripe too.
    function _isRipe(uint256 epoch, GlobalState memory s) private view returns (bool) {
        if (epoch < s.claimableEnd) return true;
        if (epoch >= s.nextEpoch || epoch >= s.blockedFrom) return false;
        return block.timestamp >= uint256(_epochs[epoch % EPOCH_RING].postedAt) + challengeWindow;
    }

    function _isPending(uint256 epoch, GlobalState memory s) private view returns (bool) {
        if (epoch >= s.nextEpoch || epoch < s.claimableEnd) return false;
        return block.timestamp < uint256(_epochs[epoch % EPOCH_RING].postedAt) + challengeWindow;
    }

    function _advanceView(GlobalState memory s, uint256 maxSteps) private view returns (GlobalState memory) {
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

    /// @dev Records ripe epochs as claimable and moves the fast-path root to the latest of them; callers store `s`.
    function _advanceClaimable(GlobalState memory s) private returns (GlobalState memory) {
        uint256 before = s.claimableEnd;
        s = _advanceView(s, MAX_ADVANCE);
        if (s.claimableEnd != before) {
            bytes32 root = _roots[(s.claimableEnd - 1) % EPOCH_RING];
            if (!s.paused) _claimRoot = root;
            emit ClaimableEpochAdvanced(s.claimableEnd, root);
        }
        return s;
    }

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

    /// @dev Validates a post.
    function _checkPost(uint256 epoch, bytes32 root, GlobalState memory s) private view {
        if (s.paused) revert SystemPaused();
        Aggregator memory a = _aggregators[msg.sender];
        if (!a.active || a.exitAvailableAt != 0) revert AggregatorNotActive(msg.sender);
        if (epoch != s.nextEpoch) revert EpochOutOfOrder(epoch, s.nextEpoch);
        uint256 closesAt = epochClosesAt(epoch);
        if (block.timestamp < closesAt) revert EpochNotClosed(epoch, closesAt);
        if (root == bytes32(0)) revert EpochRootZero(epoch);
    }

    /// @dev Moves each pool's total from unallocated to owed; refuses any total the pool cannot cover.
    function _allocate(PoolTotal[] calldata poolTotals) private {
        bytes32 previous;
        for (uint256 i; i < poolTotals.length; ++i) {
            bytes32 poolId = poolTotals[i].poolId;
            if (i > 0 && poolId <= previous) revert EpochPoolTotalsNotSorted(i);
            previous = poolId;
            uint256 amount = poolTotals[i].amount;
            PoolBalance memory b = _balances[poolId];
            if (!b.exists) revert PoolNotFound(poolId);
            if (amount > b.unallocated) revert PoolOverdrawn(poolId, amount, b.unallocated);
            // unallocated + owed <= type(uint120).max is kept by fund(), so the sum below fits.
            _balances[poolId] = PoolBalance({
                unallocated: b.unallocated - uint128(amount),
                owed: b.owed + uint120(amount),
                exists: true
            });
        }
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

    // ================================================================ internal: misc

    function _requirePoolOwner(bytes32 poolId) private view {
        if (!_balances[poolId].exists) revert PoolNotFound(poolId);
        if (_pools[poolId].owner != msg.sender) revert PoolUnauthorized(poolId, msg.sender);
    }

    function _requireNotPaused() private view {
        if (_state.paused) revert SystemPaused();
    }

    function _credit(address account, uint256 amount) private {
        if (amount == 0) return;
        _credits[account] += amount;
        emit BalanceCredited(account, amount);
    }
}
