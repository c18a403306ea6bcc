// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {RewardDistributor} from "../RewardDistributor.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {PoolTotal, RewardLeaf, DistributorConfig, EpochData} from "../interfaces/RewardDistributorTypes.sol";
import {MeshpayHashing} from "../libraries/MeshpayHashing.sol";
import {TestToken} from "../mocks/TestToken.sol";

/// @notice The cheatcodes these tests use (Hardhat 3's EDR runner implements Foundry's; there is no forge-std here).
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address account, uint256 balance) external;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata data) external;
    function assume(bool condition) external pure;
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function store(address target, bytes32 slot, bytes32 value) external;
    function load(address target, bytes32 slot) external view returns (bytes32);
    function getBlockTimestamp() external view returns (uint256 timestamp);
    function snapshotGasLastCall(string calldata group, string calldata name) external returns (uint256 gasUsed);
    function lastCallGas() external view returns (Gas memory gas);
    function expectEmit() external;
}

/// @notice What vm.lastCallGas() returns.
struct Gas {
    uint64 gasLimit;
    uint64 gasTotalUsed;
    uint64 gasMemoryUsed;
    int64 gasRefunded;
    uint64 gasRemaining;
}

/// @notice What the invariant runner reads from `targetSelectors()` (Foundry's StdInvariant layout).
struct FuzzSelector {
    address addr;
    bytes4[] selectors;
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @notice Assertions that revert with a message naming the values, Foundry-style `bound`, and `_now()`.
abstract contract Assertions {
    /// @dev The current timestamp. With via-IR the optimizer may reuse an earlier `block.timestamp` read across a
    /// vm.warp in the same call (it assumes the timestamp is constant), so test code always asks the VM.
    function _now() internal view returns (uint256) {
        return vm.getBlockTimestamp();
    }

    function fail(string memory message) internal pure {
        revert(message);
    }

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) {
            revert(string.concat(message, ": ", Strings.toString(a), " != ", Strings.toString(b)));
        }
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) {
            revert(
                string.concat(message, ": ", Strings.toHexString(uint256(a)), " != ", Strings.toHexString(uint256(b)))
            );
        }
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) revert(string.concat(message, ": ", Strings.toHexString(a), " != ", Strings.toHexString(b)));
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) revert(string.concat(message, ": ", Strings.toString(a), " > ", Strings.toString(b)));
    }

    function assertGe(uint256 a, uint256 b, string memory message) internal pure {
        if (a < b) revert(string.concat(message, ": ", Strings.toString(a), " < ", Strings.toString(b)));
    }

    /// @dev Maps `x` into [min, max] (both inclusive), keeping small values small like forge-std's bound.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }
}

/// @notice Sorted-pair (commutative) Merkle trees in memory. OpenZeppelin's MerkleProof verifies any such tree,
/// so proofs built here check against the contract like StandardMerkleTree's (leaf order may differ, which no
/// verifier can see).
library MerkleTreeBuilder {
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @return root The root over `leaves` (pairs left to right; an odd node is carried up unchanged).
    /// @return proof The siblings proving `leaves[index]`, bottom up.
    function build(bytes32[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        uint256 n = leaves.length;
        require(n > 0 && index < n, "MerkleTreeBuilder: bad index");
        bytes32[] memory level = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            level[i] = leaves[i];
        }
        bytes32[] memory path = new bytes32[](256);
        uint256 depth;
        while (n > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < n) path[depth++] = level[sibling];
            for (uint256 i; i < n; i += 2) {
                level[i / 2] = i + 1 < n ? hashPair(level[i], level[i + 1]) : level[i];
            }
            n = (n + 1) / 2;
            index /= 2;
        }
        root = level[0];
        proof = new bytes32[](depth);
        for (uint256 i; i < depth; ++i) {
            proof[i] = path[i];
        }
    }

    function rootOf(bytes32[] memory leaves) internal pure returns (bytes32 root) {
        (root,) = build(leaves, 0);
    }
}

/// @notice Leaf hashing written out plainly (no assembly), independent of the contract's own code paths.
library TestLeaves {
    function hash(RewardLeaf memory l) internal pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(l.account, l.poolId, l.cumulativeAmount, l.epochBytes, l.epochAmount, l.receiptsRoot)
                )
            )
        );
    }

    function hashAll(RewardLeaf[] memory leaves) internal pure returns (bytes32[] memory hashes) {
        hashes = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) {
            hashes[i] = hash(leaves[i]);
        }
    }

    /// @dev The ClaimAuthorization EIP-712 digest, from the type string (not the contract's assembly).
    function claimAuthorizationDigest(
        bytes32 domainSeparator,
        bytes32 poolId,
        address account,
        address recipient,
        uint256 maxFee,
        uint256 nonce,
        uint64 deadline
    ) internal pure returns (bytes32) {
        bytes32 typeHash = keccak256(
            "ClaimAuthorization(bytes32 poolId,address account,address recipient,uint256 maxFee,uint256 nonce,"
            "uint64 deadline)"
        );
        bytes32 structHash = keccak256(
            abi.encode(
                typeHash,
                poolId,
                account,
                recipient,
                maxFee,
                nonce,
                deadline
            )
        );
        return keccak256(abi.encodePacked(hex"1901", domainSeparator, structHash));
    }
}

