// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {
    AmountProof,
    IFraudProofSource,
    IFraudProver,
    PostedPoolTotal,
    PoolTotalProof,
    RelayTotalProof
} from "../../interfaces/IFraudProver.sol";
import {CommitmentHashing} from "../CommitmentHashing.sol";
import {FraudVerifierBase, IFraudVerifier} from "./FraudVerifierBase.sol";

/// @title FraudTotalsVerifier
/// @notice Fault kinds about sums and amounts: 3 relayTotal, 4 amount, 6 poolTotal (docs/fraud-proofs.md; each proof
/// struct's NatSpec in IFraudProver.sol gives its checks).
contract FraudTotalsVerifier is FraudVerifierBase {
    /// @inheritdoc IFraudVerifier
    function verifyFault(
        IFraudProofSource source,
        uint256 epoch,
        bytes32 root,
        bytes27 dataHash,
        uint8 kind,
        bytes calldata proof
    )
        external
        view
        override
    {
        uint256 offset = _structOffset(proof, kind);
        if (kind == KIND_RELAY_TOTAL) {
            RelayTotalProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _relayTotal(root, p);
        } else if (kind == KIND_AMOUNT) {
            AmountProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _amount(source, epoch, root, dataHash, p);
        } else if (kind == KIND_POOL_TOTAL) {
            PoolTotalProof calldata p;
            assembly ("memory-safe") {
                p := offset
            }
            _poolTotal(epoch, dataHash, p);
        } else {
            revert IFraudProver.FraudProofUnknownKind(kind);
        }
    }

    function _relayTotal(bytes32 root, RelayTotalProof calldata p) internal pure {
        uint8 kind = KIND_RELAY_TOTAL;
        _claim(root, p.claim, kind);
        bytes32 receiptsRoot = p.claim.commitment.receiptsRoot;
        uint256 n = p.claim.commitment.receiptCount;
        uint256 epochBytes = p.claim.commitment.epochBytes;
        if (p.mode == 0) {
            (bool folds, uint256 rootSum, bool strict) =
                _fold(receiptsRoot, n, CommitmentHashing.receiptNode(p.node), p.path);
            _require(folds, kind, RECEIPT_NOT_IN_TREE);
            _fault(!strict || rootSum != epochBytes || p.path.value != p.node.size, kind);
        } else if (p.mode == 1) {
            _fault(_openingFault(receiptsRoot, n, epochBytes, p.opening, false, kind), kind);
        } else {
            revert IFraudProver.FraudProofInvalid(kind, BAD_MODE);
        }
    }

    function _amount(IFraudProofSource source, uint256 epoch, bytes32 root, bytes27 dataHash, AmountProof calldata p) internal view {
        uint8 kind = KIND_AMOUNT;
        _claim(root, p.claim, kind);
        _data(epoch, dataHash, p.data);
        _require(p.pool.poolId == p.claim.leaf.poolId, kind, KEY_MISMATCH);
        _pool(p.data, p.pool, p.poolPath, kind);
        uint256 price = source.priceAt(p.claim.leaf.poolId, epoch);
        uint256 base = Math.mulDiv(p.claim.commitment.epochBytes, price, 1e9);
        uint256 expected = p.pool.uncappedTotal <= p.pool.scaleBalance
            ? base
            : Math.mulDiv(base, p.pool.scaleBalance, p.pool.uncappedTotal);
        _fault(
            p.claim.commitment.baseAmount != base || p.claim.commitment.epochAmount != expected
                || p.claim.commitment.bonusAmount != 0,
            kind
        );
    }

    function _poolTotal(uint256 epoch, bytes27 dataHash, PoolTotalProof calldata p) internal pure {
        uint8 kind = KIND_POOL_TOTAL;
        _data(epoch, dataHash, p.data);
        uint8 mode = p.mode;
        if (mode == 3) {
            _require(CommitmentHashing.poolTotalsHash(p.posted) == p.data.poolTotalsHash, kind, POSTED_PREIMAGE);
            _require(p.postedIndex < p.posted.length, kind, POSTED_PREIMAGE);
            _poolAbsent(p.data, p.posted[p.postedIndex].poolId, p.absence, kind);
            _fault(true, kind);
            return;
        }
        _pool(p.data, p.pool, p.poolPath, kind);
        if (mode == 0) {
            _require(
                CommitmentHashing.epochCommitment(p.commitment) == p.account.epochCommitment, kind, COMMITMENT_PREIMAGE
            );
            (bool folds, uint256 rootSum, bool strict) = _fold(
                p.pool.leavesRoot, p.pool.leafCount, CommitmentHashing.poolAccountLeaf(p.account), p.accountPath
            );
            _require(folds, kind, ACCOUNT_NOT_IN_TREE);
            (bool fits, uint256 value) = CommitmentHashing.poolAccountValue(
                p.commitment.baseAmount, p.commitment.epochAmount, p.commitment.bonusAmount
            );
            (bool totalsFit, uint256 committed) = _packedTotals(p.pool.total, p.pool.uncappedTotal);
            _fault(!strict || !fits || !totalsFit || value != p.accountPath.value || rootSum != committed, kind);
        } else if (mode == 1) {
            (bool totalsFit, uint256 committed) = _packedTotals(p.pool.total, p.pool.uncappedTotal);
            _fault(
                !totalsFit || _openingFault(p.pool.leavesRoot, p.pool.leafCount, committed, p.opening, true, kind),
                kind
            );
        } else if (mode == 2) {
            _require(CommitmentHashing.poolTotalsHash(p.posted) == p.data.poolTotalsHash, kind, POSTED_PREIMAGE);
            _fault(_postedFault(p.posted, p.pool.poolId, p.pool.total, p.pool.uncappedTotal, p.pool.scaleBalance), kind);
        } else if (mode == 4) {
            (bool member,) =
                _member(p.data.poolsRoot, p.data.poolsCount, CommitmentHashing.poolLeaf(p.other), p.otherPath);
            _require(member, kind, POOL_NOT_IN_TREE);
            _require(p.poolPath.index < p.otherPath.index, kind, KEY_MISMATCH);
            _fault(p.pool.poolId >= p.other.poolId, kind);
        } else if (mode == 5) {
            bytes32 leavesRoot = p.pool.leavesRoot;
            uint256 n = p.pool.leafCount;
            (bool member,) = _member(leavesRoot, n, CommitmentHashing.poolAccountLeaf(p.account), p.accountPath);
            _require(member, kind, ACCOUNT_NOT_IN_TREE);
            (member,) = _member(leavesRoot, n, CommitmentHashing.poolAccountLeaf(p.otherAccount), p.otherAccountPath);
            _require(member, kind, ACCOUNT_NOT_IN_TREE);
            _require(p.accountPath.index < p.otherAccountPath.index, kind, KEY_MISMATCH);
            _fault(p.account.account >= p.otherAccount.account, kind);
        } else {
            revert IFraudProver.FraudProofInvalid(kind, BAD_MODE);
        }
    }

    /// @dev A pool's two committed sums in one word (`uncappedTotal << 128 | total`); `fits` is false when either is
    /// 2^128 or more (no honest pool: balances are below 2^120).
    function _packedTotals(uint256 total, uint256 uncappedTotal) internal pure returns (bool fits, uint256 packed) {
        if (total > LOW128 || uncappedTotal > LOW128) return (false, 0);
        return (true, uncappedTotal << 128 | total);
    }

    /// @dev Whether the posted totals disagree with the pools-tree leaf `(poolId, total, uncappedTotal,
    /// scaleBalance)`: its entry differs, or it has none while the leaf has a total or an uncapped total.
    function _postedFault(
        PostedPoolTotal[] calldata posted,
        bytes32 poolId,
        uint256 total,
        uint256 uncappedTotal,
        uint256 scaleBalance
    ) internal pure returns (bool) {
        for (uint256 i; i < posted.length; ++i) {
            if (posted[i].poolId != poolId) continue;
            return posted[i].total != total || posted[i].uncappedTotal != uncappedTotal
                || posted[i].scaleBalance != scaleBalance;
        }
        return total != 0 || uncappedTotal != 0;
    }
}
