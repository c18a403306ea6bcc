// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Assertions, vm} from "./DistributorTestHarness.sol";
import {PositionSumTreeHarness} from "./PositionSumTreeHarness.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice The cheatcode that records a computed figure next to the measured calls.
interface SnapshotValueVm {
    function snapshotValue(string calldata group, string calldata name, uint256 value) external;
}

/// @notice Deterministic gas of PositionSumTree.verify at depth 16 (2^16 receipts behind one relay) and depth 20 (a
/// million leaves), for `npx hardhat test solidity --snapshot`: the call's execution gas
/// (snapshots/PositionSumTree.json, `verify_depth*`) and the calldata gas of the same call's arguments at 16 gas a
/// nonzero byte and 4 a zero byte (`verifyCalldata_depth*`), which a fraud proof pays on top.
contract PositionSumTreeGasTest is Assertions {
    PositionSumTreeHarness internal harness;

    function setUp() public {
        harness = new PositionSumTreeHarness();
    }

    /// @dev A full tree of 2^depth leaves; the leaf at an index alternating sides; siblings of random hashes and
    /// receipt-sized sums (below 2^32 per leaf, so a subtree at level k sums below 2^(32+k)).
    function _proof(uint256 depth)
        internal
        pure
        returns (bytes32 root, bytes32 leafHash, uint256 value, uint256 index, PositionSumTree.Node[] memory proof)
    {
        index = 0xA5A5A & ((uint256(1) << depth) - 1);
        leafHash = keccak256(abi.encode("leaf", depth));
        value = 1_048_576;
        proof = new PositionSumTree.Node[](depth);
        root = leafHash;
        uint256 sum = value;
        for (uint256 k; k < depth; ++k) {
            proof[k] = PositionSumTree.Node({
                hash: keccak256(abi.encode("sibling", depth, k)),
                sum: uint256(keccak256(abi.encode("sum", depth, k))) >> (224 - k)
            });
            root = (index >> k) & 1 == 0
                ? keccak256(abi.encode(root, sum, proof[k].hash, proof[k].sum))
                : keccak256(abi.encode(proof[k].hash, proof[k].sum, root, sum));
            sum += proof[k].sum;
        }
    }

    function _measure(uint256 depth) internal {
        (bytes32 root, bytes32 leafHash, uint256 value, uint256 index, PositionSumTree.Node[] memory proof) =
            _proof(depth);
        uint256 length = uint256(1) << depth;
        harness.verify(root, length, leafHash, value, index, proof);
        string memory name = depth == 16 ? "verify_depth16" : "verify_depth20";
        vm.snapshotGasLastCall("PositionSumTree", name);
        bytes memory data = abi.encodeCall(harness.verify, (root, length, leafHash, value, index, proof));
        uint256 calldataGas;
        for (uint256 i; i < data.length; ++i) {
            calldataGas += data[i] == 0 ? 4 : 16;
        }
        SnapshotValueVm(address(vm)).snapshotValue(
            "PositionSumTree", depth == 16 ? "verifyCalldata_depth16" : "verifyCalldata_depth20", calldataGas
        );
        assertEq(data.length, 4 + 32 * 7 + 64 * depth, "calldata length");
    }

    function test_gas_verify_depth16() public {
        _measure(16);
    }

    function test_gas_verify_depth20() public {
        _measure(20);
    }
}
