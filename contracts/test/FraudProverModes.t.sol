// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

import {vm} from "./DistributorTestHarness.sol";
import {FraudFixture} from "./FraudFixture.sol";
import {FraudTrees} from "./FraudTrees.sol";
import {
    AccountAbsence,
    CumulativeProof,
    DuplicateProof,
    IFraudProver,
    MaxBytesProof,
    PoolLeaf,
    PoolNeighbours,
    PoolTotalProof,
    RelayTotalProof,
    SumNodeOpening,
    SumPath,
    TicketNeighbours,
    TicketReceiptLeaf,
    TicketReceiptNeighbours
} from "../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../libraries/CommitmentHashing.sol";
import {PositionSumTree} from "../libraries/PositionSumTree.sol";

/// @notice The modes FraudProver.t.sol does not reach: cross-epoch cumulative and maxBytes modes (histories of two or
/// three epochs built by FraudFixture, a ticket shared by consecutive epochs), absence proofs (before the first, between
/// two, after the last leaf; a pool absent), node openings (an inner node's sum, a non-empty padding slot, an empty real
/// slot), the orders of the pools and accounts trees, posted totals without a pool, and duplicates across epochs. Each
/// fault is built in the fixture and proven; the same proof against the honest history is refused. A fuzz of honest
/// histories attempts every proof built here.
contract FraudProverModesTest is FraudFixture {
    bytes32 internal constant POOL_LOW = bytes32(uint256(1)); // sorts before POOL
    bytes32 internal constant POOL_OTHER = keccak256("fraud-fixture-other-pool");

    function setUp() public {
        _deployProver();
    }

    function _invalid(uint8 kind, uint8 reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IFraudProver.FraudProofInvalid.selector, kind, reason);
    }

    function _prove(World memory w, uint8 kind, bytes memory proof) internal {
        prover.proveFault(w.p.epoch, kind, proof);
        assertEq(source.rejectionCount(), 1, "one rejection");
        (uint256 e, uint256 seq, address paid) = source.rejections(0);
        assertEq(e, w.p.epoch, "rejected epoch");
        assertEq(seq, POST_SEQ, "rejected post");
        assertEq(paid, address(this), "prover paid");
    }

    function _refused(World memory w, uint8 kind, bytes memory proof, bytes memory err) internal {
        vm.expectRevert(err);
        prover.proveFault(w.p.epoch, kind, proof);
    }

    // ---- histories ----

    /// @dev Honest parameters of epoch `epoch` whose ticket is shared with the next epoch.
    function _first(uint256 epoch) internal pure returns (Params memory p) {
        p = _params(T_NONE);
        p.epoch = epoch;
        p.ticketEpochs = 2;
    }

    /// @dev Honest parameters of the epoch after `prev`: the same ticket (new segments), the cumulative amounts and
    /// ticket bytes carried on.
    function _next(World memory prev) internal pure returns (Params memory p) {
        p = _params(T_NONE);
        p.epoch = prev.p.epoch + 1;
        p.ticketStartsBefore = 1;
        p.ticketEpochs = 2;
        p.segmentBase = 4;
        p.ticketHasPrev = true;
        p.ticketPrevEpoch = prev.p.epoch;
        p.ticketBytesBefore = prev.ticketLeaf.bytesBefore + prev.ticketLeaf.bytesIn;
        p.prevA = prev.leaves[0].cumulativeAmount;
        p.prevB = prev.leaves[1].cumulativeAmount;
    }

    /// @dev Epochs 4 and 5, honest.
    function _history() internal returns (World memory w4, World memory w5) {
        w4 = _world(_first(4));
        w5 = _world(_next(w4));
    }

    // ---- absence proofs (neighbours found as a prover would: the leaves around the key's position) ----

    function _accountAbsence(World memory w, address key) internal pure returns (AccountAbsence memory a) {
        a.pool = w.pool;
        a.poolPath = _poolSumPath(w);
        uint256 pos;
        while (pos < 2 && w.accounts[pos].account < key) ++pos;
        if (pos > 0) {
            a.accounts.hasLower = true;
            a.accounts.lower = w.accounts[pos - 1];
            a.accounts.lowerPath = _path(pos - 1, w.accountValues[pos - 1], w.accountPaths[pos - 1]);
        }
        if (pos < 2) {
            a.accounts.hasUpper = true;
            a.accounts.upper = w.accounts[pos];
            a.accounts.upperPath = _path(pos, w.accountValues[pos], w.accountPaths[pos]);
        }
    }

    function _poolNeighbours(World memory w, bytes32 key) internal pure returns (PoolNeighbours memory a) {
        uint256 n = w.data.poolsCount;
        PoolLeaf[] memory leaves = new PoolLeaf[](n);
        SumPath[] memory paths = new SumPath[](n);
        (leaves[w.poolIndex], paths[w.poolIndex]) = (w.pool, _poolSumPath(w));
        if (n == 2) (leaves[w.extraIndex], paths[w.extraIndex]) = (w.extra, _path(w.extraIndex, 0, w.extraPath));
        uint256 pos;
        while (pos < n && leaves[pos].poolId < key) ++pos;
        if (pos > 0) (a.hasLower, a.lower, a.lowerPath) = (true, leaves[pos - 1], paths[pos - 1]);
        if (pos < n) (a.hasUpper, a.upper, a.upperPath) = (true, leaves[pos], paths[pos]);
    }

    function _poolAbsence(World memory w, bytes32 poolId) internal pure returns (AccountAbsence memory a) {
        a.poolAbsent = true;
        a.pools = _poolNeighbours(w, poolId);
    }

    /// @dev The tickets tree has one leaf.
    function _ticketNeighbours(World memory w, bytes32 key) internal pure returns (TicketNeighbours memory a) {
        if (w.ticketLeaf.ticketHash < key) (a.hasLower, a.lower, a.lowerPath) = (true, w.ticketLeaf, _ticketSumPath(w));
        else (a.hasUpper, a.upper, a.upperPath) = (true, w.ticketLeaf, _ticketSumPath(w));
    }

    function _ticketReceiptNeighbours(World memory w, uint256 key)
        internal
        pure
        returns (TicketReceiptNeighbours memory a)
    {
        uint256 m = w.ticketReceiptHashes.length;
        uint256 pos;
        while (pos < m && _chunk(w, pos) < key) ++pos;
        if (pos > 0) {
            a.hasLower = true;
            a.lower = w.ticketReceipts[pos - 1];
            a.lowerPath = _path(pos - 1, w.ticketReceiptSizes[pos - 1], w.ticketReceiptPaths[pos - 1]);
        }
        if (pos < m) {
            a.hasUpper = true;
            a.upper = w.ticketReceipts[pos];
            a.upperPath = _path(pos, w.ticketReceiptSizes[pos], w.ticketReceiptPaths[pos]);
        }
    }

    function _chunk(World memory w, uint256 k) internal pure returns (uint256) {
        return uint256(w.ticketReceipts[k].segment) << 32 | w.ticketReceipts[k].chunk;
    }

    function _receiptKey(World memory w, uint256 i) internal pure returns (uint256) {
        return uint256(w.nodes[i].segment) << 32 | w.nodes[i].chunk;
    }

    function _opening(uint256 level, uint256 index, FraudTrees.Opened memory o)
        internal
        pure
        returns (SumNodeOpening memory)
    {
        return SumNodeOpening(level, index, o.node, o.left, o.right, o.siblings);
    }

    // ---- proofs ----

    /// @dev cumulative mode 0: relay `r`'s leaf in `cur` against its leaf in `prev` (= epoch − 1).
    function _cumulativePreviousProof(World memory cur, World memory prev, uint256 r)
        internal
        pure
        returns (bytes memory)
    {
        CumulativeProof memory p;
        p.current = _claimOf(cur, r);
        p.previous = _claimOf(prev, r);
        return abi.encode(p);
    }

    /// @dev cumulative mode 2: relay `r`'s leaf in `prev` and `absence` of its (account, pool) in `cur`.
    function _cumulativeDroppedProof(World memory cur, World memory prev, uint256 r, AccountAbsence memory absence)
        internal
        pure
        returns (bytes memory)
    {
        CumulativeProof memory p;
        p.mode = 2;
        p.previous = _claimOf(prev, r);
        p.data = cur.data;
        p.absence = absence;
        return abi.encode(p);
    }

    /// @dev cumulative mode 3: relay `r`'s leaf in `cur` and `absence` of it in `prev`.
    function _cumulativeNoPreviousProof(World memory cur, World memory prev, uint256 r, AccountAbsence memory absence)
        internal
        pure
        returns (bytes memory)
    {
        CumulativeProof memory p;
        p.mode = 3;
        p.current = _claimOf(cur, r);
        p.previousData = prev.data;
        p.absence = absence;
        return abi.encode(p);
    }

    /// @dev cumulative mode 4: relay `r`'s claim leaf and `absence` of it in the epoch's accounting trees.
    function _cumulativeNotInAccountsProof(World memory w, uint256 r, AccountAbsence memory absence)
        internal
        pure
        returns (bytes memory)
    {
        CumulativeProof memory p;
        p.mode = 4;
        p.current = _claimOf(w, r);
        p.data = w.data;
        p.absence = absence;
        return abi.encode(p);
    }

    /// @dev maxBytes mode 1 against the ticket's leaf in `prev`.
    function _maxBytesBeforeProof(World memory cur, World memory prev) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 1;
        p.data = cur.data;
        p.ticket = cur.ticketLeaf;
        p.ticketPath = _ticketSumPath(cur);
        p.otherEpoch = prev.p.epoch;
        p.otherData = prev.data;
        p.otherTicket = prev.ticketLeaf;
        p.otherTicketPath = _ticketSumPath(prev);
        return abi.encode(p);
    }

    /// @dev maxBytes mode 2: the ticket's absence from `other` (its prevEpoch).
    function _maxBytesPrevAbsentProof(World memory cur, World memory other) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 2;
        p.data = cur.data;
        p.ticket = cur.ticketLeaf;
        p.ticketPath = _ticketSumPath(cur);
        p.otherEpoch = other.p.epoch;
        p.otherData = other.data;
        p.ticketAbsence = _ticketNeighbours(other, cur.ticketLeaf.ticketHash);
        return abi.encode(p);
    }

    /// @dev maxBytes mode 3: the ticket's leaf in `other`.
    function _maxBytesSkippedProof(World memory cur, World memory other) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 3;
        p.data = cur.data;
        p.ticket = cur.ticketLeaf;
        p.ticketPath = _ticketSumPath(cur);
        p.otherEpoch = other.p.epoch;
        p.otherData = other.data;
        p.otherTicket = other.ticketLeaf;
        p.otherTicketPath = _ticketSumPath(other);
        return abi.encode(p);
    }

    /// @dev maxBytes mode 5: the ticket receipts tree's node (level, index).
    function _maxBytesOpeningProof(World memory w, uint256 level, uint256 index) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 5;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.opening = _opening(level, index, _ticketOpening(w, level, index));
        return abi.encode(p);
    }

    /// @dev maxBytes mode 6: credited receipt `i` and its ticket's absence from the tickets tree.
    function _maxBytesTicketAbsentProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 6;
        p.data = w.data;
        p.credited = _credited(w, i);
        p.ticketAbsence = _ticketNeighbours(w, w.nodes[i].ticketHash);
        return abi.encode(p);
    }

    /// @dev maxBytes mode 7: credited receipt `i` and its (segment, chunk)'s absence from its ticket's tree.
    function _maxBytesReceiptAbsentProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        MaxBytesProof memory p;
        p.mode = 7;
        p.data = w.data;
        p.ticket = w.ticketLeaf;
        p.ticketPath = _ticketSumPath(w);
        p.credited = _credited(w, i);
        p.receiptAbsence = _ticketReceiptNeighbours(w, _receiptKey(w, i));
        return abi.encode(p);
    }

    /// @dev relayTotal mode 1: relay `r`'s receipts tree's root node (both relay trees have two receipts).
    function _relayTotalOpeningProof(World memory w, uint256 r) internal pure returns (bytes memory) {
        RelayTotalProof memory p;
        p.mode = 1;
        p.claim = _claimOf(w, r);
        (uint256 a, uint256 b) = w.position[2 * r] == 0 ? (2 * r, 2 * r + 1) : (2 * r + 1, 2 * r);
        p.opening.level = 1;
        p.opening.node = PositionSumTree.Node(w.commitments[r].receiptsRoot, w.commitments[r].epochBytes);
        p.opening.left = PositionSumTree.Node(CommitmentHashing.receiptNode(w.nodes[a]), w.nodes[a].size);
        p.opening.right = PositionSumTree.Node(CommitmentHashing.receiptNode(w.nodes[b]), w.nodes[b].size);
        return abi.encode(p);
    }

    /// @dev poolTotal mode 1: the pool's leavesRoot's root node, recording the committed (uncappedTotal, total).
    function _poolTotalOpeningProof(World memory w) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.mode = 1;
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        p.opening.level = 1;
        p.opening.node = PositionSumTree.Node(w.pool.leavesRoot, w.pool.uncappedTotal << 128 | w.pool.total);
        p.opening.left = PositionSumTree.Node(CommitmentHashing.poolAccountLeaf(w.accounts[0]), w.accountValues[0]);
        p.opening.right = PositionSumTree.Node(CommitmentHashing.poolAccountLeaf(w.accounts[1]), w.accountValues[1]);
        return abi.encode(p);
    }

    /// @dev poolTotal mode 3: posted entry `i` and its pool's absence from the pools tree.
    function _poolTotalPostedAbsentProof(World memory w, uint256 i) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.mode = 3;
        p.data = w.data;
        p.posted = w.posted;
        p.postedIndex = i;
        p.absence = _poolNeighbours(w, w.posted[i].poolId);
        return abi.encode(p);
    }

    /// @dev poolTotal mode 4: the pools tree's leaves 0 and 1.
    function _poolTotalPoolsOrderProof(World memory w) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.mode = 4;
        p.data = w.data;
        (p.pool, p.poolPath) = w.poolIndex == 0
            ? (w.pool, _poolSumPath(w))
            : (w.extra, _path(w.extraIndex, 0, w.extraPath));
        (p.other, p.otherPath) = w.poolIndex == 1
            ? (w.pool, _poolSumPath(w))
            : (w.extra, _path(w.extraIndex, 0, w.extraPath));
        return abi.encode(p);
    }

    /// @dev poolTotal mode 5: the pool's accounts 0 and 1.
    function _poolTotalAccountsOrderProof(World memory w) internal pure returns (bytes memory) {
        PoolTotalProof memory p;
        p.mode = 5;
        p.data = w.data;
        p.pool = w.pool;
        p.poolPath = _poolSumPath(w);
        p.account = w.accounts[0];
        p.accountPath = _path(0, w.accountValues[0], w.accountPaths[0]);
        p.otherAccount = w.accounts[1];
        p.otherAccountPath = _path(1, w.accountValues[1], w.accountPaths[1]);
        return abi.encode(p);
    }

    /// @dev duplicate mode 0: receipt `i` of `cur` against receipt `j` of the earlier `other`.
    function _duplicateEpochsProof(World memory cur, uint256 i, World memory other, uint256 j)
        internal
        pure
        returns (bytes memory)
    {
        DuplicateProof memory p;
        p.otherEpoch = other.p.epoch;
        p.first = _credited(cur, i);
        p.second = _credited(other, j);
        return abi.encode(p);
    }

    // ---- cumulative (5) ----

    function test_proveFault_cumulative_mode0PreviousLeafDiffers() public {
        World memory w4 = _world(_first(4));
        Params memory p = _next(w4);
        p.prevA += 1;
        World memory w5 = _world(p);
        _prove(w5, 5, _cumulativePreviousProof(w5, w4, 0));
    }

    function test_proveFault_cumulative_mode0RevertsOnHonestHistory() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 5, _cumulativePreviousProof(w5, w4, 0), _invalid(5, 0));
        _refused(w5, 5, _cumulativePreviousProof(w5, w4, 1), _invalid(5, 0));
    }

    function test_proveFault_cumulative_mode0RevertsOnAnotherAccount() public {
        (World memory w4, World memory w5) = _history();
        CumulativeProof memory p = abi.decode(_cumulativePreviousProof(w5, w4, 0), (CumulativeProof));
        p.previous = _claimOf(w4, 1);
        _refused(w5, 5, abi.encode(p), _invalid(5, 12));
    }

    /// @dev Relay B (0xC0 in epoch 4) has no leaf in epoch 5: after the last account of the pool.
    function test_proveFault_cumulative_mode2AccountDroppedAfterTheLast() public {
        Params memory p4 = _first(4);
        p4.relayB = address(0xC0);
        World memory w4 = _world(p4);
        World memory w5 = _world(_next(w4));
        _prove(w5, 5, _cumulativeDroppedProof(w5, w4, 1, _accountAbsence(w5, address(0xC0))));
    }

    /// @dev Epoch 4's pool has no pools-tree leaf in epoch 5.
    function test_proveFault_cumulative_mode2PoolDropped() public {
        Params memory p4 = _first(4);
        p4.pool = POOL_OTHER;
        World memory w4 = _world(p4);
        World memory w5 = _world(_next(w4));
        _prove(w5, 5, _cumulativeDroppedProof(w5, w4, 0, _poolAbsence(w5, POOL_OTHER)));
    }

    function test_proveFault_cumulative_mode2RevertsOnAccountKept() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 5, _cumulativeDroppedProof(w5, w4, 0, _accountAbsence(w5, RELAY_A)), _invalid(5, 11));
        _refused(w5, 5, _cumulativeDroppedProof(w5, w4, 1, _poolAbsence(w5, POOL)), _invalid(5, 11));
    }

    /// @dev Relay A (0xA0) claims a prevCumulative while epoch 4's pool has 0x90 and 0xB0: between two accounts.
    function test_proveFault_cumulative_mode3NoPreviousLeafBetweenTwo() public {
        Params memory p4 = _first(4);
        p4.relayA = address(0x90);
        World memory w4 = _world(p4);
        World memory w5 = _world(_params(T_NONE)); // prevA 12345 without a leaf in epoch 4
        _prove(w5, 5, _cumulativeNoPreviousProof(w5, w4, 0, _accountAbsence(w4, RELAY_A)));
    }

    /// @dev Epoch 4's pool has 0xC0 and 0xD0: relay A is before the first.
    function test_proveFault_cumulative_mode3NoPreviousLeafBeforeTheFirst() public {
        Params memory p4 = _first(4);
        (p4.relayA, p4.relayB) = (address(0xC0), address(0xD0));
        World memory w4 = _world(p4);
        World memory w5 = _world(_params(T_NONE));
        _prove(w5, 5, _cumulativeNoPreviousProof(w5, w4, 0, _accountAbsence(w4, RELAY_A)));
    }

    function test_proveFault_cumulative_mode3RevertsOnPreviousLeafPresent() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 5, _cumulativeNoPreviousProof(w5, w4, 0, _accountAbsence(w4, RELAY_A)), _invalid(5, 11));
    }

    function test_proveFault_cumulative_mode3RevertsOnFirstLeaf() public {
        World memory w4 = _world(_first(4));
        World memory w5 = _world(_params(T_NONE)); // relay B: prevCumulative 0
        _refused(w5, 5, _cumulativeNoPreviousProof(w5, w4, 1, _accountAbsence(w4, RELAY_B)), _invalid(5, 0));
    }

    function test_proveFault_cumulative_mode4ClaimLeafNotInAccountsTree() public {
        Params memory p = _params(T_NONE);
        p.accountsTree = AT_B_ABSENT;
        World memory w = _world(p);
        _prove(w, 5, _cumulativeNotInAccountsProof(w, 1, _accountAbsence(w, RELAY_B)));
    }

    function test_proveFault_cumulative_mode4RevertsOnAccountPresent() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 5, _cumulativeNotInAccountsProof(w, 1, _accountAbsence(w, RELAY_B)), _invalid(5, 11));
        _refused(w, 5, _cumulativeNotInAccountsProof(w, 0, _poolAbsence(w, POOL)), _invalid(5, 11));
    }

    function test_proveFault_cumulative_mode5AccountLeafDiffers() public {
        Params memory p = _params(T_NONE);
        p.accountsTree = AT_B_OTHER_CUMULATIVE;
        World memory w = _world(p);
        _prove(w, 5, _cumulativeAccountingProof(w, 1));
    }

    // ---- maxBytes (7) ----

    function test_proveFault_maxBytes_mode1BytesBeforeDiffersFromPrevEpoch() public {
        World memory w4 = _world(_first(4));
        Params memory p = _next(w4);
        p.ticketBytesBefore -= 1;
        World memory w5 = _world(p);
        _prove(w5, 7, _maxBytesBeforeProof(w5, w4));
    }

    function test_proveFault_maxBytes_mode1RevertsOnHonestHistory() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 7, _maxBytesBeforeProof(w5, w4), _invalid(7, 0));
    }

    /// @dev A prevEpoch after the epoch itself needs no other epoch.
    function test_proveFault_maxBytes_mode1PrevEpochAfterTheEpoch() public {
        Params memory p = _params(T_NONE);
        (p.ticketHasPrev, p.ticketPrevEpoch) = (true, p.epoch + 1);
        World memory w = _world(p);
        MaxBytesProof memory m;
        m.mode = 1;
        m.data = w.data;
        m.ticket = w.ticketLeaf;
        m.ticketPath = _ticketSumPath(w);
        _prove(w, 7, abi.encode(m));
    }

    /// @dev Epoch 5 names epoch 3 as the ticket's prevEpoch; epoch 3's tickets tree does not hold it.
    function test_proveFault_maxBytes_mode2PrevEpochWithoutTheTicket() public {
        World memory w3 = _world(_first(3)); // another ticket (its window starts at epoch 3)
        World memory w4 = _world(_first(4));
        Params memory p = _next(w4);
        p.ticketPrevEpoch = 3;
        World memory w5 = _world(p);
        _prove(w5, 7, _maxBytesPrevAbsentProof(w5, w3));
    }

    function test_proveFault_maxBytes_mode2RevertsOnPrevEpochHoldingTheTicket() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 7, _maxBytesPrevAbsentProof(w5, w4), _invalid(7, 11));
    }

    /// @dev Epoch 5 presents the ticket as new (prevEpoch 5, bytesBefore 0) while epoch 4 holds it.
    function test_proveFault_maxBytes_mode3TicketPresentedAsNew() public {
        World memory w4 = _world(_first(4));
        Params memory p = _next(w4);
        (p.ticketHasPrev, p.ticketBytesBefore) = (false, 0);
        World memory w5 = _world(p);
        _prove(w5, 7, _maxBytesSkippedProof(w5, w4));
    }

    /// @dev Epoch 6 names epoch 4 as prevEpoch: epoch 5, which holds the ticket, is skipped.
    function test_proveFault_maxBytes_mode3PrevEpochSkipsAnEpoch() public {
        (World memory w4, World memory w5) = _history();
        Params memory p = _next(w5);
        p.ticketStartsBefore = 2; // the ticket of epochs 4 and 5
        p.segmentBase = 8;
        p.ticketPrevEpoch = 4;
        p.ticketBytesBefore = w4.ticketLeaf.bytesIn;
        World memory w6 = _world(p);
        assertEq(w6.ticketHash, w4.ticketHash, "one ticket");
        _prove(w6, 7, _maxBytesSkippedProof(w6, w5));
    }

    function test_proveFault_maxBytes_mode3RevertsOnNoEpochSkipped() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 7, _maxBytesSkippedProof(w5, w4), _invalid(7, 14));
    }

    /// @dev count 3 over a tree of 4 receipts: the path of the 4th is at index ≥ count.
    function test_proveFault_maxBytes_mode4PathPastCount() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_COUNT_LOW;
        World memory w = _world(p);
        _prove(w, 7, _maxBytesSumProof(w, 3));
    }

    function test_proveFault_maxBytes_mode4RevertsOnPathOfAnotherDepthToPadding() public {
        // Ticket-receipt leaves are 128 bytes: the inner node over two padding slots is the leaf (0, 0, 0, 0) of value
        // 0. In an honest tree of 5 receipts (depth 3) the node (1, 3) is one, and its path (2 siblings) folds to the
        // root: it must not pass for a receipt whose path length disagrees with count.
        World memory w = _world(_params(T_NONE));
        bytes32[] memory hashes = new bytes32[](5);
        uint256[] memory sizes = new uint256[](5);
        for (uint256 k; k < 4; ++k) {
            (hashes[k], sizes[k]) = (w.ticketReceiptHashes[k], w.ticketReceiptSizes[k]);
        }
        (hashes[4], sizes[4]) = (keccak256("a fifth receipt"), 1);
        FraudTrees.Opened memory o = FraudTrees.open(hashes, sizes, 1, 3, 0, 0, 0);
        TicketReceiptLeaf memory zero;
        assertEq(o.node.hash, CommitmentHashing.ticketReceiptLeaf(zero), "the padding pair's node is the zero leaf");
        (w.ticketLeaf.receiptsOfTicketRoot, w.ticketLeaf.bytesIn, w.ticketLeaf.count) = (o.root, o.sum, 5);
        w.data.ticketsRoot = CommitmentHashing.ticketLeaf(w.ticketLeaf);
        source.setPost(w.p.epoch, w.claimRoot, CommitmentHashing.dataHash(w.data), POST_SEQ, 1);
        MaxBytesProof memory m;
        m.mode = 4;
        m.data = w.data;
        m.ticket = w.ticketLeaf;
        m.ticketPath = _ticketSumPath(w);
        m.receiptPath = _path(3, 0, o.siblings); // m.receipt: the zero leaf
        _refused(w, 7, abi.encode(m), _invalid(7, 10));
    }

    function test_proveFault_maxBytes_mode5InnerNodeSumNotItsChildren() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_NODE_SUM;
        World memory w = _world(p);
        _refused(w, 7, _maxBytesSumProof(w, 0), _invalid(7, 0)); // the root sum is bytesIn: only the node shows it
        _prove(w, 7, _maxBytesOpeningProof(w, 1, 1));
    }

    function test_proveFault_maxBytes_mode5NonEmptyPadding() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_COUNT_LOW;
        World memory w = _world(p);
        _prove(w, 7, _maxBytesOpeningProof(w, 0, 3));
    }

    function test_proveFault_maxBytes_mode5EmptyRealSlot() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_EMPTY_SLOT;
        World memory w = _world(p);
        _prove(w, 7, _maxBytesOpeningProof(w, 0, 3));
    }

    function test_proveFault_maxBytes_mode5RevertsOnWellFormedTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesOpeningProof(w, 1, 1), _invalid(7, 0));
        _refused(w, 7, _maxBytesOpeningProof(w, 0, 3), _invalid(7, 0));
        _refused(w, 7, _maxBytesOpeningProof(w, 2, 0), _invalid(7, 0));
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_DROP_LAST;
        p.epoch = 6;
        World memory w6 = _world(p);
        _refused(w6, 7, _maxBytesOpeningProof(w6, 0, 3), _invalid(7, 0)); // padding that is empty
    }

    function test_proveFault_maxBytes_mode5RevertsOnOpeningNotInTree() public {
        World memory w = _world(_params(T_NONE));
        MaxBytesProof memory m = abi.decode(_maxBytesOpeningProof(w, 1, 1), (MaxBytesProof));
        m.opening.node.sum += 1;
        _refused(w, 7, abi.encode(m), _invalid(7, 13));
    }

    function test_proveFault_maxBytes_mode6TicketNotInTicketsTree() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_OTHER_HASH;
        World memory w = _world(p);
        _prove(w, 7, _maxBytesTicketAbsentProof(w, 0));
    }

    function test_proveFault_maxBytes_mode6RevertsOnTicketPresent() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesTicketAbsentProof(w, 0), _invalid(7, 11));
    }

    function test_proveFault_maxBytes_mode7ReceiptNotInTicketTree() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_DROP_LAST;
        World memory w = _world(p);
        _prove(w, 7, _maxBytesReceiptAbsentProof(w, 3)); // segment 3 sorts last: after the last of 3
    }

    function test_proveFault_maxBytes_mode7RevertsOnReceiptPresent() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 7, _maxBytesReceiptAbsentProof(w, 3), _invalid(7, 11));
        _refused(w, 7, _maxBytesReceiptAbsentProof(w, 1), _invalid(7, 11));
    }

    function test_proveFault_maxBytes_mode8ReceiptOfAnotherRelay() public {
        Params memory p = _params(T_NONE);
        p.ticketTree = TT_OTHER_RELAY;
        World memory w = _world(p);
        uint256 i;
        while (w.nodes[i].receiptId != w.ticketReceipts[0].receiptId) ++i;
        _prove(w, 7, _maxBytesCreditedProof(w, i, 0));
    }

    // ---- relayTotal (3) ----

    /// @dev receiptCount 3 over a tree of 2 receipts: the real path has 1 sibling, depthOf(3) is 2.
    function test_proveFault_relayTotal_mode0ReceiptCountOfAnotherDepth() public {
        Params memory p = _params(T_NONE);
        p.relayCountA = 3;
        World memory w = _world(p);
        _prove(w, 3, _relayTotalProof(w, 0));
    }

    /// @dev receiptCount 1 over 2 receipts: the second is past the count.
    function test_proveFault_relayTotal_mode0ReceiptCountBelowTree() public {
        Params memory p = _params(T_NONE);
        p.relayCountA = 1;
        World memory w = _world(p);
        _prove(w, 3, _relayTotalProof(w, w.position[0] == 1 ? 0 : 1));
    }

    function test_proveFault_relayTotal_mode1RootSumNotItsChildren() public {
        World memory w = _world(_params(T_RELAY_TOTAL));
        _prove(w, 3, _relayTotalOpeningProof(w, 0));
    }

    function test_proveFault_relayTotal_mode1RevertsOnWellFormedTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 3, _relayTotalOpeningProof(w, 0), _invalid(3, 0));
        _refused(w, 3, _relayTotalOpeningProof(w, 1), _invalid(3, 0));
    }

    function test_proveFault_relayTotal_mode1RevertsOnOpeningNotInTree() public {
        World memory w = _world(_params(T_RELAY_TOTAL));
        RelayTotalProof memory p = abi.decode(_relayTotalOpeningProof(w, 0), (RelayTotalProof));
        p.opening.left.sum += 1; // the node is no longer hashNode(left, right)
        _refused(w, 3, abi.encode(p), _invalid(3, 13));
    }

    // ---- poolTotal (6) ----

    /// @dev leafCount 3 over a tree of 2 accounts: the real path has 1 sibling, depthOf(3) is 2.
    function test_proveFault_poolTotal_mode0LeafCountOfAnotherDepth() public {
        Params memory p = _params(T_NONE);
        p.leafCount = 3;
        World memory w = _world(p);
        _prove(w, 6, _poolTotalProof(w, 0));
    }

    function test_proveFault_poolTotal_mode1RootSumNotItsChildren() public {
        World memory w = _world(_params(T_POOL_TOTAL));
        _prove(w, 6, _poolTotalOpeningProof(w));
    }

    function test_proveFault_poolTotal_mode1RevertsOnWellFormedTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 6, _poolTotalOpeningProof(w), _invalid(6, 0));
    }

    function test_proveFault_poolTotal_mode3PostedPoolWithoutLeaf() public {
        Params memory p = _params(T_NONE);
        p.extraPosted = POOL_OTHER;
        World memory w = _world(p);
        _prove(w, 6, _poolTotalPostedAbsentProof(w, 1));
    }

    function test_proveFault_poolTotal_mode3RevertsOnPostedPoolInTree() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 6, _poolTotalPostedAbsentProof(w, 0), _invalid(6, 11));
    }

    function test_proveFault_poolTotal_mode4PoolsOutOfOrder() public {
        Params memory p = _params(T_NONE);
        p.extraPool = POOL_LOW; // after POOL in the tree, below it by poolId
        World memory w = _world(p);
        _prove(w, 6, _poolTotalPoolsOrderProof(w));
    }

    function test_proveFault_poolTotal_mode4RevertsOnSortedPools() public {
        Params memory p = _params(T_NONE);
        (p.extraPool, p.extraPoolFirst) = (POOL_LOW, true);
        World memory w = _world(p);
        _refused(w, 6, _poolTotalPoolsOrderProof(w), _invalid(6, 0));
    }

    function test_proveFault_poolTotal_mode5AccountsOutOfOrder() public {
        Params memory p = _params(T_NONE);
        p.relayA = address(0xC0); // account 0 above account 1 (0xB0)
        World memory w = _world(p);
        _prove(w, 6, _poolTotalAccountsOrderProof(w));
    }

    function test_proveFault_poolTotal_mode5RevertsOnSortedAccounts() public {
        World memory w = _world(_params(T_NONE));
        _refused(w, 6, _poolTotalAccountsOrderProof(w), _invalid(6, 0));
    }

    // ---- duplicate (2) ----

    function test_proveFault_duplicate_mode0AcrossEpochs() public {
        World memory w4 = _world(_first(4));
        Params memory p = _next(w4);
        p.segmentBase = 0; // epoch 5 credits epoch 4's (ticket, segment, chunk) keys again
        World memory w5 = _world(p);
        _prove(w5, 2, _duplicateEpochsProof(w5, 1, w4, 1));
    }

    function test_proveFault_duplicate_mode0RevertsOnDistinctKeysAcrossEpochs() public {
        (World memory w4, World memory w5) = _history();
        _refused(w5, 2, _duplicateEpochsProof(w5, 1, w4, 1), _invalid(2, 12));
    }

    function test_proveFault_duplicate_mode0RevertsOnLaterOtherEpoch() public {
        (World memory w4, World memory w5) = _history();
        _refused(w4, 2, _duplicateEpochsProof(w4, 1, w5, 1), _invalid(2, 14));
    }

    // ---- fuzz: no proof of these modes succeeds against an honest history ----

    /// @dev Every proof built here, against the honest history (epochs e − 1 and e of one ticket).
    function _historyProofs(World memory prev, World memory cur)
        internal
        pure
        returns (uint8[] memory kinds, bytes[] memory proofs)
    {
        kinds = new uint8[](21);
        proofs = new bytes[](21);
        (kinds[0], proofs[0]) = (5, _cumulativePreviousProof(cur, prev, 0));
        (kinds[1], proofs[1]) = (5, _cumulativePreviousProof(cur, prev, 1));
        (kinds[2], proofs[2]) = (5, _cumulativeDroppedProof(cur, prev, 0, _accountAbsence(cur, prev.leaves[0].account)));
        (kinds[3], proofs[3]) = (5, _cumulativeDroppedProof(cur, prev, 1, _poolAbsence(cur, prev.p.pool)));
        (kinds[4], proofs[4]) =
            (5, _cumulativeNoPreviousProof(cur, prev, 0, _accountAbsence(prev, cur.leaves[0].account)));
        (kinds[5], proofs[5]) = (5, _cumulativeNotInAccountsProof(cur, 1, _accountAbsence(cur, cur.leaves[1].account)));
        (kinds[6], proofs[6]) = (7, _maxBytesBeforeProof(cur, prev));
        (kinds[7], proofs[7]) = (7, _maxBytesPrevAbsentProof(cur, prev));
        (kinds[8], proofs[8]) = (7, _maxBytesSkippedProof(cur, prev));
        (kinds[9], proofs[9]) = (7, _maxBytesOpeningProof(cur, 1, 1));
        (kinds[10], proofs[10]) = (7, _maxBytesOpeningProof(cur, 0, 3));
        (kinds[11], proofs[11]) = (7, _maxBytesTicketAbsentProof(cur, 0));
        (kinds[12], proofs[12]) = (7, _maxBytesReceiptAbsentProof(cur, 2));
        (kinds[13], proofs[13]) = (7, _maxBytesSumProof(cur, 3));
        (kinds[14], proofs[14]) = (3, _relayTotalOpeningProof(cur, 0));
        (kinds[15], proofs[15]) = (3, _relayTotalProof(cur, 1));
        (kinds[16], proofs[16]) = (6, _poolTotalOpeningProof(cur));
        (kinds[17], proofs[17]) = (6, _poolTotalPostedAbsentProof(cur, 0));
        (kinds[18], proofs[18]) = (6, _poolTotalAccountsOrderProof(cur));
        (kinds[19], proofs[19]) = (6, _poolTotalProof(cur, 1));
        (kinds[20], proofs[20]) = (2, _duplicateEpochsProof(cur, 0, prev, 0));
    }

    /// @dev Honest histories from fuzzed sizes, price, balance, cumulative amounts and epoch; every proof of the modes
    /// above, as built and with one fuzzed byte flipped, is refused.
    function testFuzz_proveFault_honestHistoryRefusesEveryModeProof(
        uint32[4] memory sizes,
        uint256 price,
        uint256 scaleBalance,
        uint256 prevA,
        uint256 epoch,
        uint256 flipAt,
        uint8 flipMask
    ) public {
        Params memory p = _first(bound(epoch, 0, 1_000_000));
        for (uint256 i; i < 4; ++i) {
            p.sizes[i] = uint32(bound(sizes[i], 1, type(uint32).max));
        }
        p.price = bound(price, 0, 1e24);
        p.scaleBalance = bound(scaleBalance, 0, type(uint120).max);
        p.prevA = bound(prevA, 0, type(uint112).max);
        World memory prev = _world(p);
        Params memory q = _next(prev);
        (q.sizes, q.price, q.scaleBalance) = (p.sizes, p.price, p.scaleBalance);
        World memory cur = _world(q);
        (uint8[] memory kinds, bytes[] memory proofs) = _historyProofs(prev, cur);
        for (uint256 j; j < proofs.length; ++j) {
            _assertRefused(cur.p.epoch, kinds[j], proofs[j], j);
            bytes memory perturbed = proofs[j];
            uint256 at = flipAt % perturbed.length;
            perturbed[at] = perturbed[at] ^ bytes1(flipMask == 0 ? 1 : flipMask);
            _assertRefused(cur.p.epoch, kinds[j], perturbed, j);
        }
    }

    function _assertRefused(uint256 epoch, uint8 kind, bytes memory proof, uint256 j) internal view {
        try prover.checkFault(epoch, kind, proof) returns (uint256) {
            fail(string.concat("a mode proof succeeded against an honest history: proof ", Strings.toString(j)));
        } catch {}
    }
}
