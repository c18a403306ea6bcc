import {
  type AbiEvent,
  type Client,
  encodeEventTopics,
  formatLog,
  type Hex,
  type Log,
  numberToHex,
  parseEventLogs,
  type RpcLog,
  toEventSelector,
} from "viem";

/**
 * eth_getLogs for `events` of `address` over [fromBlock, toBlock] in ranges of at most `range` blocks (public RPC
 * endpoints cap the span of one query; default 5,000), decoded with viem's parseEventLogs (strict: a log that does
 * not decode is dropped). With `args` (one event only) the filter goes into the topics. Logs come in chain order.
 */
export async function getLogsChunked<const events extends readonly AbiEvent[]>(
  client: Client,
  args: {
    address: Hex;
    events: events;
    fromBlock: bigint;
    toBlock: bigint;
    range?: bigint;
    args?: Record<string, unknown>;
  },
): Promise<Log<bigint, number, false, undefined, true, events>[]> {
  const range = args.range ?? 5_000n;
  const topics =
    args.args && args.events.length === 1
      ? encodeEventTopics({ abi: args.events as readonly AbiEvent[], args: args.args } as never)
      : [args.events.map((e) => toEventSelector(e))];
  const out: Log<bigint, number, false, undefined, true, events>[] = [];
  for (let from = args.fromBlock; from <= args.toBlock; from += range) {
    const to = from + range - 1n < args.toBlock ? from + range - 1n : args.toBlock;
    const raw = (await client.request({
      method: "eth_getLogs",
      params: [{ address: args.address, topics, fromBlock: numberToHex(from), toBlock: numberToHex(to) }],
    } as never)) as RpcLog[];
    const logs = parseEventLogs({ abi: args.events, logs: raw.map((l) => formatLog(l)), strict: true });
    out.push(...(logs as unknown as Log<bigint, number, false, undefined, true, events>[]));
  }
  return out;
}
