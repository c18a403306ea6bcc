// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PoolIdLib
/// @notice A pool id is `uint256(uint160(token_)) << 96 | sequence`. Carrying the token inside the id lets a claim
/// pay out without reading the pool's configuration from storage, which keeps the claim a cold read cheaper.
library PoolIdLib {
    function toPoolId(address token_, uint96 sequence) internal pure returns (bytes32) {
        return bytes32((uint256(uint160(token_)) << 96) | sequence);
    }

    function token(bytes32 poolId) internal pure returns (address) {
        return address(uint160(uint256(poolId) >> 96));
    }
}
