import type { BundlePoolLine } from "../bundle/BundleCheck.ts";
import type { ChainView } from "../chain/ExplorerChain.ts";
import type { PoolSummary } from "./PoolSummary.ts";

/**
 * Per pool: what each live (not rejected) epoch post allocated to it (poolTotals on chain), the bytes its bundle's
 * pool line counts, and the blended cost per GB over the epochs whose bytes are known.
 */
export function summarizePools(view: ChainView, bundlePools: Map<bigint, BundlePoolLine[]>): PoolSummary[] {
  const live = view.posts.filter((p) => !p.rejected);
  return view.pools.map((pool) => {
    const perEpoch = live.map((post) => {
      const lines = bundlePools.get(post.epoch);
      const line = lines?.find((l) => l.poolId === pool.poolId);
      return {
        epoch: post.epoch,
        spent: post.poolTotals.find((t) => t.poolId === pool.poolId)?.amount ?? 0n,
        bytes: lines ? (line?.epochBytes ?? 0n) : null,
      };
    });
    const known = perEpoch.filter((e) => e.bytes !== null);
    const bytes = known.reduce((s, e) => s + e.bytes!, 0n);
    const spentKnown = known.reduce((s, e) => s + e.spent, 0n);
    return {
      pool,
      perEpoch,
      spent: perEpoch.reduce((s, e) => s + e.spent, 0n),
      bytes,
      costPerGB: bytes > 0n ? (spentKnown * 1_000_000_000n) / bytes : null,
    };
  });
}
