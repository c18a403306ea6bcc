// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {Assertions, MerkleTreeBuilder, vm} from "./DistributorTestHarness.sol";
import {FraudProofSourceHarness} from "./FraudProofSourceHarness.sol";
import {FraudTrees} from "./FraudTrees.sol";
import {FraudProver} from "../FraudProver.sol";
import {
    AmountProof,
    BadSignatureProof,
    BadTicketProof,
    ClaimLeafV2,
    ClaimMembership,
    CumulativeProof,
    DuplicateProof,
    EpochCommitmentV2,
    EpochDataV2,
    MaxBytesProof,
    PoolAccountLeaf,
    PoolLeaf,
    PoolTotalProof,
    PostedPoolTotal,
    ReceiptMembership,
    ReceiptNode,
    RelayTotalProof,
    SumPath,
    TicketLeaf,
    TicketReceiptLeaf
} from "../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../libraries/CommitmentHashing.sol";
import {FraudHistoryVerifier} from "../libraries/fraud/FraudHistoryVerifier.sol";
import {FraudReceiptVerifier} from "../libraries/fraud/FraudReceiptVerifier.sol";
import {FraudTotalsVerifier} from "../libraries/fraud/FraudTotalsVerifier.sol";
import {ChunkReceipt, MeshpayHashing, ViewerTicket} from "../libraries/MeshpayHashing.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice One epoch built in Solidity with real trees, honest or with one fault, and the proofs of every kind
/// against it. One pool, one viewer ticket, four receipts (0 and 1 delivered by relay A, 2 and 3 by relay B), so
/// two claim leaves, a pools tree of one pool with two accounts and a tickets tree of one ticket with four receipts.
/// `*Pad` parameters lengthen a tree's paths (for gas at real depths; a padded tree is only used for a faulty epoch).
abstract contract FraudFixture is Assertions {
    uint256 internal constant GENESIS = 1_700_000_000;
    uint256 internal constant EPOCH_SECONDS = 3600;
    uint256 internal constant VIEWER_KEY = 0xA11CE;
    uint256 internal constant SIGNER_KEY = 0xB0B;
    uint256 internal constant OTHER_KEY = 0xE11E;
    bytes32 internal constant POOL = keccak256("fraud-fixture-pool");
    address internal constant RELAY_A = address(0xA0);
    address internal constant RELAY_B = address(0xB0);
    uint256 internal constant POST_SEQ = 7;

    uint8 internal constant T_NONE = 0;
    uint8 internal constant T_BAD_SIGNATURE = 1;
    uint8 internal constant T_BAD_TICKET = 2;
    uint8 internal constant T_DUPLICATE = 3;
    uint8 internal constant T_RELAY_TOTAL = 4;
    uint8 internal constant T_AMOUNT = 5;
    uint8 internal constant T_CUMULATIVE = 6;
    uint8 internal constant T_POOL_TOTAL = 7;
    uint8 internal constant T_MAX_BYTES = 8;

    bytes32 private constant _DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

    FraudProofSourceHarness internal source;
    FraudProver internal prover;

    struct Params {
        uint256 epoch;
        uint256 price; // token base units per 1e9 bytes
        uint256 scaleBalance;
        uint32[4] sizes;
        uint256 prevA; // relay A's cumulative before this epoch
        uint256 prevB; // relay B's (0 in _params: a first leaf)
        uint8 tamper;
        uint256 claimPad;
        uint256 receiptPad;
        uint256 leavesPad;
        uint256 ticketPad;
        // ---- history and tree shapes (FraudProverModes.t.sol); _params gives the honest single-epoch defaults ----
        bytes32 pool;
        address relayA;
        address relayB;
        uint64 segmentBase; // receipts' segments are segmentBase + i
        uint256 ticketStartsBefore; // the ticket's window starts this many epochs before `epoch`...
        uint256 ticketEpochs; // ...and lasts this many epochs (a ticket shared by consecutive epochs)
        uint256 ticketBytesBefore;
        bool ticketHasPrev;
        uint256 ticketPrevEpoch; // the tickets-tree leaf's prevEpoch when ticketHasPrev, else `epoch`
        uint8 ticketTree; // TT_* below
        uint8 accountsTree; // AT_* below
        uint256 relayCountA; // relay A's receiptCount when not 0
        uint256 leafCount; // the pool's leafCount when not 0
        bytes32 extraPool; // a second pools-tree leaf (no accounts) when not 0
        bool extraPoolFirst; // ... placed before the fixture's pool
        bytes32 extraPosted; // a posted total of a pool with no pools-tree leaf when not 0
    }

    // Ticket receipts tree shapes: honest; count 3 over 4 receipts (non-empty padding); the 4th slot empty with count 4
    // (an empty real slot); the inner node (1, 1) records its children's sum + 1 (bytesIn follows the root); the last
    // receipt dropped (3 receipts, count 3); the tickets-tree leaf keyed by another ticketHash (ticketHash ^ 1); the
    // first receipt's relay swapped.
    uint8 internal constant TT_HONEST = 0;
    uint8 internal constant TT_COUNT_LOW = 1;
    uint8 internal constant TT_EMPTY_SLOT = 2;
    uint8 internal constant TT_NODE_SUM = 3;
    uint8 internal constant TT_DROP_LAST = 4;
    uint8 internal constant TT_OTHER_HASH = 5;
    uint8 internal constant TT_OTHER_RELAY = 6;
    // Pool accounts tree shapes: honest; relay B's leaf keyed by ACCOUNT_GAP instead (B absent); relay B's leaf with
    // cumulativeAmount + 1.
    uint8 internal constant AT_HONEST = 0;
    uint8 internal constant AT_B_ABSENT = 1;
    uint8 internal constant AT_B_OTHER_CUMULATIVE = 2;
    address internal constant ACCOUNT_GAP = address(0xB8);

    struct World {
        Params p;
        ViewerTicket ticket;
        bytes32 ticketHash;
        bytes ticketSig;
        ChunkReceipt[4] receipts;
        bytes[4] sigs;
        ReceiptNode[4] nodes;
        uint256[4] position; // in its relay's receipts tree
        PositionSumTree.Node[][4] receiptPaths;
        EpochCommitmentV2[2] commitments;
        ClaimLeafV2[2] leaves;
        bytes32 claimRoot;
        bytes32[][2] claimProofs;
        PoolAccountLeaf[2] accounts;
        uint256[2] accountValues;
        PositionSumTree.Node[][2] accountPaths;
        PoolLeaf pool;
        PositionSumTree.Node[] poolPath;
        TicketReceiptLeaf[4] ticketReceipts; // sorted by (segment, chunk)
        uint256[4] ticketReceiptValues;
        PositionSumTree.Node[][4] ticketReceiptPaths;
        TicketLeaf ticketLeaf;
        PositionSumTree.Node[] ticketPath;
        PostedPoolTotal[] posted;
        EpochDataV2 data;
        uint256 poolIndex; // the fixture pool's index in the pools tree
        PoolLeaf extra; // the extra pool's leaf (Params.extraPool)
        uint256 extraIndex;
        PositionSumTree.Node[] extraPath;
        bytes32[] ticketReceiptHashes; // the ticket receipts tree's leaves as built (for openings)
        uint256[] ticketReceiptSizes;
    }

    function _deployProver() internal {
        source = new FraudProofSourceHarness(GENESIS, EPOCH_SECONDS, 1 ether);
        prover = new FraudProver(
            source,
            new FraudReceiptVerifier(),
            new FraudTotalsVerifier(),
            new FraudHistoryVerifier()
        );
        source.setProver(address(prover));
    }

    function _params(uint8 tamper) internal pure returns (Params memory p) {
        p.epoch = 5;
        p.price = 2_000_000_000; // 2 token units a byte... per 1e9 bytes: 2e9 base units
        p.scaleBalance = 1e30;
        p.sizes = [uint32(1_000_000), 500_000, 750_000, 250_000];
        p.prevA = 12345;
        p.tamper = tamper;
        p.pool = POOL;
        p.relayA = RELAY_A;
        p.relayB = RELAY_B;
        p.ticketEpochs = 1;
    }

    function _domain() internal view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, keccak256("meshpay"), keccak256("1"), block.chainid, source));
    }

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return bytes.concat(r, s, bytes1(v));
    }

    /// @dev Builds the epoch and posts it to the source harness (pending, POST_SEQ).
    function _world(Params memory p) internal returns (World memory w) {
        w.p = p;
        uint256 t0 = GENESIS + p.epoch * EPOCH_SECONDS;
        _ticketAndReceipts(w, t0);
        _relayTrees(w);
        _claimTree(w);
        _poolTree(w);
        _ticketTree(w);
        w.posted = new PostedPoolTotal[](p.extraPosted == bytes32(0) ? 1 : 2);
        w.posted[0] = PostedPoolTotal(p.pool, w.pool.total, w.pool.uncappedTotal, w.pool.scaleBalance);
        if (p.extraPosted != bytes32(0)) w.posted[1] = PostedPoolTotal(p.extraPosted, 0, 0, p.scaleBalance);
        w.data.poolTotalsHash = CommitmentHashing.poolTotalsHash(w.posted);
        w.data.aggregator = address(0xA66);
        w.data.bundleHash = keccak256("bundle");
        source.setPost(p.epoch, w.claimRoot, CommitmentHashing.dataHash(w.data), POST_SEQ, 1);
        source.setPrice(p.pool, p.epoch, p.price);
        source.setSigner(p.pool, vm.addr(SIGNER_KEY));
    }

    function _ticketAndReceipts(World memory w, uint256 t0) private view {
        uint256 total = uint256(w.p.sizes[0]) + w.p.sizes[1] + w.p.sizes[2] + w.p.sizes[3];
        uint256 from = t0 - w.p.ticketStartsBefore * EPOCH_SECONDS;
        w.ticket = ViewerTicket({
            poolId: w.p.pool,
            streamId: keccak256("stream"),
            viewer: vm.addr(VIEWER_KEY),
            notBefore: uint64(from * 1000),
            notAfter: uint64((from + w.p.ticketEpochs * EPOCH_SECONDS) * 1000),
            maxBytes: uint64(w.p.tamper == T_MAX_BYTES ? total - 1 : total * 4)
        });
        w.ticketHash = MeshpayHashing.hashTicket(w.ticket);
        bytes32 ticketDigest = MessageHashUtils.toTypedDataHash(_domain(), w.ticketHash);
        w.ticketSig = _sign(w.p.tamper == T_BAD_TICKET ? OTHER_KEY : SIGNER_KEY, ticketDigest);
        for (uint256 i; i < 4; ++i) {
            ChunkReceipt memory r = ChunkReceipt({
                poolId: w.p.pool,
                ticketHash: w.ticketHash,
                relay: i < 2 ? w.p.relayA : w.p.relayB,
                segment: w.p.segmentBase + uint64(w.p.tamper == T_DUPLICATE && i == 2 ? 0 : i),
                chunk: 0,
                chunkHash: keccak256(abi.encode("chunk", i)),
                size: w.p.sizes[i],
                deliveredAt: uint64((t0 + 10 + i) * 1000)
            });
            bytes32 receiptId = MessageHashUtils.toTypedDataHash(_domain(), MeshpayHashing.hashReceipt(r));
            w.receipts[i] = r;
            w.sigs[i] = _sign(w.p.tamper == T_BAD_SIGNATURE && i == 0 ? OTHER_KEY : VIEWER_KEY, receiptId);
            w.nodes[i] = ReceiptNode({
                receiptId: receiptId,
                ticketHash: w.ticketHash,
                segment: r.segment,
                chunk: r.chunk,
                size: r.size,
                deliveredAt: r.deliveredAt,
                signatureHash: keccak256(w.sigs[i])
            });
        }
    }

    function _relayTrees(World memory w) private pure {
        uint256[2] memory base;
        uint256 uncapped;
        for (uint256 r; r < 2; ++r) {
            (uint256 a, uint256 b) = (2 * r, 2 * r + 1);
            if (w.nodes[b].receiptId < w.nodes[a].receiptId) (a, b) = (b, a);
            bytes32[] memory hashes = new bytes32[](2);
            uint256[] memory values = new uint256[](2);
            hashes[0] = CommitmentHashing.receiptNode(w.nodes[a]);
            hashes[1] = CommitmentHashing.receiptNode(w.nodes[b]);
            values[0] = w.nodes[a].size;
            values[1] = w.nodes[b].size;
            (bytes32 root, uint256 sum, PositionSumTree.Node[] memory pathA) = FraudTrees.build(hashes, values, 0);
            (,, PositionSumTree.Node[] memory pathB) = FraudTrees.build(hashes, values, 1);
            uint256 count = 2;
            if (r == 0 && w.p.receiptPad != 0) {
                PositionSumTree.Node[] memory extra;
                (root, sum, extra) = FraudTrees.extend(root, sum, w.p.receiptPad, "receipts", false);
                pathA = FraudTrees.concat(pathA, extra);
                pathB = FraudTrees.concat(pathB, extra);
                count = uint256(1) << (1 + w.p.receiptPad);
            }
            (w.position[a], w.position[b]) = (0, 1);
            (w.receiptPaths[a], w.receiptPaths[b]) = (pathA, pathB);
            EpochCommitmentV2 memory c = w.commitments[r];
            c.epochBytes = w.p.tamper == T_RELAY_TOTAL && r == 0 ? sum + 1 : sum;
            c.baseAmount = c.epochBytes * w.p.price / 1e9;
            c.receiptsRoot = root;
            c.receiptCount = r == 0 && w.p.relayCountA != 0 ? w.p.relayCountA : count;
            c.prevCumulative = r == 0 ? w.p.prevA : w.p.prevB;
            base[r] = c.baseAmount;
            uncapped += c.baseAmount;
        }
        for (uint256 r; r < 2; ++r) {
            EpochCommitmentV2 memory c = w.commitments[r];
            c.epochAmount =
                uncapped <= w.p.scaleBalance ? base[r] : base[r] * w.p.scaleBalance / uncapped;
            if (w.p.tamper == T_AMOUNT && r == 0) c.epochAmount += 1;
            uint256 cumulative = c.prevCumulative + c.epochAmount + c.bonusAmount;
            if (w.p.tamper == T_CUMULATIVE && r == 0) cumulative += 1;
            w.leaves[r] = ClaimLeafV2(
                r == 0 ? w.p.relayA : w.p.relayB, w.p.pool, cumulative, CommitmentHashing.epochCommitmentOf(c)
            );
        }
    }

    function _claimTree(World memory w) private pure {
        bytes32[] memory hashes = new bytes32[](2);
        hashes[0] = CommitmentHashing.claimLeafOf(w.leaves[0]);
        hashes[1] = CommitmentHashing.claimLeafOf(w.leaves[1]);
        (bytes32 root, bytes32[] memory proof0) = MerkleTreeBuilder.build(hashes, 0);
        (, bytes32[] memory proof1) = MerkleTreeBuilder.build(hashes, 1);
        if (w.p.claimPad != 0) {
            bytes32[] memory p0 = new bytes32[](1 + w.p.claimPad);
            bytes32[] memory p1 = new bytes32[](1 + w.p.claimPad);
            (p0[0], p1[0]) = (proof0[0], proof1[0]);
            for (uint256 k; k < w.p.claimPad; ++k) {
                bytes32 sibling = keccak256(abi.encode("claims", k));
                (p0[k + 1], p1[k + 1]) = (sibling, sibling);
                root = MerkleTreeBuilder.hashPair(root, sibling);
            }
            (proof0, proof1) = (p0, p1);
        }
        w.claimRoot = root;
        (w.claimProofs[0], w.claimProofs[1]) = (proof0, proof1);
    }

    function _poolTree(World memory w) private pure {
        bytes32[] memory hashes = new bytes32[](2);
        uint256[] memory values = new uint256[](2);
        for (uint256 r; r < 2; ++r) {
            EpochCommitmentV2 memory c = w.commitments[r];
            w.accounts[r] = PoolAccountLeaf(w.leaves[r].account, w.leaves[r].cumulativeAmount, w.leaves[r].epochCommitment);
            if (r == 1 && w.p.accountsTree == AT_B_ABSENT) w.accounts[r].account = ACCOUNT_GAP;
            if (r == 1 && w.p.accountsTree == AT_B_OTHER_CUMULATIVE) w.accounts[r].cumulativeAmount += 1;
            (, w.accountValues[r]) = CommitmentHashing.poolAccountValue(c.baseAmount, c.epochAmount, c.bonusAmount);
            hashes[r] = CommitmentHashing.poolAccountLeaf(w.accounts[r]);
            values[r] = w.accountValues[r];
        }
        (bytes32 root, uint256 sum, PositionSumTree.Node[] memory path0) = FraudTrees.build(hashes, values, 0);
        (,, PositionSumTree.Node[] memory path1) = FraudTrees.build(hashes, values, 1);
        uint256 count = 2;
        if (w.p.leavesPad != 0) {
            PositionSumTree.Node[] memory extra;
            (root, sum, extra) = FraudTrees.extend(root, sum, w.p.leavesPad, "leaves", true);
            path0 = FraudTrees.concat(path0, extra);
            path1 = FraudTrees.concat(path1, extra);
            count = uint256(1) << (1 + w.p.leavesPad);
        }
        (w.accountPaths[0], w.accountPaths[1]) = (path0, path1);
        if (w.p.leafCount != 0) count = w.p.leafCount;
        w.pool = PoolLeaf({
            poolId: w.p.pool,
            total: (sum & type(uint128).max) + (w.p.tamper == T_POOL_TOTAL ? 1 : 0),
            uncappedTotal: sum >> 128,
            scaleBalance: w.p.scaleBalance,
            leavesRoot: root,
            leafCount: count
        });
        w.data.poolsRoot = CommitmentHashing.poolLeaf(w.pool);
        w.data.poolsCount = 1;
        w.poolPath = new PositionSumTree.Node[](0);
        if (w.p.extraPool != bytes32(0)) {
            w.extra = PoolLeaf(w.p.extraPool, 0, 0, w.p.scaleBalance, bytes32(0), 0);
            (w.poolIndex, w.extraIndex) = w.p.extraPoolFirst ? (uint256(1), uint256(0)) : (uint256(0), uint256(1));
            bytes32[] memory leaves = new bytes32[](2);
            uint256[] memory totals = new uint256[](2);
            (leaves[w.poolIndex], totals[w.poolIndex]) = (CommitmentHashing.poolLeaf(w.pool), w.pool.total);
            (leaves[w.extraIndex], totals[w.extraIndex]) = (CommitmentHashing.poolLeaf(w.extra), 0);
            (w.data.poolsRoot,, w.poolPath) = FraudTrees.build(leaves, totals, w.poolIndex);
            (,, w.extraPath) = FraudTrees.build(leaves, totals, w.extraIndex);
            w.data.poolsCount = 2;
        }
    }

    function _ticketTree(World memory w) private pure {
        uint256[4] memory idx = [uint256(0), 1, 2, 3];
        for (uint256 i = 1; i < 4; ++i) {
            for (uint256 j = i; j > 0 && _key(w, idx[j]) < _key(w, idx[j - 1]); --j) {
                (idx[j], idx[j - 1]) = (idx[j - 1], idx[j]);
            }
        }
        bytes32[] memory hashes = new bytes32[](4);
        uint256[] memory values = new uint256[](4);
        for (uint256 k; k < 4; ++k) {
            ChunkReceipt memory r = w.receipts[idx[k]];
            w.ticketReceipts[k] = TicketReceiptLeaf(r.segment, r.chunk, r.relay, w.nodes[idx[k]].receiptId);
            if (k == 0 && w.p.ticketTree == TT_OTHER_RELAY) {
                w.ticketReceipts[k].relay = r.relay == w.p.relayA ? w.p.relayB : w.p.relayA;
            }
            w.ticketReceiptValues[k] = r.size;
            hashes[k] = CommitmentHashing.ticketReceiptLeaf(w.ticketReceipts[k]);
            values[k] = r.size;
        }
        uint256 count = 4;
        uint8 shape = w.p.ticketTree;
        if (shape == TT_COUNT_LOW) count = 3;
        if (shape == TT_EMPTY_SLOT) (hashes[3], values[3]) = (bytes32(0), 0);
        if (shape == TT_DROP_LAST) {
            count = 3;
            assembly ("memory-safe") {
                mstore(hashes, 3)
                mstore(values, 3)
            }
        }
        (w.ticketReceiptHashes, w.ticketReceiptSizes) = (hashes, values);
        FraudTrees.Opened memory o;
        for (uint256 k; k < hashes.length; ++k) {
            o = _ticketOpening(w, 0, k);
            w.ticketReceiptPaths[k] = o.siblings;
        }
        w.ticketLeaf = TicketLeaf({
            ticketHash: shape == TT_OTHER_HASH ? w.ticketHash ^ bytes32(uint256(1)) : w.ticketHash,
            ticketSignatureHash: keccak256(w.ticketSig),
            bytesBefore: w.p.ticketBytesBefore,
            bytesIn: o.sum,
            receiptsOfTicketRoot: o.root,
            count: count,
            prevEpoch: w.p.ticketHasPrev ? w.p.ticketPrevEpoch : w.p.epoch
        });
        uint256 sum = o.sum;
        bytes32 ticketsRoot = CommitmentHashing.ticketLeaf(w.ticketLeaf);
        uint256 ticketsCount = 1;
        w.ticketPath = new PositionSumTree.Node[](0);
        if (w.p.ticketPad != 0) {
            (ticketsRoot,, w.ticketPath) = FraudTrees.extend(ticketsRoot, sum, w.p.ticketPad, "tickets", false);
            ticketsCount = uint256(1) << w.p.ticketPad;
        }
        w.data.ticketsRoot = ticketsRoot;
        w.data.ticketsCount = ticketsCount;
    }

    /// @dev The ticket receipts tree's node (level, index) as built (TT_NODE_SUM's tampered node included).
    function _ticketOpening(World memory w, uint256 level, uint256 index)
        internal
        pure
        returns (FraudTrees.Opened memory)
    {
        bool bad = w.p.ticketTree == TT_NODE_SUM;
        return FraudTrees.open(
            w.ticketReceiptHashes, w.ticketReceiptSizes, level, index, bad ? 1 : 0, bad ? 1 : 0, bad ? 1 : 0
        );
    }

    function _key(World memory w, uint256 i) private pure returns (uint256) {
        return uint256(w.receipts[i].segment) << 32 | w.receipts[i].chunk;
    }

    // ---- proof parts ----

    function _path(uint256 index, uint256 value, PositionSumTree.Node[] memory siblings)
        internal
        pure
        returns (SumPath memory)
    {
        return SumPath(index, value, siblings);
    }

    function _claimOf(World memory w, uint256 r) internal pure returns (ClaimMembership memory c) {
        c.leaf = w.leaves[r];
        c.proof = w.claimProofs[r];
        c.commitment = w.commitments[r];
    }

    function _credited(World memory w, uint256 i) internal pure returns (ReceiptMembership memory m) {
        m.claim = _claimOf(w, i / 2);
        m.node = w.nodes[i];
        m.path = _path(w.position[i], w.nodes[i].size, w.receiptPaths[i]);
    }

    function _ticketSumPath(World memory w) internal pure returns (SumPath memory) {
        return _path(0, w.ticketLeaf.bytesIn, w.ticketPath);
    }

    function _poolSumPath(World memory w) internal pure returns (SumPath memory) {
        return _path(w.poolIndex, w.pool.total, w.poolPath);
    }

    // ---- one proof per kind (the first mode that the fixture's fault shows) ----

    function _badSignatureProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        BadSignatureProof memory p;
        p.credited = _credited(w, i);
        p.receipt = w.receipts[i];
        p.signature = w.sigs[i];
        p.ticket = w.ticket;
        return abi.encode(p);
    }

    function _badTicketProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        BadTicketProof memory p;
        p.credited = _credited(w, i);
        p.receipt = w.receipts[i];
        p.ticket = w.ticket;
        p.ticketSignature = w.ticketSig;
        p.data = w.data;
        p.ticketLeaf = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        return abi.encode(p);
    }

    /// @dev Mode 0: receipt `i` against receipt `j` of the same epoch.
    function _duplicateProof(World memory w, uint256 i, uint256 j) internal pure returns (bytes memory) {
        DuplicateProof memory p;
        p.otherEpoch = w.p.epoch;
        p.first = _credited(w, i);
        p.second = _credited(w, j);
        return abi.encode(p);
    }

    /// @dev Mode 1: ticket receipts at positions `i < j` of the ticket's tree.
    function _duplicateOrderProof(World memory w, uint256 i, uint256 j) internal pure returns (bytes memory) {
        DuplicateProof memory p;
        p.mode = 1;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.firstInTicket = w.ticketReceipts[i];
        p.firstInTicketPath = _path(i, w.ticketReceiptValues[i], w.ticketReceiptPaths[i]);
        p.secondInTicket = w.ticketReceipts[j];
        p.secondInTicketPath = _path(j, w.ticketReceiptValues[j], w.ticketReceiptPaths[j]);
        return abi.encode(p);
    }

    /// @dev Mode 0 through receipt `i`.
    function _relayTotalProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        RelayTotalProof memory p;
        ReceiptMembership memory m = _credited(w, i);
        p.claim = m.claim;
        p.node = m.node;
        p.path = m.path;
        return abi.encode(p);
    }

    function _amountProof(World memory w, uint256 r) internal pure returns (bytes memory) {
        AmountProof memory p;
        p.claim = _claimOf(w, r);
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        return abi.encode(p);
    }

    /// @dev Mode 1 (the leaf's own sum) for relay `r`.
    function _cumulativeProof(World memory w, uint256 r) internal pure returns (bytes memory) {
        CumulativeProof memory p;
        p.mode = 1;
        p.current = _claimOf(w, r);
        return abi.encode(p);
    }

    /// @dev Mode 5 (the claim leaf against its pool-account leaf) for relay `r`.
    function _cumulativeAccountingProof(World memory w, uint256 r) internal pure returns (bytes memory) {
        CumulativeProof memory p;
        p.mode = 5;
        p.current = _claimOf(w, r);
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        p.poolAccount = w.accounts[r];
        p.poolAccountPath = _path(r, w.accountValues[r], w.accountPaths[r]);
        return abi.encode(p);
    }

    /// @dev Mode 0 through relay `r`'s pool-account leaf.
    function _poolTotalProof(World memory w, uint256 r) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        p.account = w.accounts[r];
        p.commitment = w.commitments[r];
        p.accountPath = _path(r, w.accountValues[r], w.accountPaths[r]);
        return abi.encode(p);
    }

    /// @dev Mode 2: the pools-tree leaf against the posted totals.
    function _poolTotalPostedProof(World memory w) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.mode = 2;
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        p.posted = w.posted;
        return abi.encode(p);
    }

    /// @dev Mode 0: the ticket against its maxBytes.
    function _maxBytesProof(World memory w) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.viewerTicket = w.ticket;
        return abi.encode(p);
    }

    /// @dev Mode 4: the ticket's receipts tree sum through ticket receipt `k`.
    function _maxBytesSumProof(World memory w, uint256 k) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 4;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.receipt = w.ticketReceipts[k];
        p.receiptPath = _path(k, w.ticketReceiptValues[k], w.ticketReceiptPaths[k]);
        return abi.encode(p);
    }

    /// @dev Mode 8: credited receipt `i` against its entry in the ticket's tree (position `k`).
    function _maxBytesCreditedProof(World memory w, uint256 i, uint256 k) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 8;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.credited = _credited(w, i);
        p.receipt = w.ticketReceipts[k];
        p.receiptPath = _path(k, w.ticketReceiptValues[k], w.ticketReceiptPaths[k]);
        return abi.encode(p);
    }

    /// @dev The position of receipt `i` in the ticket's tree.
    function _ticketPosition(World memory w, uint256 i) internal pure returns (uint256 k) {
        while (w.ticketReceipts[k].receiptId != w.nodes[i].receiptId) ++k;
    }

    /// @dev Every proof the fixture can build for an honest epoch, with its kind (for the fuzz).
    function _allProofs(World memory w) internal pure returns (uint8[] memory kinds, bytes[] memory proofs) {
        kinds = new uint8[](13);
        proofs = new bytes[](13);
        (kinds[0], proofs[0]) = (0, _badSignatureProof(w, 0));
        (kinds[1], proofs[1]) = (1, _badTicketProof(w, 1));
        (kinds[2], proofs[2]) = (2, _duplicateProof(w, 0, 2));
        (kinds[3], proofs[3]) = (2, _duplicateOrderProof(w, 0, 1));
        (kinds[4], proofs[4]) = (3, _relayTotalProof(w, 0));
        (kinds[5], proofs[5]) = (4, _amountProof(w, 0));
        (kinds[6], proofs[6]) = (5, _cumulativeProof(w, 0));
        (kinds[7], proofs[7]) = (5, _cumulativeAccountingProof(w, 1));
        (kinds[8], proofs[8]) = (6, _poolTotalProof(w, 0));
        (kinds[9], proofs[9]) = (6, _poolTotalPostedProof(w));
        (kinds[10], proofs[10]) = (7, _maxBytesProof(w));
        (kinds[11], proofs[11]) = (7, _maxBytesSumProof(w, 2));
        (kinds[12], proofs[12]) = (7, _maxBytesCreditedProof(w, 3, _ticketPosition(w, 3)));
    }
}
