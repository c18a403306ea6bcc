import type { AbiEvent, Log } from "viem";
import { getLogsChunked } from "../../contracts/getLogsChunked.ts";
import type { Chain } from "./connectChain.ts";

/**
 * The distributor's `events` from the deployment block (or `fromBlock`) to the latest block, read in ranges of
 * `chain.logBlockRange` blocks so that hosted RPCs that cap one eth_getLogs query still answer. `args` filters on
 * indexed arguments (one event only). Logs come in chain order.
 */
export async function getChainLogs<const events extends readonly AbiEvent[]>(
  chain: Chain,
  query: { events: events; args?: Record<string, unknown>; fromBlock?: bigint },
): Promise<Log<bigint, number, false, undefined, true, events>[]> {
  const toBlock = await chain.publicClient.getBlockNumber();
  return getLogsChunked(chain.publicClient, {
    address: chain.distributor,
    events: query.events,
    fromBlock: query.fromBlock ?? chain.fromBlock,
    toBlock,
    range: chain.logBlockRange,
    ...(query.args ? { args: query.args } : {}),
  });
}
