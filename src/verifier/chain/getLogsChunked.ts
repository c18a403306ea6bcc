import type { AbiEvent, Log } from "viem";
import type { Address } from "../../protocol/types.ts";
import type { VerifierPublicClient } from "./types.ts";

/**
 * eth_getLogs over [fromBlock, toBlock] in ranges of at most `range` blocks (providers cap the span of one
 * query), for `events` of `address`. Logs come in chain order.
 */
export async function getLogsChunked<const events extends readonly AbiEvent[]>(
  client: VerifierPublicClient,
  args: {
    address: Address;
    events: events;
    fromBlock: bigint;
    toBlock: bigint;
    range?: bigint;
    args?: Record<string, unknown>;
  },
): Promise<Log<bigint, number, false, undefined, true, events>[]> {
  const range = args.range ?? 5_000n;
  const out: Log<bigint, number, false, undefined, true, events>[] = [];
  for (let from = args.fromBlock; from <= args.toBlock; from += range) {
    const to = from + range - 1n < args.toBlock ? from + range - 1n : args.toBlock;
    const logs = await client.getLogs({
      address: args.address,
      events: args.events,
      fromBlock: from,
      toBlock: to,
      strict: true,
      ...(args.args ? { args: args.args } : {}),
    } as never);
    out.push(...(logs as unknown as Log<bigint, number, false, undefined, true, events>[]));
  }
  return out;
}
