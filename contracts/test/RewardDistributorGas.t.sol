// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {DistributorTestBase, MerkleTreeBuilder, TestLeaves, vm} from "./DistributorTestHarness.sol";
import {PoolTotal, RewardLeaf, AuthorizedClaim} from "../interfaces/RewardDistributorTypes.sol";

/// @notice Deterministic gas measurements of the hot paths, for `npx hardhat test solidity --snapshot`: no fuzzed
/// inputs, so each test's gas (.gas-snapshot) and each measured call (snapshots/RewardDistributor.json, via
/// snapshotGasLastCall) only change when the code does. Claims use depth-20 proofs (a million-leaf tree).
/// @dev setUp: two pools; epoch 0 posted, then epoch 1 (recording epoch 0), alice claims from epoch 0, then epoch 2
/// (recording epoch 1, now the fast-path root). Epoch 2 is pending until a test waits for its window.
contract RewardDistributorGasTest is DistributorTestBase {
    uint256 internal constant DEPTH = 20;
    uint256 internal constant CAROL_KEY = 0xCA401;
    address internal carol;
    address internal dave;
    bytes32 internal pool2;

    // Leaves and proofs per epoch and account index (0 alice, 1 bob, 2 carol, 3 dave).
    mapping(uint256 epoch => mapping(uint256 index => RewardLeaf)) internal _leaves;
    mapping(uint256 epoch => mapping(uint256 index => bytes32[])) internal _proofs;
    bytes32[3] internal _roots;
    AuthorizedClaim internal _carolClaim;

    function setUp() public {
        _deploy();
        carol = vm.addr(CAROL_KEY);
        dave = address(0xDA7E);
        pool2 = dist.createPool(address(token), 2e6, TICKET_SIGNER, "ipfs://pool2");
        dist.fund(pool, 1e24);
        dist.fund(pool2, 1e24);

        _buildEpoch(0, [uint256(100e6), 200e6, 300e6, 1e6]);
        _buildEpoch(1, [uint256(250e6), 400e6, 500e6, 2e6]);
        _buildEpoch(2, [uint256(260e6), 410e6, 510e6, 3e6]);

        uint256 postedAt0 = _postBoth(0, 601e6);
        vm.warp(postedAt0 + CHALLENGE_WINDOW);
        uint256 postedAt1 = _postBoth(1, 1152e6 - 601e6);
        dist.claim(_leaves[0][0], _proofs[0][0]);
        vm.warp(postedAt1 + CHALLENGE_WINDOW);
        _postBoth(2, 1183e6 - 1152e6);

        // Carol's relayed claim from epoch 1, signed now: a fee of 2 to the caller (max 5), the rest to carol.
        RewardLeaf memory leaf = _leaves[1][2];
        uint64 deadline = uint64(_now() + 1 days);
        bytes32 digest = TestLeaves.claimAuthorizationDigest(
            dist.domainSeparator(), pool, carol, carol, 5e6, 0, deadline
        );
        (bytes32 r, bytes32 vs) = _signCompact(CAROL_KEY, digest);
        _carolClaim.leaf = leaf;
        _carolClaim.proof = _proofs[1][2];
        _carolClaim.recipient = carol;
        _carolClaim.maxFee = 5e6;
        _carolClaim.nonce = 0;
        _carolClaim.deadline = deadline;
        _carolClaim.fee = 2e6;
        _carolClaim.r = r;
        _carolClaim.vs = vs;
    }

    /// @dev Four real leaves in the first level pairs, then 18 pseudo-random siblings up to a depth-20 root.
    function _buildEpoch(uint256 epoch, uint256[4] memory cumulative) internal {
        address[4] memory accounts = [alice, bob, carol, dave];
        RewardLeaf[] memory leaves = new RewardLeaf[](4);
        for (uint256 i; i < 4; ++i) {
            leaves[i] = _leaf(accounts[i], cumulative[i], epoch * 10 + i);
        }
        bytes32[] memory hashes = TestLeaves.hashAll(leaves);
        bytes32[] memory upper = new bytes32[](DEPTH - 2);
        bytes32 root = MerkleTreeBuilder.rootOf(hashes);
        for (uint256 j; j < DEPTH - 2; ++j) {
            upper[j] = keccak256(abi.encode("sibling", epoch, j));
            root = MerkleTreeBuilder.hashPair(root, upper[j]);
        }
        _roots[epoch] = root;
        for (uint256 i; i < 4; ++i) {
            (, bytes32[] memory lower) = MerkleTreeBuilder.build(hashes, i);
            _leaves[epoch][i] = leaves[i];
            for (uint256 j; j < lower.length; ++j) {
                _proofs[epoch][i].push(lower[j]);
            }
            for (uint256 j; j < upper.length; ++j) {
                _proofs[epoch][i].push(upper[j]);
            }
        }
    }

    /// @dev Posts `epoch` with `amount` for the first pool and 1 for the second.
    function _postBoth(uint256 epoch, uint256 amount) internal returns (uint256) {
        return _post(epoch, _roots[epoch], _totalsBoth(amount));
    }

    function _totalsBoth(uint256 amount) internal view returns (PoolTotal[] memory totals) {
        totals = new PoolTotal[](2);
        totals[0] = PoolTotal({poolId: pool, amount: amount});
        totals[1] = PoolTotal({poolId: pool2, amount: 1});
    }

    /// @dev Epoch 3 with two pool totals, recording nothing new (epoch 2 is still pending): a fresh ring slot.
    function test_gas_postEpoch() public {
        PoolTotal[] memory totals = _totalsBoth(1e6);
        bytes32 root = keccak256("root 3");
        uint256 closesAt = dist.epochClosesAt(3);
        if (_now() < closesAt) vm.warp(closesAt);
        vm.prank(AGGREGATOR);
        dist.postEpoch(3, root, totals, keccak256("bundle 3"), "ipfs://bundle3");
        vm.snapshotGasLastCall("RewardDistributor", "postEpoch");
        assertEq(dist.systemState().nextEpoch, 4, "posted");
    }

    /// @dev Bob's first claim from the fast-path root (epoch 1), depth-20 proof.
    function test_gas_claim_first() public {
        uint256 amount = dist.claim(_leaves[1][1], _proofs[1][1]);
        vm.snapshotGasLastCall("RewardDistributor", "claim_first");
        assertEq(amount, 400e6, "bob's claim");
    }

    /// @dev Alice claims again (she claimed 100 from epoch 0): the claim slot is already nonzero.
    function test_gas_claim_repeat() public {
        uint256 amount = dist.claim(_leaves[1][0], _proofs[1][0]);
        vm.snapshotGasLastCall("RewardDistributor", "claim_repeat");
        assertEq(amount, 150e6, "alice's second claim");
    }

    /// @dev Dave's first claim once epoch 2's window passed: the claim records the epoch (slow path).
    function test_gas_claim_recordsNewlyClaimableEpoch() public {
        vm.warp(_now() + CHALLENGE_WINDOW);
        uint256 amount = dist.claim(_leaves[2][3], _proofs[2][3]);
        vm.snapshotGasLastCall("RewardDistributor", "claim_recordsEpoch");
        assertEq(amount, 3e6, "dave's claim");
    }

    /// @dev Carol's first claim, relayed: signature check, nonce, two transfers (recipient and fee).
    function test_gas_claimWithAuthorization() public {
        AuthorizedClaim memory c = _carolClaim;
        vm.prank(RELAYER);
        uint256 amount = dist.claimWithAuthorization(c);
        vm.snapshotGasLastCall("RewardDistributor", "claimWithAuthorization");
        assertEq(amount, 500e6, "carol's claim");
        assertEq(token.balanceOf(RELAYER), 2e6, "relayer fee");
    }
}
