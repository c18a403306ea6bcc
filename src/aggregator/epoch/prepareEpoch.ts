import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BundleReceiptRow as BundleReceipt } from "../../protocol/bundle/types.ts";
import { ZERO_HASH } from "../../protocol/constants.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import type { RewardPool } from "../../protocol/rewards/computeEpochRewards.ts";
import {
  computeEpochRewardsFromRoots,
  type RootedRewardCredit,
} from "../../protocol/rewards/computeEpochRewardsFromRoots.ts";
import { buildRewardTree } from "../../protocol/tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import { getReceiptsRoot } from "../../protocol/tree/getReceiptsRoot.ts";
import type { Address, Hex, Keccak256 } from "../../protocol/types.ts";
import type { EpochSnapshot } from "../storage/EpochSnapshot.ts";
import { openEpochSnapshot } from "../storage/openEpochSnapshot.ts";
import { createBundleFile } from "./createBundleFile.ts";
import type { EpochSource } from "./EpochSource.ts";
import type { EpochTamper, EpochTamperFactory, EpochTamperRef } from "./EpochTamper.ts";
import { readBundleLeaves } from "./readBundleLeaves.ts";

/** Everything an epoch close needs besides the receipts in the database. JSON-safe (it crosses a worker boundary). */
export type PrepareEpochInput = {
  /** The database the receipts are read from. */
  source: EpochSource;
  bundleDir: string;
  epoch: number;
  attempt: number;
  chainId: number;
  distributor: Hex;
  genesisTime: number;
  epochSeconds: number;
  graceSeconds: number;
  snapshotBlock: number;
  /** Price for this epoch and unallocated balance at snapshotBlock of (at least) every pool with receipts in it. */
  pools: { poolId: Hex; pricePerGB: string; available: string }[];
  /** Ticket-signer histories of pools that rotated their signer (receipts under a superseded signer are left out). */
  signerHistories: { poolId: Hex; signers: { since: number; signer: Address }[] }[];
  /** The previous epoch's bundle as posted (and not rejected), or null for epoch 0. */
  previous: { bundleHash: Hex; path: string; leavesOffset: number } | null;
  /** The tamper seam (EpochTamper.ts): null in production; tests and the demo set it to get a wrong epoch. */
  tamper?: EpochTamperRef | null;
};

export type PrepareEpochResult = {
  epoch: number;
  attempt: number;
  root: Hex;
  /** keccak256 of the file. */
  fileHash: Hex;
  /** What to post as bundleHash (the file hash unless a tamper says otherwise). */
  bundleHash: Hex;
  path: string;
  bytes: number;
  leavesOffset: number;
  /** As postEpoch takes them: strictly ascending poolId, amount in decimal. */
  poolTotals: { poolId: Hex; amount: string }[];
  receiptCount: number;
  ticketCount: number;
  leafCount: number;
  excluded: { receiptId: Hex; reason: string }[];
  servable: boolean;
  /** What a tamper changed, in words (null: an honest epoch). */
  tampered: string | null;
  seconds: number;
  /** Seconds spent in each phase (read, rewards, tree, write). */
  phases: Record<string, number>;
};

/** Encoded record bytes written to the file (and hashed) at a time. */
const FLUSH_BYTES = 1 << 20;

/**
 * Closes one epoch: reads its receipts (a consistent read snapshot of the database, SQLite or PostgreSQL), credits
 * bytes per (relay, pool), computes amounts with pro-rata scaling, cumulative amounts on top of the previous bundle's
 * leaves, receipts roots and the reward tree (protocol library: computeEpochRewardsFromRoots, buildRewardTree), and
 * writes the epoch bundle (docs/bundle.md) with its keccak256. Deterministic: the same receipts and inputs give the
 * same bytes on either engine. Streams: pass 1 reads the receipts sorted by (relay, pool) and keeps one leaf's
 * receipt ids at a time (dropped once its receipts root is computed), pass 2 reads them sorted by receiptId straight
 * into the file; memory holds the leaves, the epoch's ticket hashes and the bundle writer's dictionaries, not the
 * receipts.
 */
export async function prepareEpoch(input: PrepareEpochInput): Promise<PrepareEpochResult> {
  const started = performance.now();
  const keccak = await createFastKeccak256();
  const snapshot = await openEpochSnapshot(input.source);
  try {
    // One read snapshot for every query: ingest keeps committing (other epochs) meanwhile.
    const result = await snapshot.read(() => prepareFrom(snapshot, input, keccak));
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    await snapshot.close();
  }
}

/** One (relay, pool)'s credit while pass 1 reads it (and, for a credits hook, until the hook has run). */
type LeafCredit = { account: Hex; poolId: Hex; bytes: number; receiptIds: Hex[] };

