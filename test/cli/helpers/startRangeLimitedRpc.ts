// Test helper: a JSON-RPC proxy in front of a node that refuses eth_getLogs spanning more than `maxRange` blocks, as
// hosted endpoints do ("query exceeds max block range"), and records every eth_getLogs span it saw.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

type RpcRequest = { id?: unknown; method?: string; params?: { fromBlock?: string; toBlock?: string }[] };

export type RangeLimitedRpc = {
  url: string;
  /** The block span of every eth_getLogs request, in order (refused ones included). */
  spans: bigint[];
  close(): Promise<void>;
};

export async function startRangeLimitedRpc(upstream: string, maxRange: bigint): Promise<RangeLimitedRpc> {
  const spans: bigint[] = [];
  const head = async (): Promise<bigint> => {
    const r = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
    });
    return BigInt(((await r.json()) as { result: string }).result);
  };
  const block = async (tag: string | undefined): Promise<bigint> =>
    tag === undefined || tag === "latest" || tag === "pending" ? head() : tag === "earliest" ? 0n : BigInt(tag);
  const refusal = async (req: RpcRequest) => {
    if (req.method !== "eth_getLogs") return undefined;
    const filter = req.params?.[0] ?? {};
    const span = (await block(filter.toBlock)) - (await block(filter.fromBlock)) + 1n;
    spans.push(span);
    if (span <= maxRange) return undefined;
    return {
      jsonrpc: "2.0",
      id: req.id,
      error: { code: -32005, message: `query exceeds max block range ${maxRange}` },
    };
  };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    const requests = Array.isArray(parsed) ? parsed : [parsed];
    const refused = await Promise.all(requests.map(refusal));
    if (refused.some((r) => r !== undefined)) {
      const answers = await Promise.all(requests.map(async (r, i) => refused[i] ?? (await forward(r))));
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
      return;
    }
    const upstreamRes = await fetch(upstream, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    res.statusCode = upstreamRes.status;
    res.setHeader("content-type", "application/json");
    res.end(await upstreamRes.text());
  });
  const forward = async (r: RpcRequest) =>
    (
      await fetch(upstream, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(r),
      })
    ).json();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
