import { rewardLeafToJson } from "../../protocol/bundle/rewardLeafToJson.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import type { Address, Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import type { AggregatorLeaf, ExplorerApi } from "../api/ExplorerApi.ts";
import type { ChainView, EpochPostView, ExplorerChain } from "../chain/ExplorerChain.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import { checkPayoutProof } from "../proof/checkPayoutProof.ts";
import { type BundleProofs, proveFromBundle } from "../proof/proveFromBundle.ts";
import type { RelayPoolPosition, RelayPosition } from "./RelayPosition.ts";

let fastKeccak: Promise<Keccak256> | undefined;

/**
 * An account's position in every pool: its leaves in the latest posted epochs (aggregator's leaf endpoint, each
 * bound to the bundle hash posted on chain), what it claimed (chain), and the proof of the epoch claims use now:
 * that epoch's bundle leaves streamed and the tree rebuilt in the browser (proveFromBundle, one pass for every
 * pool), checked against the on-chain root; the amounts of that epoch are the bundle's. `epochs` bounds how many
 * recent epochs the chart reads.
 */
export async function readRelayPosition(args: {
  account: Address;
  view: ChainView;
  chain: ExplorerChain;
  api: ExplorerApi;
  epochs?: number;
}): Promise<RelayPosition> {
  const { view, account } = args;
  const live = new Map<bigint, EpochPostView>();
  for (const p of view.posts) if (!p.rejected && p.epoch < view.nextEpoch) live.set(p.epoch, p);
  const epochs = [...live.keys()].sort((a, b) => (a < b ? -1 : 1));
  const latestPosted = epochs.at(-1) ?? null;
  const latestClaimable = view.latestClaimableEpoch;
  const pools: RelayPoolPosition[] = [];
  let epochsRead = 0;
  // One streamed pass over an epoch's bundle proves the account's leaves in every pool; the likely proof epoch is
  // started at once, while the leaf endpoint and the chain are read.
  const scans = new Map<bigint, Promise<BundleProofs & { url: string; servedHash: Hex | null }>>();
  const scan = (epoch: bigint) => {
    let p = scans.get(epoch);
    if (!p) {
      const post = live.get(epoch)!;
      p = (async () => {
        fastKeccak ??= createFastKeccak256();
        const opened = await args.api.openBundleLeaves(epoch, post.bundleHash);
        const proofs = await proveFromBundle({
          body: opened.body,
          startAt: opened.startAt,
          account,
          keccak: await fastKeccak,
        });
        return { ...proofs, url: opened.url, servedHash: opened.servedHash };
      })();
      p.catch(() => undefined);
      scans.set(epoch, p);
    }
    return p;
  };
  const likely = latestClaimable !== null && live.has(latestClaimable) ? latestClaimable : latestPosted;
  if (likely !== null && view.pools.length > 0 && live.get(likely)!.root !== EMPTY_EPOCH_ROOT) scan(likely);
  for (const pool of view.pools) {
    // An account earns in an epoch only if its pool spent something in it: the chart reads those epochs (the
    // latest `epochs` of them), plus the latest posted and claimable epochs for the totals.
    const recent = epochs.filter((e) => live.get(e)!.poolTotals.some((t) => t.poolId === pool.poolId && t.amount > 0n));
    const charted = recent.slice(-(args.epochs ?? 24));
    epochsRead = Math.max(epochsRead, charted.length);
    const wanted = new Set(charted);
    if (latestPosted !== null) wanted.add(latestPosted);
    if (latestClaimable !== null && live.has(latestClaimable)) wanted.add(latestClaimable);
    const leaves = new Map<bigint, AggregatorLeaf>();
    await Promise.all(
      [...wanted].map(async (epoch) => {
        const post = live.get(epoch)!;
        // An epoch posted with the empty root has no leaf at all: nothing to ask for.
        if (post.root === EMPTY_EPOCH_ROOT) return;
        const leaf = await args.api.readLeaf(epoch, pool.poolId, account, post.bundleHash);
        if (leaf) leaves.set(epoch, leaf);
      }),
    );
    if (leaves.size === 0) continue;
    const claimed = await args.chain.readClaimed(pool.poolId, account);
    const at = (epoch: bigint | null) => (epoch === null ? undefined : leaves.get(epoch));
    const proofEpoch = at(latestClaimable) ? latestClaimable! : latestPosted;
    const served = at(proofEpoch);
    let proof = null;
    let leaf: RewardLeaf | null = null;
    if (served && proofEpoch !== null) {
      const bundle = await scan(proofEpoch);
      const found = bundle.leaves.find((l) => l.leaf.poolId === pool.poolId.toLowerCase());
      if (!found)
        throw new ExplorerError(
          "BUNDLE_MALFORMED",
          `The aggregator serves a leaf of ${account} in pool ${pool.poolId} for epoch ${proofEpoch}, but the bundle ` +
            `posted on chain has none (${bundle.leafCount} leaves read from ${bundle.url}).`,
        );
      leaf = found.leaf;
      // The amounts of the proven epoch are the bundle's (the served leaf is only compared, in the proof).
      leaves.set(proofEpoch, { ...served, leaf: rewardLeafToJson(found.leaf) });
      proof = checkPayoutProof({
        epoch: proofEpoch,
        found,
        bundle,
        postedBundleHash: live.get(proofEpoch)!.bundleHash,
        served: { leaf: toLeaf(served), leafHash: served.leafHash, proof: served.proof },
        onChainRoot: await args.chain.readEpochRoot(proofEpoch),
      });
    }
    const claimableCum = at(latestClaimable) ? BigInt(at(latestClaimable)!.leaf.cumulativeAmount) : 0n;
    const earned = at(latestPosted) ? BigInt(at(latestPosted)!.leaf.cumulativeAmount) : claimableCum;
    const settled = claimableCum > claimed ? claimableCum : claimed;
    const pending = earned > settled ? earned - settled : 0n;
    const latestInfo = latestPosted === null ? undefined : view.epochs.get(latestPosted);
    const blockedBy = firstBlockingChallenge(view, latestClaimable);

    pools.push({
      poolId: pool.poolId,
      token: pool.token,
      earned,
      claimable: claimableCum > claimed ? claimableCum - claimed : 0n,
      pending,
      claimed,
      pendingUntil: pending > 0n && latestInfo && blockedBy === null ? latestInfo.claimableAt : null,
      pendingBlockedBy: pending > 0n ? blockedBy : null,
      perEpoch: charted
        .filter((e) => leaves.has(e))
        .map((e) => ({
          epoch: e,
          bytes: BigInt(leaves.get(e)!.leaf.epochBytes),
          amount: BigInt(leaves.get(e)!.leaf.epochAmount),
        })),
      proof,
      leaf,
    });
  }
  return {
    account,
    latestPostedEpoch: latestPosted,
    latestClaimableEpoch: latestClaimable,
    pools,
    epochsRead,
  };
}

function toLeaf(served: AggregatorLeaf): RewardLeaf {
  const l = served.leaf;
  return {
    account: l.account.toLowerCase() as Address,
    poolId: l.poolId.toLowerCase() as Hex,
    cumulativeAmount: BigInt(l.cumulativeAmount),
    epochBytes: BigInt(l.epochBytes),
    epochAmount: BigInt(l.epochAmount),
    receiptsRoot: l.receiptsRoot.toLowerCase() as Hex,
  };
}

/** The open challenge on the earliest epoch after the latest claimable one: until it is decided nothing later pays. */
function firstBlockingChallenge(view: ChainView, latestClaimable: bigint | null): bigint | null {
  const open = view.challenges
    .filter((c) => c.status === "open" && (latestClaimable === null || c.epoch > latestClaimable))
    .sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
  return open[0]?.challengeId ?? null;
}
