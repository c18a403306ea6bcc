/**
 * How to get blocks while idle on the node behind `clientVersion` (web3_clientVersion), which the aggregator needs
 * after every epoch's close: Anvil and Hardhat both mine only on transactions by default, and their
 * evm_setIntervalMining differ (Anvil: seconds, Hardhat: milliseconds). Undefined for other nodes.
 */
export function getIdleBlocksHint(clientVersion: string): string | undefined {
  if (/^anvil/i.test(clientVersion))
    return (
      "Anvil mines only on transactions unless started with `anvil --block-time 1`; on a running Anvil " +
      "evm_setIntervalMining takes seconds ([1]), not Hardhat's milliseconds."
    );
  if (/hardhat/i.test(clientVersion))
    return (
      "Hardhat mines only on transactions: `meshpay dev node` adds a block every --block-time; on a plain " +
      "`hardhat node`, evm_setIntervalMining takes milliseconds ([1000]), not Anvil's seconds."
    );
  return undefined;
}