/// @notice A fresh distributor, token and funded pool for the unit and fuzz tests. Test config: hour-long epochs,
/// a day-long challenge window, like test/contracts/fixture.ts.
abstract contract DistributorTestBase is Assertions {
    uint256 internal constant GENESIS = 1_700_002_800; // a multiple of EPOCH_SECONDS
    uint256 internal constant EPOCH_SECONDS = 3_600;
    uint256 internal constant GRACE_SECONDS = 300;
    uint256 internal constant CHALLENGE_WINDOW = 86_400;
    uint256 internal constant ARBITER_TIMEOUT = 86_400;
    uint256 internal constant AGGREGATOR_BOND = 10 ether;
    uint256 internal constant CHALLENGER_BOND = 1 ether;
    uint256 internal constant CHALLENGER_SHARE_BPS = 5_000;

    address internal constant ADMIN = address(0xAD);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant ARBITER = address(0xA4B1);
    address internal constant TREASURY = address(0x7EA5);
    address internal constant AGGREGATOR = address(0xA66);
    address internal constant CHALLENGER = address(0xC4A1);
    address internal constant TICKET_SIGNER = address(0x5161);
    address internal constant RELAYER = address(0x4E1A);

    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;

    TestToken internal token;
    IRewardDistributor internal dist;
    bytes32 internal pool;
    address internal alice;
    address internal bob;

    function _deploy() internal {
        vm.warp(GENESIS);
        token = new TestToken("Test USD", "TUSD", 6);
        RewardDistributor core = new RewardDistributor(ADMIN, GUARDIAN, ARBITER, TREASURY, _config());
        dist = IRewardDistributor(address(core));
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        vm.deal(AGGREGATOR, 100 ether);
        vm.deal(CHALLENGER, 100 ether);
        vm.prank(AGGREGATOR);
        dist.registerAggregator{value: AGGREGATOR_BOND}();
        pool = dist.createPool(address(token), 1e6, TICKET_SIGNER, "ipfs://pool");
        token.mint(address(this), type(uint128).max);
        token.approve(address(dist), type(uint256).max);
    }

    function _config() internal pure returns (DistributorConfig memory) {
        return DistributorConfig({
            genesisTime: GENESIS,
            epochSeconds: EPOCH_SECONDS,
            graceSeconds: GRACE_SECONDS,
            challengeWindow: CHALLENGE_WINDOW,
            arbiterTimeout: ARBITER_TIMEOUT,
            aggregatorBond: AGGREGATOR_BOND,
            challengerBond: CHALLENGER_BOND,
            challengerShareBps: CHALLENGER_SHARE_BPS
        });
    }

    function _leaf(address account, uint256 cumulative, uint256 salt) internal view returns (RewardLeaf memory) {
        return RewardLeaf({
            account: account,
            poolId: pool,
            cumulativeAmount: cumulative,
            epochBytes: cumulative / 3 + 1,
            epochAmount: cumulative,
            receiptsRoot: keccak256(abi.encode("receipts", account, salt))
        });
    }

    function _totals(uint256 amount) internal view returns (PoolTotal[] memory totals) {
        totals = new PoolTotal[](1);
        totals[0] = PoolTotal({poolId: pool, amount: amount});
    }

    /// @dev Waits until `epoch` has closed if needed, then posts it as the aggregator; returns the post time.
    function _post(uint256 epoch, bytes32 root, PoolTotal[] memory totals) internal returns (uint256 postedAt) {
        uint256 closesAt = dist.epochClosesAt(epoch);
        if (_now() < closesAt) vm.warp(closesAt);
        bytes32 bundleHash = keccak256(abi.encode("bundle", epoch, root));
        vm.prank(AGGREGATOR);
        dist.postEpoch(epoch, root, totals, bundleHash, "ipfs://bundle");
        return _now();
    }

    function _epochData(bytes32 root, PoolTotal[] memory totals, uint256 epoch)
        internal
        pure
        returns (EpochData memory)
    {
        return EpochData({
            aggregator: AGGREGATOR, bundleHash: keccak256(abi.encode("bundle", epoch, root)), poolTotals: totals
        });
    }

    function _proof(RewardLeaf[] memory leaves, uint256 index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        return MerkleTreeBuilder.build(TestLeaves.hashAll(leaves), index);
    }

    function _pair(RewardLeaf memory a, RewardLeaf memory b) internal pure returns (RewardLeaf[] memory leaves) {
        leaves = new RewardLeaf[](2);
        leaves[0] = a;
        leaves[1] = b;
    }

    function _claimed(address account) internal view returns (uint256 amount) {
        (amount,) = dist.claimed(pool, account);
    }

    function _owed() internal view returns (uint256) {
        return dist.poolInfo(pool).owed;
    }

    function _unallocated() internal view returns (uint256) {
        return dist.poolInfo(pool).unallocated;
    }

    /// @dev EIP-2098 compact signature of `digest` by `key`.
    function _signCompact(uint256 key, bytes32 digest) internal pure returns (bytes32 r, bytes32 vs) {
        (uint8 v, bytes32 r_, bytes32 s) = vm.sign(key, digest);
        r = r_;
        vs = bytes32(uint256(s) | (uint256(v - 27) << 255));
    }
}