async function prepareFrom(
  snapshot: EpochSnapshot,
  input: PrepareEpochInput,
  keccak: Keccak256,
): Promise<Omit<PrepareEpochResult, "seconds">> {
  const { epoch } = input;
  const phases: Record<string, number> = {};
  let mark = performance.now();
  let cpuMark = process.cpuUsage();
  const phase = (name: string) => {
    const t = performance.now();
    const c = process.cpuUsage(cpuMark);
    phases[name] = (t - mark) / 1000;
    phases[`${name}Cpu`] = (c.user + c.system) / 1e6;
    mark = t;
    cpuMark = process.cpuUsage();
  };
  const histories = new Map(
    input.signerHistories.filter((h) => h.signers.length > 1).map((h) => [h.poolId, h.signers]),
  );
  const excluded: { receiptId: Hex; reason: string }[] = [];

  const tamper = input.tamper ? await loadTamper(input.tamper, input, keccak, snapshot) : undefined;
  const keepReceipt = tamper?.keepReceipt?.bind(tamper);
  let tampered: string | null = null;
  // A credits hook may list more receipt ids under a credit, so its roots wait until after it: such a close (tests
  // and demos only) keeps every credited receipt id.
  const holdIds = tamper?.credits !== undefined;

  // Pass 1 ((relay, pool) order): credits and receipts roots per (relay, pool), the tickets used, the receipts left
  // out (pass 2 skips them). Without a credits hook each leaf's receipt ids are dropped as soon as its root is known.
  const held: LeafCredit[] = [];
  const rewardCredits: RootedRewardCredit[] = [];
  const ticketHashes = new Set<string>();
  const dropped = new Set<string>();
  let receiptCount = 0;
  let pool = "";
  let relayOf = "";
  let credit: LeafCredit | undefined;
  const finishLeaf = () => {
    if (credit && !holdIds)
      rewardCredits.push({
        account: credit.account,
        poolId: credit.poolId,
        bytes: BigInt(credit.bytes),
        receiptsRoot: getReceiptsRoot(credit.receiptIds, keccak),
      });
    credit = undefined;
  };
  // Asked for now, read in pass 2: the database can sort them by receiptId while pass 1 runs.
  const byId = snapshot.receiptsById(epoch);
  for await (const batch of snapshot.receiptsByLeaf(epoch, histories.size > 0)) {
    for (const [receiptId, poolId, relay, size, ticketHash, deliveredAt, signer] of batch) {
      if (poolId !== pool || relay !== relayOf) {
        if (relay < relayOf || (relay === relayOf && poolId < pool))
          throw new Error(`Epoch ${epoch}: the snapshot listed receipts out of (relay, pool) order.`);
        finishLeaf();
        // One string per pool for every leaf of it.
        if (poolId !== pool) pool = poolId;
        relayOf = relay;
      }
      const signers = histories.get(poolId);
      if (signers) {
        const inForce = signerAt(signers, Math.floor(deliveredAt / 1000));
        if (signer !== inForce) {
          excluded.push({
            receiptId,
            reason: `ticket signed by ${signer}, but the pool's ticket signer at delivery was ${inForce}`,
          });
          dropped.add(receiptId);
          continue;
        }
      }
      if (keepReceipt && !keepReceipt({ receiptId, poolId, relay, size })) {
        dropped.add(receiptId);
        continue;
      }
      if (!credit) {
        credit = { account: relay, poolId: pool as Hex, bytes: 0, receiptIds: [] };
        if (holdIds) held.push(credit);
      }
      credit.bytes += size;
      credit.receiptIds.push(receiptId);
      ticketHashes.add(ticketHash);
      receiptCount++;
    }
  }
  finishLeaf();
  excluded.sort((a, b) => (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0));
  phase("read");

  // The tamper seam (never in production): credited bytes and extra receipts.
  const extras: BundleReceipt[] = [];
  if (tamper?.credits) {
    const note = tamper.credits({
      credits: held,
      addReceipt(receipt) {
        extras.push(receipt);
        receiptCount++;
      },
    });
    if (note !== undefined) tampered = note;
  }
  for (const c of held)
    rewardCredits.push({
      account: c.account,
      poolId: c.poolId,
      bytes: BigInt(c.bytes),
      receiptsRoot: getReceiptsRoot(c.receiptIds, keccak),
    });
  held.length = 0;
  extras.sort((a, b) => (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0));

  // Rewards: pools with credits, previous leaves, pro-rata scaling.
  const poolInput = new Map(input.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const rewardPools: RewardPool[] = [];
  for (const poolId of new Set(rewardCredits.map((c) => c.poolId))) {
    const p = poolInput.get(poolId);
    if (!p) throw new Error(`No price and balance given for pool ${poolId}, which has receipts in epoch ${epoch}.`);
    rewardPools.push({ poolId, pricePerGB: BigInt(p.pricePerGB), balance: BigInt(p.available) });
  }
  const previousLeaves = input.previous ? await readBundleLeaves(input.previous.path, input.previous.leavesOffset) : [];
  const { leaves, poolTotals } = computeEpochRewardsFromRoots({
    pools: rewardPools,
    credits: rewardCredits,
    previous: previousLeaves,
  });
  rewardCredits.length = 0;
  previousLeaves.length = 0;
  phase("rewards");
  if (tamper?.leaves) {
    const note = tamper.leaves({ leaves, poolTotals, pools: rewardPools });
    if (note !== undefined) tampered = note;
  }
  const postedTotal = new Map(poolTotals.map((t) => [t.poolId, t.amount]));

  const root = leaves.length === 0 ? EMPTY_EPOCH_ROOT : buildRewardTree(leaves, keccak).root;
  const ticketCount = ticketHashes.size;
  phase("tree");

  // Pass 2: the file (tickets and receipts in the database's order).
  mkdirSync(input.bundleDir, { recursive: true });
  const path = join(input.bundleDir, `epoch-${epoch}-attempt-${input.attempt}.bundle`);
  const file = await createBundleFile(path, FLUSH_BYTES);
  const w = file.records;
  let leavesOffset = 0;
  let fileHash: Hex;
  let bytes: number;
  try {
    w.header({
      chainId: input.chainId,
      distributor: input.distributor,
      epoch,
      genesisTime: input.genesisTime,
      epochSeconds: input.epochSeconds,
      graceSeconds: input.graceSeconds,
      previousBundleHash: input.previous?.bundleHash ?? ZERO_HASH,
      snapshotBlock: input.snapshotBlock,
      root,
      poolCount: poolTotals.length,
      ticketCount,
      receiptCount,
      leafCount: leaves.length,
    });
    for (const t of poolTotals) {
      const p = poolInput.get(t.poolId)!;
      w.pool({
        poolId: t.poolId,
        pricePerGB: BigInt(p.pricePerGB),
        available: BigInt(p.available),
        epochBytes: t.bytes,
        rawTotal: t.rawAmount,
        total: postedTotal.get(t.poolId)!,
      });
    }
    for await (const batch of snapshot.tickets(epoch))
      for (const t of batch) {
        // Tickets only of receipts left out are not listed.
        if (!ticketHashes.delete(t.ticketHash)) continue;
        w.ticket(t);
        file.flushIfFull();
      }
    if (ticketHashes.size > 0) {
      const missing = [...ticketHashes].sort()[0];
      throw new Error(`Ticket ${missing} of an epoch ${epoch} receipt is missing from the database.`);
    }
    let e = 0;
    let written = 0;
    for await (const batch of byId)
      for (const receipt of batch) {
        if (dropped.size > 0 && dropped.has(receipt.receiptId)) continue;
        while (e < extras.length && extras[e]!.receiptId <= receipt.receiptId) {
          w.receipt(extras[e++]!);
          written++;
        }
        w.receipt(receipt);
        written++;
        file.flushIfFull();
      }
    while (e < extras.length) {
      w.receipt(extras[e++]!);
      written++;
    }
    if (written !== receiptCount)
      throw new Error(`Epoch ${epoch}: wrote ${written} receipts, counted ${receiptCount}.`);
    leavesOffset = file.flush();
    for (const leaf of leaves) {
      w.leaf(leaf);
      file.flushIfFull();
    }
    w.end(receiptCount, leaves.length);
    ({ hash: fileHash, bytes } = file.finish());
  } catch (err) {
    file.abort();
    throw err;
  }
  phase("write");
  const published = tamper?.publish?.({ fileHash, path }) ?? {};
  if (published.note !== undefined) tampered = published.note;
  const bundleHash = published.bundleHash ?? fileHash;
  return {
    epoch,
    attempt: input.attempt,
    root,
    fileHash,
    bundleHash,
    path,
    bytes,
    leavesOffset,
    poolTotals: poolTotals.map((t) => ({ poolId: t.poolId, amount: postedTotal.get(t.poolId)!.toString() })),
    receiptCount,
    ticketCount,
    leafCount: leaves.length,
    excluded,
    servable: published.servable ?? true,
    tampered,
    phases,
  };
}

function signerAt(signers: { since: number; signer: string }[], timestamp: number): string {
  for (let i = signers.length - 1; i >= 0; i--) if (signers[i]!.since <= timestamp) return signers[i]!.signer;
  return signers[0]!.signer;
}

/** Imports the tamper module (in whichever thread runs the close) and builds its tamper for this epoch. */
async function loadTamper(
  ref: EpochTamperRef,
  input: PrepareEpochInput,
  keccak: Keccak256,
  snapshot: EpochSnapshot,
): Promise<EpochTamper | undefined> {
  const mod = (await import(ref.module)) as { createEpochTamper?: EpochTamperFactory };
  if (typeof mod.createEpochTamper !== "function")
    throw new Error(`The tamper module ${ref.module} does not export createEpochTamper.`);
  return mod.createEpochTamper(ref.options, {
    epoch: input.epoch,
    attempt: input.attempt,
    chainId: input.chainId,
    distributor: input.distributor,
    keccak,
    snapshot,
  });
}
