// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {Assertions} from "./DistributorTestHarness.sol";
import {FraudTrees} from "./FraudTrees.sol";
import {
    EpochCommitmentV2,
    EpochDataV2,
    PoolAccountLeaf,
    PoolLeaf,
    PostedPoolTotal,
    ReceiptNode,
    TicketLeaf,
    TicketReceiptLeaf
} from "../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../libraries/CommitmentHashing.sol";

/// @notice The file and JSON cheatcodes of Hardhat 3's EDR runner (Foundry's; there is no forge-std here). Reads
/// are allowed by `test.solidity.fsPermissions` in hardhat.config.ts (test/vectors/commitments.json only).
interface VmJson {
    function readFile(string calldata path) external view returns (string memory);
    function keyExistsJson(string calldata json, string calldata key) external view returns (bool);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
    function parseJsonAddress(string calldata json, string calldata key) external pure returns (address);
    function parseJsonBytes32(string calldata json, string calldata key) external pure returns (bytes32);
    function parseJsonBytes(string calldata json, string calldata key) external pure returns (bytes memory);
    function parseJsonBytes32Array(string calldata json, string calldata key)
        external
        pure
        returns (bytes32[] memory);
}

/// @notice CommitmentHashing against every vector of test/vectors/commitments.json (written independently with viem
/// and OpenZeppelin's merkle-tree package by scripts/vectors/generateCommitmentVectors.ts; the TypeScript library checks the
/// same file in test/protocol/commitments/commitmentVectors.test.ts): the leaf hashes, and the coherent epoch's trees
/// rebuilt from its leaves (relay receipts trees, claim tree, pool accounts trees, pools tree, ticket receipts trees,
/// tickets tree), posted totals hash and dataHash.
contract FraudCommitmentVectorsTest is Assertions {
    VmJson internal constant VM = VmJson(address(uint160(uint256(keccak256("hevm cheat code")))));
    string internal constant FILE = "test/vectors/commitments.json";

    string internal json;

    function setUp() public {
        json = VM.readFile(FILE);
    }

    // ---- JSON helpers ----

    function _key(string memory base, uint256 i) internal pure returns (string memory) {
        return string.concat(base, "[", Strings.toString(i), "]");
    }

    function _count(string memory base) internal view returns (uint256 n) {
        while (VM.keyExistsJson(json, _key(base, n))) ++n;
    }

    function _u(string memory key) internal view returns (uint256) {
        return VM.parseJsonUint(json, key);
    }

    function _h(string memory key) internal view returns (bytes32) {
        return VM.parseJsonBytes32(json, key);
    }

    function _a(string memory key) internal view returns (address) {
        return VM.parseJsonAddress(json, key);
    }

    function _receiptNode(string memory k) internal view returns (ReceiptNode memory r) {
        r.receiptId = _h(string.concat(k, ".receiptId"));
        r.ticketHash = _h(string.concat(k, ".ticketHash"));
        r.segment = uint64(_u(string.concat(k, ".segment")));
        r.chunk = uint32(_u(string.concat(k, ".chunk")));
        r.size = uint32(_u(string.concat(k, ".size")));
        r.deliveredAt = uint64(_u(string.concat(k, ".deliveredAt")));
        r.signatureHash = _h(string.concat(k, ".signatureHash"));
    }

    function _commitment(string memory k) internal view returns (EpochCommitmentV2 memory c) {
        c.epochBytes = _u(string.concat(k, ".epochBytes"));
        c.baseAmount = _u(string.concat(k, ".baseAmount"));
        c.epochAmount = _u(string.concat(k, ".epochAmount"));
        c.bonusAmount = _u(string.concat(k, ".bonusAmount"));
        c.receiptsRoot = _h(string.concat(k, ".receiptsRoot"));
        c.receiptCount = _u(string.concat(k, ".receiptCount"));
        c.prevCumulative = _u(string.concat(k, ".prevCumulative"));
    }

    function _claimLeaf(string memory k) internal view returns (bytes32) {
        return CommitmentHashing.claimLeaf(
            _a(string.concat(k, ".account")),
            _h(string.concat(k, ".poolId")),
            _u(string.concat(k, ".cumulativeAmount")),
            _h(string.concat(k, ".epochCommitment"))
        );
    }

    function _pool(string memory k) internal view returns (PoolLeaf memory p) {
        p.poolId = _h(string.concat(k, ".poolId"));
        p.total = _u(string.concat(k, ".total"));
        p.uncappedTotal = _u(string.concat(k, ".uncappedTotal"));
        p.scaleBalance = _u(string.concat(k, ".scaleBalance"));
        p.leavesRoot = _h(string.concat(k, ".leavesRoot"));
        p.leafCount = _u(string.concat(k, ".leafCount"));
    }

    function _ticket(string memory k) internal view returns (TicketLeaf memory t) {
        t.ticketHash = _h(string.concat(k, ".ticketHash"));
        t.ticketSignatureHash = _h(string.concat(k, ".ticketSignatureHash"));
        t.bytesBefore = _u(string.concat(k, ".bytesBefore"));
        t.bytesIn = _u(string.concat(k, ".bytesIn"));
        t.receiptsOfTicketRoot = _h(string.concat(k, ".receiptsOfTicketRoot"));
        t.count = _u(string.concat(k, ".count"));
        t.prevEpoch = _u(string.concat(k, ".prevEpoch"));
    }

    /// @dev A tree's `{rootHash, rootSum, length}` in the file against the tree built here.
    function _assertTree(string memory k, bytes32[] memory hashes, uint256[] memory values, string memory what)
        internal
        view
    {
        (bytes32 root, uint256 sum,) = FraudTrees.build(hashes, values, 0);
        assertEq(root, _h(string.concat(k, ".rootHash")), string.concat(what, " root hash"));
        assertEq(sum, _u(string.concat(k, ".rootSum")), string.concat(what, " root sum"));
        assertEq(hashes.length, _u(string.concat(k, ".length")), string.concat(what, " length"));
        assertEq(FraudTrees.depthOf(hashes.length), _u(string.concat(k, ".depth")), string.concat(what, " depth"));
    }

    /// @dev Sorts `hashes` and `values` by `keys` ascending (the file lists pools and tickets in another order than
    /// their trees').
    function _sortByKey(bytes32[] memory keys, bytes32[] memory hashes, uint256[] memory values) internal pure {
        for (uint256 i = 1; i < keys.length; ++i) {
            for (uint256 j = i; j > 0 && keys[j] < keys[j - 1]; --j) {
                (keys[j], keys[j - 1]) = (keys[j - 1], keys[j]);
                (hashes[j], hashes[j - 1]) = (hashes[j - 1], hashes[j]);
                (values[j], values[j - 1]) = (values[j - 1], values[j]);
            }
        }
    }

    /// @dev The calldata form of the epochCommitment hash (the verifiers' path).
    function epochCommitmentFromCalldata(EpochCommitmentV2 calldata c) external pure returns (bytes32) {
        return CommitmentHashing.epochCommitment(c);
    }

    // ---- the leaf vectors ----

    function test_signatureHash_matchesEveryVector() public view {
        uint256 n = _count(".signatures");
        assertEq(n, 2, "signature vectors");
        for (uint256 i; i < n; ++i) {
            string memory k = _key(".signatures", i);
            bytes memory sig = VM.parseJsonBytes(json, string.concat(k, ".signature"));
            assertEq(keccak256(sig), _h(string.concat(k, ".hash")), k);
        }
    }

    function test_receiptNode_matchesEveryVector() public view {
        uint256 n = _count(".receiptNodes");
        assertEq(n, 3, "receipt node vectors");
        for (uint256 i; i < n; ++i) {
            string memory k = _key(".receiptNodes", i);
            assertEq(CommitmentHashing.receiptNode(_receiptNode(k)), _h(string.concat(k, ".hash")), k);
        }
    }

    function test_epochCommitment_matchesEveryVectorFromMemoryAndCalldata() public view {
        uint256 n = _count(".epochCommitments");
        assertEq(n, 3, "epoch commitment vectors");
        for (uint256 i; i < n; ++i) {
            string memory k = _key(".epochCommitments", i);
            EpochCommitmentV2 memory c = _commitment(k);
            bytes32 expected = _h(string.concat(k, ".hash"));
            assertEq(CommitmentHashing.epochCommitmentOf(c), expected, string.concat(k, " memory"));
            assertEq(this.epochCommitmentFromCalldata(c), expected, string.concat(k, " calldata"));
        }
    }

    function test_claimLeaf_matchesEveryVector() public view {
        uint256 n = _count(".claimLeaves");
        assertEq(n, 5, "claim leaf vectors");
        for (uint256 i; i < n; ++i) {
            string memory k = _key(".claimLeaves", i);
            assertEq(_claimLeaf(k), _h(string.concat(k, ".hash")), k);
        }
    }

    // ---- the coherent epoch ----

    function test_epoch_relayReceiptsTreesMatchTheirCommitments() public view {
        uint256 receipts = _count(".epoch.receipts");
        uint256 claims = _count(".epoch.claims");
        assertEq(claims, 5, "epoch claims");
        uint256 credited;
        for (uint256 c; c < claims; ++c) {
            string memory k = _key(".epoch.claims", c);
            EpochCommitmentV2 memory commitment = _commitment(string.concat(k, ".commitment"));
            assertEq(
                CommitmentHashing.epochCommitmentOf(commitment),
                _h(string.concat(k, ".epochCommitment")),
                string.concat(k, " epochCommitment")
            );
            bytes32[] memory ids = VM.parseJsonBytes32Array(json, string.concat(k, ".receiptIds"));
            bytes32[] memory hashes = new bytes32[](ids.length);
            uint256[] memory sizes = new uint256[](ids.length);
            for (uint256 j; j < ids.length; ++j) {
                if (j > 0) assertTrue(ids[j - 1] < ids[j], string.concat(k, " receipts ascending by id"));
                uint256 r;
                while (_h(string.concat(_key(".epoch.receipts", r), ".receiptId")) != ids[j]) {
                    ++r;
                    assertTrue(r < receipts, string.concat(k, " names a receipt of the epoch"));
                }
                ReceiptNode memory node = _receiptNode(_key(".epoch.receipts", r));
                (hashes[j], sizes[j]) = (CommitmentHashing.receiptNode(node), node.size);
            }
            credited += ids.length;
            _assertTree(string.concat(k, ".relayTree"), hashes, sizes, k);
            (bytes32 root, uint256 sum,) = FraudTrees.build(hashes, sizes, 0);
            assertEq(root, commitment.receiptsRoot, string.concat(k, " receiptsRoot"));
            assertEq(sum, commitment.epochBytes, string.concat(k, " epochBytes"));
            assertEq(ids.length, commitment.receiptCount, string.concat(k, " receiptCount"));
        }
        assertEq(credited, receipts, "every receipt credited once");
    }

    function test_epoch_claimTreeProvesEveryLeaf() public view {
        bytes32 root = _h(".epoch.claimRoot");
        uint256 claims = _count(".epoch.claims");
        for (uint256 c; c < claims; ++c) {
            string memory k = _key(".epoch.claims", c);
            bytes32 leaf = _claimLeaf(k);
            assertEq(leaf, _h(string.concat(k, ".leafHash")), string.concat(k, " leaf hash"));
            bytes32[] memory proof = VM.parseJsonBytes32Array(json, string.concat(k, ".proof"));
            assertTrue(MerkleProof.verify(proof, root, leaf), string.concat(k, " in the claim root"));
        }
    }

    function test_epoch_poolsTreesMatch() public view {
        uint256 pools = _count(".epoch.pools");
        assertEq(pools, 2, "epoch pools");
        bytes32[] memory poolIds = new bytes32[](pools);
        bytes32[] memory poolHashes = new bytes32[](pools);
        uint256[] memory totals = new uint256[](pools);
        for (uint256 p; p < pools; ++p) {
            string memory k = _key(".epoch.pools", p);
            PoolLeaf memory pool = _pool(k);
            uint256 n = _count(string.concat(k, ".accounts"));
            bytes32[] memory hashes = new bytes32[](n);
            uint256[] memory values = new uint256[](n);
            uint256 base;
            uint256 amount;
            for (uint256 a; a < n; ++a) {
                string memory ka = _key(string.concat(k, ".accounts"), a);
                PoolAccountLeaf memory leaf = PoolAccountLeaf(
                    _a(string.concat(ka, ".account")),
                    _u(string.concat(ka, ".cumulativeAmount")),
                    _h(string.concat(ka, ".epochCommitment"))
                );
                hashes[a] = CommitmentHashing.poolAccountLeaf(leaf);
                assertEq(hashes[a], _h(string.concat(ka, ".hash")), ka);
                bool ok;
                (ok, values[a]) =
                    CommitmentHashing.poolAccountValue(_u(string.concat(ka, ".baseAmount")), _u(string.concat(ka, ".amount")), 0);
                assertTrue(ok, string.concat(ka, " value fits"));
                base += _u(string.concat(ka, ".baseAmount"));
                amount += _u(string.concat(ka, ".amount"));
            }
            _assertTree(string.concat(k, ".leavesTree"), hashes, values, string.concat(k, " leaves"));
            (bytes32 leavesRoot, uint256 sum,) = FraudTrees.build(hashes, values, 0);
            assertEq(leavesRoot, pool.leavesRoot, string.concat(k, " leavesRoot"));
            assertEq(n, pool.leafCount, string.concat(k, " leafCount"));
            assertEq(sum, pool.uncappedTotal << 128 | pool.total, string.concat(k, " packed totals"));
            assertEq(base, pool.uncappedTotal, string.concat(k, " uncappedTotal"));
            assertEq(amount, pool.total, string.concat(k, " total"));
            poolHashes[p] = CommitmentHashing.poolLeaf(pool);
            assertEq(poolHashes[p], _h(string.concat(k, ".hash")), string.concat(k, " hash"));
            (poolIds[p], totals[p]) = (pool.poolId, pool.total);
        }
        _sortByKey(poolIds, poolHashes, totals);
        _assertTree(".epoch.poolsTree", poolHashes, totals, "pools tree");
        assertEq(_h(".epoch.poolsTree.rootHash"), _h(".epoch.data.poolsRoot"), "poolsRoot");
        assertEq(pools, _u(".epoch.data.poolsCount"), "poolsCount");
    }

    function test_epoch_ticketsTreesMatch() public view {
        uint256 tickets = _count(".epoch.tickets");
        assertEq(tickets, 3, "epoch tickets");
        bytes32[] memory keys = new bytes32[](tickets);
        bytes32[] memory ticketHashes = new bytes32[](tickets);
        uint256[] memory bytesIn = new uint256[](tickets);
        for (uint256 t; t < tickets; ++t) {
            string memory k = _key(".epoch.tickets", t);
            TicketLeaf memory ticket = _ticket(k);
            uint256 n = _count(string.concat(k, ".receipts"));
            bytes32[] memory hashes = new bytes32[](n);
            uint256[] memory sizes = new uint256[](n);
            for (uint256 r; r < n; ++r) {
                string memory kr = _key(string.concat(k, ".receipts"), r);
                TicketReceiptLeaf memory leaf = TicketReceiptLeaf(
                    uint64(_u(string.concat(kr, ".segment"))),
                    uint32(_u(string.concat(kr, ".chunk"))),
                    _a(string.concat(kr, ".relay")),
                    _h(string.concat(kr, ".receiptId"))
                );
                hashes[r] = CommitmentHashing.ticketReceiptLeaf(leaf);
                sizes[r] = _u(string.concat(kr, ".size"));
                assertEq(hashes[r], _h(string.concat(kr, ".hash")), kr);
            }
            _assertTree(string.concat(k, ".receiptsTree"), hashes, sizes, string.concat(k, " receipts"));
            (bytes32 root, uint256 sum,) = FraudTrees.build(hashes, sizes, 0);
            assertEq(root, ticket.receiptsOfTicketRoot, string.concat(k, " receiptsOfTicketRoot"));
            assertEq(sum, ticket.bytesIn, string.concat(k, " bytesIn"));
            assertEq(n, ticket.count, string.concat(k, " count"));
            ticketHashes[t] = CommitmentHashing.ticketLeaf(ticket);
            assertEq(ticketHashes[t], _h(string.concat(k, ".hash")), string.concat(k, " hash"));
            (keys[t], bytesIn[t]) = (ticket.ticketHash, ticket.bytesIn);
        }
        _sortByKey(keys, ticketHashes, bytesIn);
        _assertTree(".epoch.ticketsTree", ticketHashes, bytesIn, "tickets tree");
        assertEq(_h(".epoch.ticketsTree.rootHash"), _h(".epoch.data.ticketsRoot"), "ticketsRoot");
        assertEq(tickets, _u(".epoch.data.ticketsCount"), "ticketsCount");
    }

    function test_epoch_postedTotalsAndDataHashMatch() public view {
        uint256 n = _count(".epoch.posted");
        assertEq(n, 2, "posted totals");
        PostedPoolTotal[] memory posted = new PostedPoolTotal[](n);
        for (uint256 i; i < n; ++i) {
            string memory k = _key(".epoch.posted", i);
            posted[i] = PostedPoolTotal(
                _h(string.concat(k, ".poolId")),
                _u(string.concat(k, ".total")),
                _u(string.concat(k, ".uncappedTotal")),
                _u(string.concat(k, ".scaleBalance"))
            );
        }
        assertEq(CommitmentHashing.poolTotalsHash(posted), _h(".epoch.data.poolTotalsHash"), "poolTotalsHash");
        EpochDataV2 memory d = EpochDataV2(
            _a(".epoch.data.aggregator"),
            _h(".epoch.data.bundleHash"),
            _h(".epoch.data.poolTotalsHash"),
            _h(".epoch.data.poolsRoot"),
            _u(".epoch.data.poolsCount"),
            _h(".epoch.data.ticketsRoot"),
            _u(".epoch.data.ticketsCount")
        );
        bytes32 expected = _h(".epoch.dataHash");
        assertEq(CommitmentHashing.epochDataHash(d), expected, "epoch data hash");
        assertEq(bytes32(CommitmentHashing.dataHash(d)), expected & bytes32(type(uint256).max << 40), "stored dataHash");
    }
}
