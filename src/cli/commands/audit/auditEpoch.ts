import { rewardDistributorAbi as distributorAbi } from "../../../contracts/abis.ts";
import { getEpoch } from "../../../protocol/epoch/getEpoch.ts";
import { getEpochClosesAt } from "../../../protocol/epoch/getEpochClosesAt.ts";
import { createFastKeccak256 } from "../../../protocol/hash/createFastKeccak256.ts";
import { createNodeReceiptVerifier } from "../../../protocol/node/createNodeReceiptVerifier.ts";
import {
  computeEpochRewards,
  type RewardCredit,
  type RewardPool,
} from "../../../protocol/rewards/computeEpochRewards.ts";
import { buildRewardTree } from "../../../protocol/tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../../../protocol/tree/emptyEpochRoot.ts";
import type { Address, EpochParams, Hex, PoolInfo, RewardLeaf, SignedViewerTicket } from "../../../protocol/types.ts";
import { bytesToHex } from "../../../protocol/utils/bytes.ts";
import { validateReceipt } from "../../../protocol/validation/validateReceipt.ts";
import { downloadBundle } from "../../bundle/downloadBundle.ts";
import type { EpochBundle } from "../../bundle/EpochBundle.ts";
import { parseEpochBundle } from "../../bundle/parseEpochBundle.ts";
import { type Chain, connectChain } from "../../chain/connectChain.ts";
import { parseInteger } from "../../chain/parseArguments.ts";
import { readEpochPost } from "../../chain/readEpochPost.ts";
import type { CommandContext } from "../../context/CliDeps.ts";

const ZERO32 = `0x${"00".repeat(32)}` as Hex;
/** Findings of one kind listed in full up to this many; the rest are counted. */
const MAX_LISTED = 20;

export type Finding = { code: string; message: string };

export type AuditEpochResult = {
  ok: boolean;
  epoch: bigint;
  status: "pending" | "claimable";
  root: Hex;
  recomputedRoot: Hex | null;
  bundle: { uri: string; hash: Hex; bytes: number };
  counts: {
    pools: number;
    tickets: number;
    receipts: number;
    validReceipts: number;
    invalidReceipts: number;
    leaves: number;
  };
  findings: Finding[];
  /** Findings by code, including those not listed. */
  findingCounts: Record<string, number>;
};

/**
 * `meshpay audit epoch <N>`: re-verifies epoch N from public data only — the chain and the published bundles.
 * Checks the bundle's hash against the post, its header against the chain and the previous post, every ticket hash
 * and receiptId, every receipt by the protocol's rules (viewer signature, ticket signed by the pool's signer in force
 * at delivery — ticketSignerAt on chain — ticket window, maxBytes, uniqueness, epoch), each pool's price (priceAt) and
 * available balance (poolInfo at the snapshot block), recomputes every leaf (cumulative amounts from the previous
 * epoch's bundle) and the root, and compares them and the posted pool totals. `ok` is false (exit 6) on any finding.
 */
