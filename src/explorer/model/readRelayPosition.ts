import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import type { Address, Hex, RewardLeaf } from "../../protocol/types.ts";
import type { AggregatorLeaf, ExplorerApi } from "../api/ExplorerApi.ts";
import type { ChainView, EpochPostView, ExplorerChain } from "../chain/ExplorerChain.ts";
import { checkPayoutProof } from "../proof/checkPayoutProof.ts";
import type { RelayPoolPosition, RelayPosition } from "./RelayPosition.ts";

/**
 * An account's position in every pool: its leaves in the latest posted epochs (aggregator's leaf endpoint, each
 * bound to the bundle hash posted on chain), what it claimed (chain), and the proof of the epoch claims use now,
 * checked in the browser against the on-chain root. `epochs` bounds how many recent epochs the chart reads.
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
    const claimableCum = at(latestClaimable) ? BigInt(at(latestClaimable)!.leaf.cumulativeAmount) : 0n;
    const earned = at(latestPosted) ? BigInt(at(latestPosted)!.leaf.cumulativeAmount) : claimableCum;
    const settled = claimableCum > claimed ? claimableCum : claimed;
    const pending = earned > settled ? earned - settled : 0n;
    const latestInfo = latestPosted === null ? undefined : view.epochs.get(latestPosted);
    const blockedBy = firstBlockingChallenge(view, latestClaimable);

    const proofEpoch = at(latestClaimable) ? latestClaimable! : latestPosted;
    const served = at(proofEpoch);
    let proof = null;
    let leaf: RewardLeaf | null = null;
    if (served && proofEpoch !== null) {
      leaf = toLeaf(served);
      proof = checkPayoutProof({
        epoch: proofEpoch,
        leaf,
        proof: served.proof,
        servedLeafHash: served.leafHash,
        servedBundleHash: served.bundleHash,
        postedBundleHash: live.get(proofEpoch)!.bundleHash,
        onChainRoot: await args.chain.readEpochRoot(proofEpoch),
      });
    }
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
