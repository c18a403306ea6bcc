import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { endLine } from "../../protocol/bundle/endLine.ts";
import { headerLine } from "../../protocol/bundle/headerLine.ts";
import { leafLine } from "../../protocol/bundle/leafLine.ts";
import { poolLine } from "../../protocol/bundle/poolLine.ts";
import { receiptLine } from "../../protocol/bundle/receiptLine.ts";
import { ticketLine } from "../../protocol/bundle/ticketLine.ts";
import type { BundleReceiptRow as BundleReceipt } from "../../protocol/bundle/types.ts";
import { ZERO_HASH } from "../../protocol/constants.ts";
import { getReceiptId } from "../../protocol/eip712/getReceiptId.ts";
import { createFastKeccak256 } from "../../protocol/hash/createFastKeccak256.ts";
import { computeEpochRewards, type RewardCredit, type RewardPool } from "../../protocol/rewards/computeEpochRewards.ts";
import { getRewardAmount } from "../../protocol/rewards/getRewardAmount.ts";
import { signDigest } from "../../protocol/signature/signDigest.ts";
import { buildRewardTree } from "../../protocol/tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../../protocol/tree/emptyEpochRoot.ts";
import type { Address, Hex, Keccak256 } from "../../protocol/types.ts";
import { createBundleFile } from "./createBundleFile.ts";
import type { FaultConfig } from "./faultKinds.ts";
import { readBundleLeaves } from "./readBundleLeaves.ts";

/** Everything an epoch close needs besides the receipts in the database. JSON-safe (it crosses a worker boundary). */
export type PrepareEpochInput = {
  dbPath: string;
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
  /** TEST-ONLY: commit this fault in this attempt. */
  fault: FaultConfig | null;
};

export type PrepareEpochResult = {
  epoch: number;
  attempt: number;
  root: Hex;
  /** keccak256 of the file. */
  fileHash: Hex;
  /** What to post as bundleHash (the file hash unless the bad-bundle-hash fault is on). */
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
  faultApplied: string | null;
  seconds: number;
  /** Seconds spent in each phase (read, rewards, tree, write). */
  phases: Record<string, number>;
};

type Credit = { account: Hex; poolId: Hex; bytes: number; receiptIds: Hex[] };

const FORGER_KEY: Hex = "0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100";

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
  const sqlite = new Database(input.dbPath, { readonly: true, fileMustExist: true });
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("cache_size = -65536");
  try {
    // One read transaction for every query: ingest keeps committing (other epochs) meanwhile.
    sqlite.exec("BEGIN");
    const result = await prepareFrom(sqlite, input, keccak);
    sqlite.exec("COMMIT");
    return { ...result, seconds: (performance.now() - started) / 1000 };
  } finally {
    sqlite.close();
  }
}