export async function auditEpoch(
  args: { epoch: string; bundle?: string; previousBundle?: string },
  ctx: CommandContext,
): Promise<AuditEpochResult> {
  const epoch = parseInteger(args.epoch, "epoch");
  const chain = await connectChain(ctx);
  const post = await readEpochPost(chain, epoch);
  const config = await chain.publicClient.readContract({
    address: chain.distributor,
    abi: distributorAbi,
    functionName: "config",
  });
  const params: EpochParams = {
    genesisTime: config.genesisTime,
    epochSeconds: config.epochSeconds,
    graceSeconds: config.graceSeconds,
  };

  const findings: Finding[] = [];
  const findingCounts: Record<string, number> = {};
  const find = (code: string, message: string) => {
    findingCounts[code] = (findingCounts[code] ?? 0) + 1;
    if (findingCounts[code]! <= MAX_LISTED) findings.push({ code, message });
  };

  const downloaded = await downloadBundle(ctx, args.bundle ?? post.bundleURI, `Epoch ${epoch} bundle`);
  if (downloaded.hash !== post.bundleHash)
    find("BUNDLE_HASH_MISMATCH", `The bundle hashes to ${downloaded.hash}, not to the posted ${post.bundleHash}.`);
  const bundle = parseEpochBundle(downloaded.bytes);
  const h = bundle.header;
  const expect = (field: string, got: unknown, want: unknown) => {
    if (String(got).toLowerCase() !== String(want).toLowerCase())
      find("HEADER_MISMATCH", `The header's ${field} is ${got}, but the chain says ${want}.`);
  };
  expect("chainId", h.chainId, chain.chainId);
  expect("distributor", h.distributor, chain.distributor);
  expect("epoch", h.epoch, epoch);
  expect("root", h.root, post.root);
  expect("genesisTime", h.genesisTime, config.genesisTime);
  expect("epochSeconds", h.epochSeconds, config.epochSeconds);
  expect("graceSeconds", h.graceSeconds, config.graceSeconds);

  // The previous epoch: its bundle hash (header link) and its leaves (cumulative amounts).
  let previous: RewardLeaf[] = [];
  if (epoch === 0n) expect("previousBundleHash", h.previousBundleHash, ZERO32);
  else {
    const prevPost = await readEpochPost(chain, epoch - 1n);
    expect("previousBundleHash", h.previousBundleHash, prevPost.bundleHash);
    const prev = await downloadBundle(ctx, args.previousBundle ?? prevPost.bundleURI, `Epoch ${epoch - 1n} bundle`);
    if (prev.hash !== prevPost.bundleHash)
      find(
        "PREVIOUS_BUNDLE_MISMATCH",
        `Epoch ${epoch - 1n}'s bundle hashes to ${prev.hash}, not to its posted ${prevPost.bundleHash}.`,
      );
    previous = parseEpochBundle(prev.bytes, { only: "leaves" }).leaves.map(({ line: _l, ...leaf }) => leaf);
  }

  // The snapshot block must lie after the epoch closed and before the post.
  const snapshot = await chain.publicClient.getBlock({ blockNumber: h.snapshotBlock }).catch(() => undefined);
  const closesAt = getEpochClosesAt(params, epoch);
  if (!snapshot) find("SNAPSHOT_INVALID", `The snapshot block ${h.snapshotBlock} does not exist.`);
  else if (snapshot.timestamp < closesAt || h.snapshotBlock >= post.blockNumber)
    find(
      "SNAPSHOT_INVALID",
      `The snapshot block ${h.snapshotBlock} is not after the epoch closed (${closesAt}) and before the post (block ${post.blockNumber}).`,
    );

  const verifier = await createNodeReceiptVerifier({
    domain: { chainId: chain.chainId, verifyingContract: chain.distributor },
  });
  const tickets = new Map<string, SignedViewerTicket>();
  for (const t of bundle.tickets) {
    const hash = bytesToHex(verifier.ticketHash(t.signed.ticket));
    if (hash !== t.ticketHash)
      find("TICKET_HASH_MISMATCH", `Line ${t.line}: the ticket hashes to ${hash}, not ${t.ticketHash}.`);
    tickets.set(hash, t.signed);
  }

  // Pools as the chain says they were for this epoch.
  const poolIds = new Set<string>([
    ...bundle.receipts.map((r) => r.signed.receipt.poolId),
    ...bundle.pools.map((p) => p.poolId),
  ]);
  const chainPools = await readPoolsForEpoch(
    chain,
    [...poolIds] as Hex[],
    epoch,
    snapshot ? h.snapshotBlock : undefined,
  );
  for (const p of bundle.pools) {
    const c = chainPools.get(p.poolId);
    if (!c?.exists) find("POOL_UNKNOWN", `Line ${p.line}: pool ${p.poolId} does not exist on chain.`);
    else {
      if (c.pricePerGB !== p.pricePerGB)
        find(
          "POOL_PARAMS_MISMATCH",
          `Pool ${p.poolId}: the bundle uses price ${p.pricePerGB}, priceAt(epoch ${epoch}) is ${c.pricePerGB}.`,
        );
      if (c.available !== undefined && c.available !== p.available)
        find(
          "POOL_PARAMS_MISMATCH",
          `Pool ${p.poolId}: the bundle says ${p.available} was available, the chain had ${c.available} unallocated at block ${h.snapshotBlock}.`,
        );
    }
  }

  // Every receipt, in (deliveredAt, receiptId) order as the maxBytes rule counts them.
  const signers = await readTicketSigners(chain, bundle);
  const order = bundle.receipts.map((_, i) => i);
  order.sort((a, b) => {
    const ra = bundle.receipts[a]!;
    const rb = bundle.receipts[b]!;
    const d = ra.signed.receipt.deliveredAt - rb.signed.receipt.deliveredAt;
    return d !== 0n ? (d < 0n ? -1 : 1) : ra.receiptId < rb.receiptId ? -1 : ra.receiptId > rb.receiptId ? 1 : 0;
  });
  const seen = new Set<string>();
  const bytesByTicket = new Map<string, bigint>();
  const credits = new Map<string, RewardCredit & { bytes: bigint; receiptIds: Hex[] }>();
  let valid = 0;
  const bar = ctx.output.progress("Verifying receipts", bundle.receipts.length, { unit: "receipts" });
  let done = 0;
  for (const i of order) {
    const { line, receiptId, signed } = bundle.receipts[i]!;
    const r = signed.receipt;
    const id = bytesToHex(verifier.receiptDigest(r));
    if (id !== receiptId) find("RECEIPT_ID_MISMATCH", `Line ${line}: the receipt's id is ${id}, not ${receiptId}.`);
    const ticket = tickets.get(r.ticketHash);
    if (!ticket) {
      find(
        "RECEIPT_INVALID",
        `Line ${line}: receipt ${id} refers to ticket ${r.ticketHash}, which the bundle does not hold.`,
      );
    } else {
      const second = r.deliveredAt / 1000n;
      const poolState = chainPools.get(r.poolId);
      const pool: PoolInfo | undefined = poolState?.exists
        ? {
            poolId: r.poolId,
            ticketSigner: signers.get(`${r.poolId}:${second}`) ?? poolState.ticketSigner!,
            active: true,
          }
        : undefined;
      const result = validateReceipt({
        receipt: signed,
        ticket,
        pool,
        epochParams: params,
        nowMs: r.deliveredAt,
        context: { seen, bytesAccepted: bytesByTicket.get(r.ticketHash) ?? 0n },
        verifier,
      });
      const receiptEpoch = r.deliveredAt >= params.genesisTime * 1000n ? getEpoch(params, r.deliveredAt) : -1n;
      if (!result.ok)
        find(
          "RECEIPT_INVALID",
          `Line ${line}: receipt ${id} is invalid: ${result.errors.map((e) => `${e.code} (${e.shortMessage})`).join("; ")}`,
        );
      else if (receiptEpoch !== epoch)
        find(
          "RECEIPT_WRONG_EPOCH",
          `Line ${line}: receipt ${id} was delivered in epoch ${receiptEpoch}, not ${epoch}.`,
        );
      else {
        valid++;
        seen.add(result.uniquenessKey);
        bytesByTicket.set(r.ticketHash, (bytesByTicket.get(r.ticketHash) ?? 0n) + BigInt(r.size));
        const key = `${r.poolId}:${r.relay}`;
        const credit = credits.get(key) ?? { account: r.relay, poolId: r.poolId, bytes: 0n, receiptIds: [] };
        credit.bytes += BigInt(r.size);
        credit.receiptIds.push(id);
        credits.set(key, credit);
      }
    }
    if (++done % 1000 === 0) bar.update(done);
  }
  bar.update(done);
  bar.stop();

  // Recompute leaves, pool totals and the root from the valid receipts, the chain's pools and the previous leaves.
  const rewardPools: RewardPool[] = [];
  for (const [poolId, c] of chainPools)
    if (c.exists)
      rewardPools.push({
        poolId: poolId as Hex,
        pricePerGB: c.pricePerGB!,
        balance: c.available ?? bundle.pools.find((p) => p.poolId === poolId)?.available ?? 0n,
      });
  let recomputedRoot: Hex | null = null;
  try {
    const rewards = computeEpochRewards({
      pools: rewardPools,
      credits: [...credits.values()],
      previous,
      keccak: await createFastKeccak256(),
    });
    compareLeaves(bundle, rewards.leaves, find);
    const posted = new Map<string, bigint>(post.poolTotals.map((p) => [p.poolId, p.amount]));
    const recomputed = new Map(rewards.poolTotals.map((p) => [p.poolId.toLowerCase(), p.amount]));
    for (const poolId of new Set([...posted.keys(), ...recomputed.keys()])) {
      const a = posted.get(poolId) ?? 0n;
      const b = recomputed.get(poolId) ?? 0n;
      if (a !== b) find("POOL_TOTAL_MISMATCH", `Pool ${poolId}: ${a} was posted, the receipts make ${b}.`);
    }
    for (const p of bundle.pools) {
      const t = rewards.poolTotals.find((x) => x.poolId.toLowerCase() === p.poolId);
      if (t && (t.amount !== p.total || t.bytes !== p.epochBytes || t.rawAmount !== p.rawTotal))
        find(
          "POOL_TOTAL_MISMATCH",
          `Line ${p.line}: pool ${p.poolId} says bytes ${p.epochBytes}, raw ${p.rawTotal}, total ${p.total}; the receipts make ${t.bytes}, ${t.rawAmount}, ${t.amount}.`,
        );
    }
    recomputedRoot =
      rewards.leaves.length === 0
        ? EMPTY_EPOCH_ROOT
        : buildRewardTree(rewards.leaves, await createFastKeccak256()).root;
    if (recomputedRoot !== post.root)
      find(
        "ROOT_MISMATCH",
        `The leaves recomputed from public data make root ${recomputedRoot}${rewards.leaves.length === 0 ? " (no leaves: the empty-epoch root)" : ""}, not the posted ${post.root}.`,
      );
  } catch (err) {
    find("RECOMPUTE_FAILED", `The rewards could not be recomputed: ${(err as Error).message.split("\n")[0]}`);
  }

  return {
    ok: Object.keys(findingCounts).length === 0,
    epoch,
    status: post.status,
    root: post.root,
    recomputedRoot,
    bundle: { uri: downloaded.uri, hash: downloaded.hash, bytes: downloaded.bytes.length },
    counts: {
      pools: bundle.pools.length,
      tickets: bundle.tickets.length,
      receipts: bundle.receipts.length,
      validReceipts: valid,
      invalidReceipts: bundle.receipts.length - valid,
      leaves: bundle.leaves.length,
    },
    findings,
    findingCounts,
  };
}

