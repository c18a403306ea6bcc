// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 that refuses zero-amount transfers, as some deployed tokens do (e.g. LEND-style tokens).
contract ZeroTransferRevertingToken is ERC20 {
    constructor() ERC20("Zero Refusing", "ZR") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        require(value > 0 || from == address(0), "zero transfer");
        super._update(from, to, value);
    }
}
