// Test helper: a lying aggregator, an HTTP proxy in front of the real one that forwards every request and rewrites
// what a relay's rewards depend on: `lie: "proof"` forges the claim proofs of GET /v1/accounts/:account/rewards (and
// inflates `claimable`), `lie: "amount"` inflates the leaves of GET /v1/epochs/:epoch/leaves/:poolId/:account; either
// way a leaf and proof the chain's root does not back. No tests here.
import { createServer } from "node:http";
import { freePort } from "./startHardhatNode.ts";

export type LyingAggregator = { url: string; requests: string[]; close(): Promise<void> };

const FORGED = `0x${"11".repeat(32)}`;

export async function startLyingAggregator(target: string, lie: "proof" | "amount"): Promise<LyingAggregator> {
  const port = await freePort();
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const upstream = await fetch(new URL(req.url ?? "/", target), {
      method: req.method,
      headers: { accept: "application/json" },
    });
    let text = await upstream.text();
    const path = new URL(req.url ?? "/", target).pathname;
    if (lie === "proof" && upstream.ok && /^\/v1\/accounts\/[^/]+\/rewards$/.test(path)) {
      const body = JSON.parse(text) as { pools: { claimable: string; claim: { proof: string[] } | null }[] };
      for (const p of body.pools)
        if (p.claim) {
          p.claim.proof = p.claim.proof.length > 0 ? p.claim.proof.map(() => FORGED) : [FORGED];
          p.claimable = String(BigInt(p.claimable) * 10n);
        }
      text = JSON.stringify(body);
    } else if (lie === "amount" && upstream.ok && /^\/v1\/epochs\/\d+\/leaves\/[^/]+\/[^/]+$/.test(path)) {
      const body = JSON.parse(text) as { leaf: { cumulativeAmount: string } };
      body.leaf.cumulativeAmount = String(BigInt(body.leaf.cumulativeAmount) * 10n);
      text = JSON.stringify(body);
    }
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