function compareLeaves(
  bundle: EpochBundle,
  recomputed: RewardLeaf[],
  find: (code: string, message: string) => void,
): void {
  const key = (l: { account: string; poolId: string }) => `${l.poolId.toLowerCase()}:${l.account.toLowerCase()}`;
  const theirs = new Map(bundle.leaves.map((l) => [key(l), l]));
  const ours = new Map(recomputed.map((l) => [key(l), l]));
  for (const [k, mine] of ours) {
    const got = theirs.get(k);
    if (!got) {
      find(
        "LEAF_MISSING",
        `The bundle has no leaf for ${mine.account} in pool ${mine.poolId}, which is owed ${mine.cumulativeAmount} in total.`,
      );
      continue;
    }
    for (const f of ["epochBytes", "epochAmount", "cumulativeAmount", "receiptsRoot"] as const)
      if (String(got[f]).toLowerCase() !== String(mine[f]).toLowerCase())
        find(
          f === "cumulativeAmount"
            ? "CUMULATIVE_MISMATCH"
            : f === "receiptsRoot"
              ? "RECEIPTS_ROOT_MISMATCH"
              : "RELAY_TOTAL_MISMATCH",
          `Line ${got.line}: ${mine.account} in pool ${mine.poolId} has ${f} ${got[f]}; public data gives ${mine[f]}.`,
        );
  }
  for (const [k, got] of theirs)
    if (!ours.has(k))
      find(
        "LEAF_UNEXPECTED",
        `Line ${got.line}: the leaf of ${got.account} in pool ${got.poolId} is not backed by any receipt or earlier leaf.`,
      );
}

