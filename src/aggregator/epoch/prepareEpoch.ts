import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BundleReceiptRow as BundleReceipt } from "../../protocol/bundle/types.ts";
import { ZERO_HASH } from "../../protocol/constants.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { computeEpochRewards, type RewardCredit, type RewardPool } from "../../protocol/rewards/computeEpochRewards.ts";
import { buildRewardTree } from "../../protocol/tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import type { Address, Hex, Keccak256 } from "../../protocol/types.ts";
import { type EpochSnapshot, openEpochSnapshot } from "../storage/openEpochSnapshot.ts";
import { createBundleFile } from "./createBundleFile.ts";
import type { EpochSource } from "./EpochSource.ts";
import type { EpochCredit, EpochTamper, EpochTamperFactory, EpochTamperRef } from "./EpochTamper.ts";
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

type Credit = EpochCredit;

/** Encoded record bytes written to the file (and hashed) at a time. */
const FLUSH_BYTES = 1 << 20;

/**
 * Closes one epoch: reads its receipts (a consistent read snapshot of the database), credits bytes per
 * (relay, pool), computes amounts with pro-rata scaling, cumulative amounts on top of the previous bundle's
 * leaves, receipts roots and the reward tree (protocol library: computeEpochRewards, buildRewardTree), and writes
 * the epoch bundle (docs/bundle.md) with its keccak256. Deterministic: the same receipts and inputs give the same
 * bytes. Memory holds one string per receipt id plus the leaves; receipts stream from SQLite to the file.
 */
