// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

import {PoolTotal, RewardLeaf, Claim, AuthorizedClaim, DistributorConfig} from "./interfaces/RewardDistributorTypes.sol";
import {RewardDistributorBase} from "./RewardDistributorBase.sol";
import {RewardDistributorExtension} from "./RewardDistributorExtension.sol";
import {MeshpayHashing} from "./libraries/MeshpayHashing.sol";
import {PoolIdLib} from "./libraries/PoolIdLib.sol";
import {SortedMerkleProof} from "./libraries/SortedMerkleProof.sol";

/// @title RewardDistributor
/// @notice Holds broadcasters' reward pools, takes epoch roots from bonded aggregators and pays relay operators
/// their cumulative rewards. Its full interface is {IRewardDistributor}: this core holds the hot paths (claims,
/// posts, funding) and hands every other call to its extension by delegatecall, at the same address and storage.
/// @dev Why the split: each external function adds about 22 gas to every call whose selector sorts after it in the
/// dispatcher; with ~50 functions a claim paid ~600 gas just to be found. Same pattern as Balancer V3's Vault and
/// VaultExtension. The extension is created here and fixed forever: nothing is upgradeable. For the same reason the
/// batch forms are named claimMany and claimWithAuthorizations: their selectors sort after claim's.
///
/// Gas is spent where it must be. A claim reads three cold slots: the recorded claimable root, the pool's balance
/// (the cap that holds whatever a root says) and the account's claim state; the token comes out of the pool id. A
/// post writes two ring slots (root; post time plus a 27-byte commitment to the aggregator, bundle hash and pool
/// totals) and one balance slot per pool, whatever the number of receipts behind it. Epochs become claimable by
/// their window alone; posts (or the first claim after) record them as they pass.
contract RewardDistributor is RewardDistributorBase, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using PoolIdLib for bytes32;

    /// @dev The extension every call not handled here is delegated to; readable as `extension()` through it.
    address private immutable _extension;

    constructor(address admin, address guardian, address arbiter, address treasury_, DistributorConfig memory config_)
        RewardDistributorBase(treasury_, config_)
    {
        if (admin == address(0)) revert ZeroAddress();
        _state = GlobalState({
            nextEpoch: 0,
            claimableEnd: 0,
            blockedFrom: NO_BLOCK,
            postSeq: 0,
            repostEnd: 0,
            openChallenges: 0,
            pausedTotal: 0,
            paused: false
        });
        address ext = address(new RewardDistributorExtension(treasury_, config_));
        _extension = ext;
        // Roles live in the extension's AccessControl storage, which is this contract's storage.
        (bool ok, bytes memory data) =
            ext.delegatecall(abi.encodeCall(RewardDistributorExtension.initializeRoles, (admin, guardian, arbiter)));
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(data, 0x20), mload(data))
            }
        }
    }

    /// @dev Every other function of {IRewardDistributor} lives in the extension.
    fallback() external payable {
        address ext = _extension;
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), ext, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ================================================================ pools and epochs

    /// @dev See {IRewardDistributor}.
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

    /// @dev See {IRewardDistributor}.
    function postEpoch(
        uint256 epoch,
        bytes32 root,
        PoolTotal[] calldata poolTotals,
        bytes32 bundleHash,
        string calldata bundleURI
    ) external {
        GlobalState memory s = _state;
        _checkPost(epoch, root, s);
        if (epoch < s.repostEnd) revert EpochRepostRequired(epoch);
        _postEpoch(s, epoch, root, poolTotals, bundleHash, bundleURI);
    }

    // ================================================================ claims
    // Claims follow checks-effects-interactions strictly: every claim's accounting is final before its
    // transfer, so a re-entering token can only start claims that would be valid anyway. That is why the single
    // claims skip the reentrancy guard (it costs a claim ~300 gas); the batches keep it.

    /// @dev See {IRewardDistributor}.
    function claim(RewardLeaf calldata leaf, bytes32[] calldata proof) external returns (uint256 amount) {
        bytes32 poolId = leaf.poolId;
        address account = leaf.account;
        amount = _account(leaf, proof, poolId, account, 0, false);
        emit Claimed(account, poolId, amount);
        IERC20(poolId.token()).safeTransfer(account, amount);
    }

    /// @dev See {IRewardDistributor}.
    function claimWithAuthorization(AuthorizedClaim calldata c) external returns (uint256 amount) {
        amount = _accountAuthorized(c);
        IERC20 token = IERC20(c.leaf.poolId.token());
        // No zero transfers: some tokens refuse them.
        if (amount > c.fee) token.safeTransfer(c.recipient, amount - c.fee);
        if (c.fee > 0) token.safeTransfer(msg.sender, c.fee);
    }

    /// @dev See {IRewardDistributor}.
    function claimMany(Claim[] calldata claims) external nonReentrant returns (uint256[] memory amounts) {
        amounts = new uint256[](claims.length);
        for (uint256 i; i < claims.length; ++i) {
            RewardLeaf calldata leaf = claims[i].leaf;
            bytes32 poolId = leaf.poolId;
            address account = leaf.account;
            uint256 amount = _account(leaf, claims[i].proof, poolId, account, 0, false);
            amounts[i] = amount;
            emit Claimed(account, poolId, amount);
            IERC20(poolId.token()).safeTransfer(account, amount);
        }
    }

    /// @dev See {IRewardDistributor}.
    function claimWithAuthorizations(AuthorizedClaim[] calldata claims)
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
            if (amount > c.fee) IERC20(token).safeTransfer(c.recipient, amount - c.fee);
            // Fees are paid once per run of claims in the same token rather than once per claim.
            if (token != feeToken) {
                if (fees > 0) IERC20(feeToken).safeTransfer(msg.sender, fees);
                (feeToken, fees) = (token, 0);
            }
            fees += c.fee;
        }
        if (fees > 0) IERC20(feeToken).safeTransfer(msg.sender, fees);
    }

    // ================================================================ internal

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
        uint256 seed = CLAIM_SLOT_SEED;
        assembly ("memory-safe") {
            // The same slot as _claimSlot(poolId, account), hashed in place.
            let m := mload(0x40)
            mstore(m, poolId)
            mstore(add(m, 0x20), account)
            mstore(add(m, 0x40), seed)
            claimSlot := keccak256(m, 0x60)
            state := sload(claimSlot)
        }
        uint256 alreadyClaimed = uint192(state);
        uint256 stateNonce = state >> 192;
        // Any claim retires the authorizations outstanding: a direct one moves the nonce on by one, a relayed one
        // (whose nonce may be any at or above the next, so a newer authorization retires older ones) past its own.
        if (useNonce) {
            if (nonce < stateNonce || nonce >= type(uint64).max) revert ClaimAuthorizationNonce(nonce, stateNonce);
            stateNonce = nonce;
        }
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
            sstore(claimSlot, or(cumulative, shl(192, add(stateNonce, 1))))
        }
    }

    /// @dev Checks the authorization, books the claim and emits; the caller transfers.
    function _accountAuthorized(AuthorizedClaim calldata c) private returns (uint256 amount) {
        if (block.timestamp > c.deadline) revert ClaimAuthorizationExpired(c.deadline);
        RewardLeaf calldata leaf = c.leaf;
        bytes32 poolId = leaf.poolId;
        address account = leaf.account;
        bytes32 digest = _hashTypedData(
            MeshpayHashing.hashClaimAuthorization(poolId, account, c.recipient, c.maxFee, c.nonce, c.deadline)
        );
        (address signer,,) = ECDSA.tryRecover(digest, c.r, c.vs);
        if (signer != account || signer == address(0)) revert ClaimAuthorizationSigner(signer, account);
        if (c.recipient == address(0)) revert ZeroAddress();
        address bound = _claimRelayers[account];
        if (bound != address(0) && bound != msg.sender) revert ClaimRelayerNotAllowed(msg.sender, bound);
        amount = _account(leaf, c.proof, poolId, account, c.nonce, true);
        if (c.fee > c.maxFee || c.fee > amount) revert ClaimFeeTooHigh(c.fee, c.maxFee, amount);
        emit ClaimedWithAuthorization(account, poolId, c.recipient, msg.sender, amount, c.fee);
    }

    /// @dev The slow path: records epochs that passed their window since the last post, then accepts the latest
    /// claimable root or the one it superseded (a claim built just before an epoch boundary stays valid).
    function _syncClaimRoot(bytes32 root, bytes32 poolId, address account) private {
        GlobalState memory s = _state;
        if (s.paused) revert SystemPaused();
        uint256 before = s.claimableEnd;
        s = _advanceClaimable(s, EPOCH_RING);
        if (s.claimableEnd != before) _state = s;
        uint256 end = s.claimableEnd;
        if (end > 0 && root == _roots[(end - 1) % EPOCH_RING]) return;
        if (end > 1 && root == _roots[(end - 2) % EPOCH_RING]) return;
        revert ClaimInvalidProof(poolId, account);
    }

}