type ChainPool = { exists: boolean; pricePerGB?: bigint; available?: bigint; ticketSigner?: Address };

async function readPoolsForEpoch(
  chain: Chain,
  poolIds: Hex[],
  epoch: bigint,
  snapshotBlock: bigint | undefined,
): Promise<Map<string, ChainPool>> {
  const out = new Map<string, ChainPool>();
  await Promise.all(
    poolIds.map(async (poolId) => {
      try {
        const [info, price] = await Promise.all([
          chain.publicClient.readContract({
            address: chain.distributor,
            abi: distributorAbi,
            functionName: "poolInfo",
            args: [poolId],
            ...(snapshotBlock === undefined ? {} : { blockNumber: snapshotBlock }),
          }),
          chain.publicClient.readContract({
            address: chain.distributor,
            abi: distributorAbi,
            functionName: "priceAt",
            args: [poolId, epoch],
          }),
        ]);
        out.set(poolId, {
          exists: true,
          pricePerGB: price,
          ...(snapshotBlock === undefined ? {} : { available: info.unallocated }),
          ticketSigner: info.ticketSigner,
        });
      } catch {
        out.set(poolId, { exists: false });
      }
    }),
  );
  return out;
}

/** ticketSignerAt(pool, second) for every (pool, delivery second) in the bundle, 16 calls at a time. */
async function readTicketSigners(chain: Chain, bundle: EpochBundle): Promise<Map<string, Address>> {
  const wanted = [
    ...new Set(bundle.receipts.map((r) => `${r.signed.receipt.poolId}:${r.signed.receipt.deliveredAt / 1000n}`)),
  ];
  const out = new Map<string, Address>();
  for (let i = 0; i < wanted.length; i += 16)
    await Promise.all(
      wanted.slice(i, i + 16).map(async (key) => {
        const [poolId, second] = key.split(":") as [Hex, string];
        try {
          const signer = await chain.publicClient.readContract({
            address: chain.distributor,
            abi: distributorAbi,
            functionName: "ticketSignerAt",
            args: [poolId, BigInt(second)],
          });
          out.set(key, signer.toLowerCase() as Address);
        } catch {
          // unknown pool: reported by the pool checks
        }
      }),
    );
  return out;
}
