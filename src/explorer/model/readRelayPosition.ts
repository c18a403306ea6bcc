import type { AggregatorLeaf } from "../../client/types.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import type { Address, Hex, Keccak256, RewardLeaf } from "../../protocol/types.ts";
import type { ExplorerApi } from "../api/ExplorerApi.ts";
import type { ChainView, EpochPostView, ExplorerChain } from "../chain/ExplorerChain.ts";
import { ExplorerError } from "../errors/ExplorerError.ts";
import { checkPayoutProof } from "../proof/checkPayoutProof.ts";
import type { ProofSource } from "../proof/ProofCheck.ts";
import { type BundleLeafProof, type BundleProofs, proveFromBundle } from "../proof/proveFromBundle.ts";
import type { RelayPoolPosition, RelayPosition } from "./RelayPosition.ts";

let fastKeccak: Promise<Keccak256> | undefined;

/**
 * An account's position in every pool: its leaves in the latest posted epochs (the aggregator's leaf endpoint, each
 * asked for the bundle hash posted on chain), what it claimed (chain), and the proof of the epoch claims use now
 * (latest claimable, else latest posted), checked step by step against the root the contract holds
 * (checkPayoutProof). The proof is the aggregator's (leaf, leaf hash, path), not trusted: the leaf hash is
 * recomputed and the path folded here, and the on-chain root alone decides. When the leaf endpoint does not answer
 * (down, failing), the proof epoch's bundle leaf section is streamed and the tree rebuilt in the browser instead
 * (proveFromBundle; slower, as correct), and the totals come from the bundles. Whether the bundle's bytes match the
 * posted bundle hash is the page's separate, background check. `epochs` bounds how many recent epochs the chart
 * reads.
 */
