// Test helper: plays a (possibly cheating) aggregator against the test chain: writes each epoch's bundle per
// docs/bundle.md, serves it over real HTTP and posts the root from the registered aggregator account.
import type { Hex, RewardLeaf, SignedChunkReceipt, SignedViewerTicket } from "../../../src/protocol/types.ts";
import { startBundleServer } from "./bundleServer.ts";
import { type BundleCheat, buildTestBundle, type TestBundle } from "./testBundle.ts";
import type { VerifierChain } from "./verifierChain.ts";

export type PostOptions = {
  tickets: SignedViewerTicket[];
  receipts: SignedChunkReceipt[];
  credited?: SignedChunkReceipt[];
  cheat?: BundleCheat;
  /** Post this hash instead of the bundle's. */
  bundleHash?: Hex;
  /** Do not serve the bundle at its URI. */
  unavailable?: boolean;
  /** Runs after the snapshot block and before the post (e.g. funding the pool). */
  beforePost?: () => Promise<void>;
  /** Pool facts override (what a cheater claims). */
  pools?: (
    facts: { poolId: Hex; pricePerGB: bigint; available: bigint }[],
  ) => { poolId: Hex; pricePerGB: bigint; available: bigint }[];
};

export async function createEpochDriver(chain: VerifierChain) {
  const server = await startBundleServer();
  const live = new Map<bigint, { bundle: TestBundle; hash: Hex }>();
  let n = 0;
  return {
    server,
    live,
    /** Closes `epoch`, writes and serves its bundle (on top of the live previous epoch) and posts it. */
    async post(
      epoch: bigint,
      o: PostOptions,
    ): Promise<{ bundle: TestBundle; uri: string; blockNumber: bigint; postedHash: Hex }> {
      const snapshot = await chain.closeEpoch(epoch);
      const facts = await chain.poolFacts(epoch, snapshot);
      const previous = epoch > 0n ? live.get(epoch - 1n) : undefined;
      const bundle = buildTestBundle({
        domain: chain.domain,
        epochParams: chain.epochParams,
        epoch,
        previousBundleHash: previous?.hash,
        snapshotBlock: snapshot,
        tickets: o.tickets,
        receipts: o.receipts,
        ...(o.credited ? { credited: o.credited } : {}),
        pools: o.pools ? o.pools(facts) : facts,
        previousLeaves: previous?.bundle.leaves ?? ([] as RewardLeaf[]),
        ...(o.cheat ? { cheat: o.cheat } : {}),
      });
      n += 1;
      const path = `/bundles/${epoch}-${n}.ndjson`;
      const uri = o.unavailable ? server.urlOf(path) : server.put(path, bundle.bytes);
      await o.beforePost?.();
      const postedHash = o.bundleHash ?? bundle.hash;
      const blockNumber = await chain.postEpoch({
        epoch,
        root: bundle.root,
        poolTotals: bundle.poolTotals,
        bundleHash: postedHash,
        bundleURI: uri,
      });
      live.set(epoch, { bundle, hash: postedHash });
      return { bundle, uri, blockNumber, postedHash };
    },
    /** Forgets epochs from `epoch` on (after a rejection). */
    rejectFrom(epoch: bigint): void {
      for (const e of [...live.keys()]) if (e >= epoch) live.delete(e);
    },
    close: () => server.close(),
  };
}
