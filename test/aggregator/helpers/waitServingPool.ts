import { readFileSync } from "node:fs";
import { type AggregatorProcess, waitFor, waitHealthy } from "./aggregatorProcess.ts";

/**
 * Waits until every process of `procs` is healthy (60 s; the failure carries every process's log) and lists `poolId`
 * in GET /v1/pools (on a shared database the closer follows the pool in, the others read it from there).
 */
export async function waitServingPool(procs: readonly AggregatorProcess[], poolId: string): Promise<void> {
  await Promise.all(procs.map((p) => waitHealthy(p, 60_000))).catch((err) => {
    const logs = procs.map((p) => `${p.logPath}:\n${readFileSync(p.logPath, "utf8")}`).join("\n----\n");
    throw new Error(`${(err as Error).message}\n${logs}`);
  });
  for (const p of procs)
    await waitFor("the pool in GET /v1/pools", async () => {
      const res = (await (await fetch(`${p.url}/v1/pools`)).json()) as { pools: { poolId: string }[] };
      return res.pools.some((x) => x.poolId === poolId);
    });
}