async function prepareFrom(
  sqlite: Database.Database,
  input: PrepareEpochInput,
  keccak: Keccak256,
): Promise<Omit<PrepareEpochResult, "seconds">> {
  const { epoch, fault } = input;
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
  const ticketSigner = sqlite.prepare<[string], { signer: string }>("SELECT signer FROM tickets WHERE ticket_hash = ?");
  const signerCache = new Map<string, string>();
  const excluded: { receiptId: Hex; reason: string }[] = [];

  const target = fault ? faultTarget(sqlite, epoch, fault) : undefined;
  const dropRelay = fault?.kind === "drop-relay-receipts" ? target?.relay : undefined;

  // Pass 1 (acceptance order, through the epoch index): credits per (relay, pool), the tickets used, the receipts
  // left out, and each included receipt's row id and receiptId for the bundle's receiptId order.
  const credits = new Map<string, Credit>();
  const ticketHashes = new Set<string>();
  const ids: Hex[] = [];
  let rowIds = new Float64Array(1 << 16);
  const rows = sqlite
    .prepare<[number], [number, Hex, Hex, Hex, number, Hex, number]>(
      "SELECT id, receipt_id, pool_id, relay, size, ticket_hash, delivered_at FROM receipts WHERE epoch = ?",
    )
    .raw(true);
  for (const [rowId, receiptId, poolId, relay, size, ticketHash, deliveredAt] of rows.iterate(epoch)) {
    const signers = histories.get(poolId);
    if (signers) {
      let signer = signerCache.get(ticketHash);
      if (signer === undefined) {
        signer = ticketSigner.get(ticketHash)?.signer ?? "";
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
    if (relay === dropRelay) continue;
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

  // Faults that change what is credited (TEST-ONLY).
  const extras: BundleReceipt[] = [];
  let faultApplied: string | null = null;
  if (fault && target) {
    const base = target.base;
    const credit =
      fault.kind === "forge-receipt" || fault.kind === "duplicate-receipt"
        ? base && credits.get(base.poolId + base.relay)
        : [...credits.values()].filter((c) => c.account === target.relay).sort(byPool)[0];
    if (fault.kind === "inflate-bytes" && credit) {
      credit.bytes += Math.max(credit.bytes, 1_000_000);
      faultApplied = `inflate-bytes: relay ${credit.account} in pool ${credit.poolId} credited extra bytes`;
    } else if (fault.kind === "drop-relay-receipts" && dropRelay) {
      faultApplied = `drop-relay-receipts: every receipt of relay ${dropRelay} left out`;
    } else if ((fault.kind === "forge-receipt" || fault.kind === "duplicate-receipt") && credit && base) {
      if (fault.kind === "duplicate-receipt") {
        extras.push(base);
        credit.bytes += base.size;
        faultApplied = `duplicate-receipt: receipt ${base.receiptId} listed and credited twice`;
      } else {
        const forged = {
          poolId: base.poolId as Hex,
          ticketHash: base.ticketHash as Hex,
          relay: base.relay as Hex,
          segment: BigInt(base.segment) + 1_000_000_007n,
          chunk: base.chunk,
          chunkHash: `0x${"f0".repeat(32)}` as Hex,
          size: base.size,
          deliveredAt: BigInt(base.deliveredAt),
        };
        const receiptId = getReceiptId(
          forged,
          { chainId: input.chainId, verifyingContract: input.distributor },
          keccak,
        );
        extras.push({
          receiptId,
          poolId: forged.poolId,
          ticketHash: forged.ticketHash,
          relay: forged.relay,
          segment: forged.segment.toString(),
          chunk: forged.chunk,
          chunkHash: forged.chunkHash,
          size: forged.size,
          deliveredAt: forged.deliveredAt.toString(),
          signature: signDigest(receiptId, FORGER_KEY),
        });
        credit.bytes += forged.size;
        credit.receiptIds.push(receiptId);
        faultApplied = `forge-receipt: receipt ${receiptId} signed by a key that is not the viewer's`;
      }
      receiptCount++;
    }
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
  const postedTotal = new Map(poolTotals.map((t) => [t.poolId, t.amount]));

  if (fault && target) {
    if (fault.kind === "wrong-cumulative") {
      const leaf = leaves.find((l) => l.account === target.relay && l.epochBytes > 0n) ?? leaves[0];
      if (leaf) {
        leaf.cumulativeAmount += leaf.epochAmount > 0n ? leaf.epochAmount : 1n;
        faultApplied = `wrong-cumulative: leaf (${leaf.account}, ${leaf.poolId}) claims more than it earned`;
      }
    } else if (fault.kind === "overdraw-pool" && poolTotals.length > 0) {
      const pool = poolTotals.find((t) => t.scaled) ?? poolTotals[0]!;
      const price = rewardPools.find((p) => p.poolId === pool.poolId)!.pricePerGB;
      for (const leaf of leaves) {
        if (leaf.poolId !== pool.poolId || leaf.epochBytes === 0n) continue;
        const raw = getRewardAmount(leaf.epochBytes, price);
        const amount = pool.scaled ? raw : raw + raw / 10n + 1n;
        leaf.cumulativeAmount += amount - leaf.epochAmount;
        leaf.epochAmount = amount;
      }
      faultApplied = `overdraw-pool: leaves of pool ${pool.poolId} add up to more than its posted total ${pool.amount}`;
    } else if (fault.kind === "bad-bundle-hash")
      faultApplied = "bad-bundle-hash: the posted bundleHash is not the file's";
    else if (fault.kind === "unfetchable-bundle") faultApplied = "unfetchable-bundle: the bundle is not served";
  }

  const root = leaves.length === 0 ? EMPTY_EPOCH_ROOT : buildRewardTree(leaves, keccak).root;
  const sortedTickets = [...ticketHashes].sort();
  ticketHashes.clear();
  phase("tree");

  // Pass 2: the file.
  mkdirSync(input.bundleDir, { recursive: true });
  const path = join(input.bundleDir, `epoch-${epoch}-attempt-${input.attempt}.ndjson`);
  const file = await createBundleFile(path);
  let leavesOffset = 0;
  try {
    file.write(
      headerLine({
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
      }),
    );
    for (const t of poolTotals) {
      const p = poolInput.get(t.poolId)!;
      file.write(
        poolLine({
          poolId: t.poolId,
          pricePerGB: BigInt(p.pricePerGB),
          available: BigInt(p.available),
          epochBytes: t.bytes,
          rawTotal: t.rawAmount,
          total: postedTotal.get(t.poolId)!,
        }),
      );
    }
    const getTicket = sqlite.prepare<[string], Record<string, string>>(
      "SELECT ticket_hash, pool_id, stream_id, viewer, not_before, not_after, max_bytes, signature FROM tickets WHERE ticket_hash = ?",
    );
    for (const hash of sortedTickets) {
      const t = getTicket.get(hash);
      if (!t) throw new Error(`Ticket ${hash} of an epoch ${epoch} receipt is missing from the database.`);
      file.write(
        ticketLine({
          ticketHash: t.ticket_hash!,
          poolId: t.pool_id!,
          streamId: t.stream_id!,
          viewer: t.viewer!,
          notBefore: t.not_before!,
          notAfter: t.not_after!,
          maxBytes: t.max_bytes!,
          signature: t.signature!,
        }),
      );
    }
    const byRowId = sqlite
      .prepare<[number], [string, string, string, string, string, number, string, number, number, string]>(
        "SELECT receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature FROM receipts WHERE id = ?",
      )
      .raw(true);
    let e = 0;
    let written = 0;
    for (let k = 0; k < order.length; k++) {
      const [receiptId, poolId, ticketHash, relay, segment, chunk, chunkHash, size, deliveredAt, signature] =
        byRowId.get(rowIds[order[k]!]!)!;
      while (e < extras.length && extras[e]!.receiptId <= receiptId) {
        file.write(receiptLine(extras[e++]!));
        written++;
      }
      file.write(
        receiptLine({
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
        }),
      );
      written++;
    }
    while (e < extras.length) {
      file.write(receiptLine(extras[e++]!));
      written++;
    }
    if (written !== receiptCount)
      throw new Error(`Epoch ${epoch}: wrote ${written} receipts, counted ${receiptCount}.`);
    leavesOffset = file.offset;
    for (const leaf of leaves) file.write(leafLine(leaf));
    file.write(endLine(receiptCount, leaves.length));
  } catch (err) {
    file.abort();
    throw err;
  }
  const { hash: fileHash, bytes } = file.finish();
  phase("write");
  const bundleHash = fault?.kind === "bad-bundle-hash" ? flipLastBit(fileHash) : fileHash;
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
    servable: fault?.kind !== "unfetchable-bundle",
    faultApplied,
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

function byPool(a: Credit, b: Credit): number {
  return a.poolId < b.poolId ? -1 : a.poolId > b.poolId ? 1 : 0;
}

function flipLastBit(hash: Hex): Hex {
  const last = Number.parseInt(hash.slice(-2), 16) ^ 1;
  return `${hash.slice(0, -2)}${last.toString(16).padStart(2, "0")}` as Hex;
}

/** The relay a fault targets (configured, else the lowest relay address with receipts) and one of its receipts. */
function faultTarget(
  sqlite: Database.Database,
  epoch: number,
  fault: FaultConfig,
): { relay: Hex | undefined; base: BundleReceipt | undefined } {
  const relay =
    (fault.relay?.toLowerCase() as Hex | undefined) ??
    sqlite.prepare<[number], { relay: Hex }>("SELECT MIN(relay) AS relay FROM receipts WHERE epoch = ?").get(epoch)
      ?.relay ??
    undefined;
  if (!relay) return { relay: undefined, base: undefined };
  const row = sqlite
    .prepare<[number, string], Record<string, string | number>>(
      `SELECT receipt_id, pool_id, ticket_hash, relay, segment, chunk, chunk_hash, size, delivered_at, signature
       FROM receipts WHERE epoch = ? AND relay = ? ORDER BY receipt_id LIMIT 1`,
    )
    .get(epoch, relay);
  const base: BundleReceipt | undefined = row && {
    receiptId: row.receipt_id as string,
    poolId: row.pool_id as string,
    ticketHash: row.ticket_hash as string,
    relay: row.relay as string,
    segment: row.segment as string,
    chunk: row.chunk as number,
    chunkHash: row.chunk_hash as string,
    size: row.size as number,
    deliveredAt: String(row.delivered_at),
    signature: row.signature as string,
  };
  return { relay, base };
}