export async function prepareEpoch(input: PrepareEpochInput): Promise<PrepareEpochResult> {
  const started = performance.now();
  const keccak = await createFastKeccak256();
  if (input.source.engine !== "sqlite")
    throw new Error(`An epoch close from ${input.source.engine} is not supported yet.`);
  const snapshot = openEpochSnapshot(input.source.path);
  try {
    // One read transaction for every query: ingest keeps committing (other epochs) meanwhile.
    const result = await snapshot.read(() => prepareFrom(snapshot, input, keccak));
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    snapshot.close();
  }
}

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
  const signerCache = new Map<string, string>();
  const excluded: { receiptId: Hex; reason: string }[] = [];

  const tamper = input.tamper ? await loadTamper(input.tamper, input, keccak, snapshot) : undefined;
  const keepReceipt = tamper?.keepReceipt?.bind(tamper);
  let tampered: string | null = null;

  // Pass 1 (acceptance order, through the epoch index): credits per (relay, pool), the tickets used, the receipts
  // left out, and each included receipt's row id and receiptId for the bundle's receiptId order.
  const credits = new Map<string, Credit>();
  const ticketHashes = new Set<string>();
  const ids: Hex[] = [];
  let rowIds = new Float64Array(1 << 16);
  for (const [rowId, receiptId, poolId, relay, size, ticketHash, deliveredAt] of snapshot.iterateEpochReceipts(epoch)) {
    const signers = histories.get(poolId);
    if (signers) {
      let signer = signerCache.get(ticketHash);
      if (signer === undefined) {
        signer = snapshot.getTicketSigner(ticketHash) ?? "";
        signerCache.set(ticketHash, signer);
      }
      const inForce = signerAt(signers, Math.floor(deliveredAt / 1000));
      if (signer !== inForce) {
        excluded.push({
          receiptId,
          reason: `ticket signed by ${signer}, but the pool's ticket signer at delivery was ${inForce}`,
        });
        continue;
      }
    }
    if (keepReceipt && !keepReceipt({ receiptId, poolId, relay, size })) continue;
    const key = poolId + relay;
    let c = credits.get(key);
    if (!c) {
      c = { account: relay, poolId, bytes: 0, receiptIds: [] };
      credits.set(key, c);
    }
    c.bytes += size;
    c.receiptIds.push(receiptId);
    ticketHashes.add(ticketHash);
    if (ids.length === rowIds.length) {
      const grown = new Float64Array(rowIds.length * 2);
      grown.set(rowIds);
      rowIds = grown;
    }
    rowIds[ids.length] = rowId;
    ids.push(receiptId);
  }
  phase("read");
  const order = sortByReceiptId(ids);
  let receiptCount = ids.length;
  phase("sort");

  // The tamper seam (never in production): credited bytes and extra receipts.
  const extras: BundleReceipt[] = [];
  if (tamper?.credits) {
    const note = tamper.credits({
      credits: [...credits.values()],
      addReceipt(receipt) {
        extras.push(receipt);
        receiptCount++;
      },
    });
    if (note !== undefined) tampered = note;
  }
  extras.sort((a, b) => (a.receiptId < b.receiptId ? -1 : a.receiptId > b.receiptId ? 1 : 0));

  // Rewards: pools with credits, previous leaves, pro-rata scaling, receipts roots.
  const poolInput = new Map(input.pools.map((p) => [p.poolId.toLowerCase(), p]));
  const rewardPools: RewardPool[] = [];
  for (const poolId of new Set([...credits.values()].map((c) => c.poolId))) {
    const p = poolInput.get(poolId);
    if (!p) throw new Error(`No price and balance given for pool ${poolId}, which has receipts in epoch ${epoch}.`);
    rewardPools.push({ poolId, pricePerGB: BigInt(p.pricePerGB), balance: BigInt(p.available) });
  }
  const previousLeaves = input.previous ? await readBundleLeaves(input.previous.path, input.previous.leavesOffset) : [];
  const rewardCredits: RewardCredit[] = [...credits.values()].map((c) => ({
    account: c.account,
    poolId: c.poolId,
    bytes: BigInt(c.bytes),
    receiptIds: c.receiptIds,
  }));
  credits.clear();
  const { leaves, poolTotals } = computeEpochRewards({
    pools: rewardPools,
    credits: rewardCredits,
    previous: previousLeaves,
    keccak,
  });
  rewardCredits.length = 0;
  phase("rewards");
  if (tamper?.leaves) {
    const note = tamper.leaves({ leaves, poolTotals, pools: rewardPools });
    if (note !== undefined) tampered = note;
  }
  const postedTotal = new Map(poolTotals.map((t) => [t.poolId, t.amount]));

  const root = leaves.length === 0 ? EMPTY_EPOCH_ROOT : buildRewardTree(leaves, keccak).root;
  const sortedTickets = [...ticketHashes].sort();
  ticketHashes.clear();
  phase("tree");

  // Pass 2: the file.
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
      ticketCount: sortedTickets.length,
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
    for (const hash of sortedTickets) {
      const t = snapshot.getTicket(hash);
      if (!t) throw new Error(`Ticket ${hash} of an epoch ${epoch} receipt is missing from the database.`);
      w.ticket({
        ticketHash: t.ticket_hash!,
        poolId: t.pool_id!,
        streamId: t.stream_id!,
        viewer: t.viewer!,
        notBefore: t.not_before!,
        notAfter: t.not_after!,
        maxBytes: t.max_bytes!,
        signature: t.signature!,
      });
      file.flushIfFull();
    }
    let e = 0;
    let written = 0;
    for (let k = 0; k < order.length; k++) {
      const [receiptId, poolId, ticketHash, relay, segment, chunk, chunkHash, size, deliveredAt, signature] =
        snapshot.getReceiptByRowId(rowIds[order[k]!]!)!;
      while (e < extras.length && extras[e]!.receiptId <= receiptId) {
        w.receipt(extras[e++]!);
        written++;
      }
      w.receipt({
        receiptId,
        poolId,
        ticketHash,
        relay,
        segment,
        chunk,
        chunkHash,
        size,
        deliveredAt: String(deliveredAt),
        signature,
      });
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
    ticketCount: sortedTickets.length,
    leafCount: leaves.length,
    excluded,
    servable: published.servable ?? true,
    tampered,
    phases,
  };
}

/** Indexes of `ids` in ascending receiptId order (52-bit numeric prefixes first, then the full string). */
function sortByReceiptId(ids: readonly string[]): Uint32Array {
  const prefix = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) prefix[i] = Number.parseInt(ids[i]!.slice(2, 15), 16);
  const order = new Uint32Array(ids.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => prefix[a]! - prefix[b]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
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
