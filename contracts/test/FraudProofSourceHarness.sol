// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IFraudProofSource} from "../interfaces/IFraudProver.sol";
import {ChallengeInfo, ChallengeStatus, DistributorConfig} from "../interfaces/RewardDistributorTypes.sol";

/// @notice A stand-in for the distributor's side of the fraud proofs (IFraudProofSource) in the FraudProver tests:
/// it stores the posts (root, dataHash v2, postSeq, status), prices, ticket signers and challenges the tests set, and
/// records every rejectProven. The real distributor's wiring is a later step (docs/fraud-proofs.md).
contract FraudProofSourceHarness is IFraudProofSource {
    struct Post {
        bytes32 root;
        bytes27 dataHash;
        uint256 postSeq;
        uint8 status;
    }

    struct Rejection {
        uint256 epoch;
        uint256 postSeq;
        address prover;
    }

    error SourceHarnessNotProver(address caller);
    error SourceHarnessNotActionable(uint256 epoch, uint256 postSeq);

    address public prover;
    DistributorConfig internal _config;
    mapping(uint256 epoch => Post) internal _posts;
    mapping(bytes32 poolId => mapping(uint256 epoch => uint256)) internal _prices;
    mapping(bytes32 poolId => address) internal _signers;
    mapping(bytes32 poolId => uint256) internal _signerRotatedAt;
    mapping(bytes32 poolId => address) internal _signersBefore;
    mapping(uint256 challengeId => ChallengeInfo) internal _challenges;
    Rejection[] public rejections;

    constructor(uint256 genesisTime, uint256 epochSeconds, uint256 challengerBond) {
        _config.genesisTime = genesisTime;
        _config.epochSeconds = epochSeconds;
        _config.challengerBond = challengerBond;
    }

    function setProver(address prover_) external {
        prover = prover_;
    }

    function setPost(uint256 epoch, bytes32 root, bytes27 dataHash, uint256 postSeq, uint8 status) external {
        _posts[epoch] = Post(root, dataHash, postSeq, status);
    }

    function setPrice(bytes32 poolId, uint256 epoch, uint256 price) external {
        _prices[poolId][epoch] = price;
    }

    function setSigner(bytes32 poolId, address signer) external {
        _signers[poolId] = signer;
    }

    /// @notice From `at` (unix seconds) the signer is `signer`; before it, the one set with setSigner.
    function rotateSigner(bytes32 poolId, address signer, uint256 at) external {
        _signersBefore[poolId] = _signers[poolId];
        _signers[poolId] = signer;
        _signerRotatedAt[poolId] = at;
    }

    function setChallenge(uint256 challengeId, ChallengeInfo calldata info) external {
        _challenges[challengeId] = info;
    }

    function rejectionCount() external view returns (uint256) {
        return rejections.length;
    }

    function fraudProofPost(uint256 epoch)
        external
        view
        returns (bytes32 root, bytes27 dataHash, uint256 postSeq, uint8 status)
    {
        Post storage p = _posts[epoch];
        return (p.root, p.dataHash, p.postSeq, p.status);
    }

    function priceAt(bytes32 poolId, uint256 epoch) external view returns (uint256) {
        return _prices[poolId][epoch];
    }

    function ticketSignerAt(bytes32 poolId, uint256 timestamp) external view returns (address) {
        if (_signerRotatedAt[poolId] != 0 && timestamp < _signerRotatedAt[poolId]) return _signersBefore[poolId];
        return _signers[poolId];
    }

    function challengeInfo(uint256 challengeId) external view returns (ChallengeInfo memory) {
        return _challenges[challengeId];
    }

    function config() external view returns (DistributorConfig memory) {
        return _config;
    }

    /// @notice As the distributor: only the prover; the post must be current and actionable; it is rejected (status
    /// 0) and its open challenges closed.
    function rejectProven(uint256 epoch, uint256 postSeq, address prover_) external {
        if (msg.sender != prover) revert SourceHarnessNotProver(msg.sender);
        Post storage p = _posts[epoch];
        if (p.postSeq != postSeq || (p.status != 1 && p.status != 2)) {
            revert SourceHarnessNotActionable(epoch, postSeq);
        }
        p.status = 0;
        rejections.push(Rejection(epoch, postSeq, prover_));
    }

    /// @notice Marks a challenge upheld (what the distributor does when its post is rejected).
    function closeChallenge(uint256 challengeId) external {
        _challenges[challengeId].status = ChallengeStatus.Upheld;
    }
}