export async function readRelayPosition(args: {
  account: Address;
  view: ChainView;
  chain: ExplorerChain;
  api: ExplorerApi;
  epochs?: number;
}): Promise<RelayPosition> {
  const { view } = args;
  const account = args.account.toLowerCase() as Address;
  const live = new Map<bigint, EpochPostView>();
  for (const p of view.posts) if (!p.rejected && p.epoch < view.nextEpoch) live.set(p.epoch, p);
  const epochs = [...live.keys()].sort((a, b) => (a < b ? -1 : 1));
  const latestPosted = epochs.at(-1) ?? null;
  const latestClaimable = view.latestClaimableEpoch;
  let epochsRead = 0;

  // The on-chain root of the likely proof epoch is read at once, while the leaves are asked for.
  const roots = new Map<bigint, Promise<Hex>>();
  const rootOf = (epoch: bigint) => {
    let p = roots.get(epoch);
    if (!p) {
      p = args.chain.readEpochRoot(epoch);
      p.catch(() => undefined);
      roots.set(epoch, p);
    }
    return p;
  };
  const likely = latestClaimable !== null && live.has(latestClaimable) ? latestClaimable : latestPosted;
  if (likely !== null && view.pools.length > 0 && live.get(likely)!.root !== EMPTY_EPOCH_ROOT) rootOf(likely);

  // Fallback only: one streamed pass over an epoch's bundle leaf section proves the account's leaves in every pool.
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

  const readPool = async (pool: ChainView["pools"][number]): Promise<RelayPoolPosition | null> => {
    const poolId = pool.poolId.toLowerCase() as Hex;
    // An account earns in an epoch only if its pool spent something in it: the chart reads those epochs (the
    // latest `epochs` of them), plus the latest posted and claimable epochs for the totals.
    const recent = epochs.filter((e) => live.get(e)!.poolTotals.some((t) => t.poolId === pool.poolId && t.amount > 0n));
    const charted = recent.slice(-(args.epochs ?? 24));
    epochsRead = Math.max(epochsRead, charted.length);
    const totals = new Set<bigint>();
    if (latestPosted !== null) totals.add(latestPosted);
    if (latestClaimable !== null && live.has(latestClaimable)) totals.add(latestClaimable);
    const wanted = new Set([...charted, ...totals]);
    const leaves = new Map<bigint, RewardLeaf>();
    const served = new Map<bigint, AggregatorLeaf>();
    let leafEndpointError: unknown = null;
    const claimed = args.chain.readClaimed(pool.poolId, account);
    claimed.catch(() => undefined);
    await Promise.all(
      [...wanted].map(async (epoch) => {
        const post = live.get(epoch)!;
        // An epoch posted with the empty root has no leaf at all: nothing to ask for.
        if (post.root === EMPTY_EPOCH_ROOT) return;
        let answer: AggregatorLeaf | null;
        let value: RewardLeaf;
        try {
          answer = await args.api.readLeaf(epoch, pool.poolId, account, post.bundleHash);
          if (!answer) return;
          value = toLeaf(answer, epoch);
        } catch (err) {
          leafEndpointError ??= err;
          return;
        }
        served.set(epoch, answer);
        leaves.set(epoch, value);
      }),
    );
    // The leaf endpoint did not answer: the totals' epochs from their bundles, streamed (the slow, as correct path).
    const fromBundle = new Map<bigint, BundleLeafProof & { bundle: Awaited<ReturnType<typeof scan>> }>();
    if (leafEndpointError !== null) {
      try {
        await Promise.all(
          [...totals]
            .filter((e) => !served.has(e) && live.get(e)!.root !== EMPTY_EPOCH_ROOT)
            .map(async (epoch) => {
              const bundle = await scan(epoch);
              const found = bundle.leaves.find((l) => l.leaf.poolId === poolId);
              if (!found) return;
              fromBundle.set(epoch, { ...found, bundle });
              leaves.set(epoch, found.leaf);
            }),
        );
      } catch {
        // Neither the leaf endpoint nor the bundle: the aggregator's error is the page's.
        throw leafEndpointError;
      }
    }
    if (leaves.size === 0) return null;
    const at = (epoch: bigint | null) => (epoch === null ? undefined : leaves.get(epoch));
    const proofEpoch = at(latestClaimable) ? latestClaimable! : latestPosted;
    let proof = null;
    let leaf: RewardLeaf | null = null;
    if (proofEpoch !== null && at(proofEpoch)) {
      const post = live.get(proofEpoch)!;
      const answer = served.get(proofEpoch);
      const bundled = fromBundle.get(proofEpoch);
      const source: ProofSource = answer
        ? {
            kind: "aggregator",
            url: `aggregator /v1/epochs/${proofEpoch}/leaves/${poolId}/${account}?hash=${post.bundleHash}`,
            bundleHash: answer.bundleHash,
            leaf: leaves.get(proofEpoch)!,
            leafHash: answer.leafHash,
            proof: Array.isArray(answer.proof) ? answer.proof : [answer.proof as unknown as Hex],
          }
        : {
            kind: "bundle",
            url: bundled!.bundle.url,
            leafCount: bundled!.bundle.leafCount,
            root: bundled!.bundle.root,
            servedHash: bundled!.bundle.servedHash,
            leaf: bundled!.leaf,
            leafHash: bundled!.leafHash,
            proof: bundled!.proof,
          };
      leaf = source.leaf;
      proof = checkPayoutProof({
        epoch: proofEpoch,
        account,
        poolId,
        source,
        postedBundleHash: post.bundleHash,
        onChainRoot: await rootOf(proofEpoch),
      });
    }
    const claimedAmount = await claimed;
    const claimableCum = at(latestClaimable)?.cumulativeAmount ?? 0n;
    const earned = at(latestPosted)?.cumulativeAmount ?? claimableCum;
    const settled = claimableCum > claimedAmount ? claimableCum : claimedAmount;
    const pending = earned > settled ? earned - settled : 0n;
    const latestInfo = latestPosted === null ? undefined : view.epochs.get(latestPosted);
    const blockedBy = firstBlockingChallenge(view, latestClaimable);
    return {
      poolId: pool.poolId,
      token: pool.token,
      earned,
      claimable: claimableCum > claimedAmount ? claimableCum - claimedAmount : 0n,
      pending,
      claimed: claimedAmount,
      pendingUntil: pending > 0n && latestInfo && blockedBy === null ? latestInfo.claimableAt : null,
      pendingBlockedBy: pending > 0n ? blockedBy : null,
      perEpoch: charted
        .filter((e) => leaves.has(e))
        .map((e) => ({ epoch: e, bytes: leaves.get(e)!.epochBytes, amount: leaves.get(e)!.epochAmount })),
      proof,
      leaf,
    };
  };
  const pools = (await Promise.all(view.pools.map(readPool))).filter((p) => p !== null);
  return {
    account,
    latestPostedEpoch: latestPosted,
    latestClaimableEpoch: latestClaimable,
    pools,
    epochsRead,
  };
}

/** The leaf of an aggregator's answer, as values (a malformed answer is the aggregator's error). */
function toLeaf(served: AggregatorLeaf, epoch: bigint): RewardLeaf {
  const l = served.leaf;
  try {
    return {
      account: l.account.toLowerCase() as Address,
      poolId: l.poolId.toLowerCase() as Hex,
      cumulativeAmount: BigInt(l.cumulativeAmount),
      epochBytes: BigInt(l.epochBytes),
      epochAmount: BigInt(l.epochAmount),
      receiptsRoot: l.receiptsRoot.toLowerCase() as Hex,
    };
  } catch (cause) {
    throw new ExplorerError(
      "AGGREGATOR_ERROR",
      `The aggregator's leaf of epoch ${epoch} is malformed: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** The open challenge on the earliest epoch after the latest claimable one: until it is decided nothing later pays. */
function firstBlockingChallenge(view: ChainView, latestClaimable: bigint | null): bigint | null {
  const open = view.challenges
    .filter((c) => c.status === "open" && (latestClaimable === null || c.epoch > latestClaimable))
    .sort((a, b) => (a.epoch < b.epoch ? -1 : 1));
  return open[0]?.challengeId ?? null;
}
