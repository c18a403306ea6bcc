import type { BundlePool } from "../bundle/types.ts";
import type { ReceiptVerifier } from "../createReceiptVerifier.ts";
import { computeEpochRewards, type RewardCredit, type RewardPool } from "../rewards/computeEpochRewards.ts";
import { buildRewardTree } from "../tree/buildRewardTree.ts";
import { EMPTY_EPOCH_ROOT } from "../tree/emptyEpochRoot.ts";
import type { Hex, Keccak256, RewardLeaf } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { validateReceipt } from "../validation/validateReceipt.ts";
import type { ChainFacts, ReceiptInput, ReceiptRejection, Recomputation, TicketCarry, TicketMap } from "./types.ts";

/**
 * Recomputes an epoch from receipts and the chain alone, with the verifier's own code path over the protocol
 * library: every receipt is validated (docs/bundle.md rule 2) against its ticket, the pool's ticket signer in force
 * at `floor(deliveredAt / 1000)` (ticketSignerAt, read at `postBlock`), the epoch being open at deliveredAt, the
 * uniqueness keys and ticket bytes already credited (earlier epochs in `carry`, then receipts before it here), and
 * must belong to `epoch`. Receipts are taken in (deliveredAt, receiptId) order; dispute receipts only after every
 * bundle receipt, so a relay's submission can never displace what the bundle credited. The accepted ones are then
 * credited per (relay, pool): price = priceAt(pool, epoch) at `postBlock`, balance = the pool's unallocated balance
 * at `snapshotBlock` (plus, for a re-post, what its repostEpoch `released` from the rejected post), cumulative amounts on top of `previousLeaves` (computeEpochRewards), and the root built with
 * buildRewardTree. Does not modify `carry`.
 */
export async function recomputeEpoch(args: {
  epoch: bigint;
  receipts: readonly ReceiptInput[];
  tickets: TicketMap;
  carry: TicketCarry;
  facts: ChainFacts;
  postBlock: bigint;
  snapshotBlock: bigint;
  /** A re-post's EpochReplaced amounts: funds the re-post released before allocating (PostedEpoch.released). */
  released?: readonly { poolId: Hex; amount: bigint }[];
  previousLeaves: readonly RewardLeaf[];
  verifier: ReceiptVerifier;
  keccak: Keccak256;
}): Promise<Recomputation> {
  const { epoch, facts, verifier } = args;
  const seen = new Set(args.carry.seen);
  const bytes = new Map(args.carry.bytes);
  const accepted: Recomputation["accepted"] = [];
  const rejected: ReceiptRejection[] = [];

  type Item = ReceiptInput & { receiptId: Hex | null; phase: number };
  const items: Item[] = args.receipts.map((r) => {
    let receiptId: Hex | null = null;
    try {
      receiptId = bytesToHex(verifier.receiptDigest(r.signed.receipt));
    } catch {
      receiptId = null;
    }
    return { ...r, receiptId, phase: r.source === "bundle" ? 0 : 1 };
  });
  items.sort((a, b) => {
    if (a.phase !== b.phase) return a.phase - b.phase;
    const da = safeBig(a.signed.receipt?.deliveredAt);
    const db = safeBig(b.signed.receipt?.deliveredAt);
    if (da !== db) return da < db ? -1 : 1;
    const ia = a.receiptId ?? "";
    const ib = b.receiptId ?? "";
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });

  const acceptedIds = new Set<string>();
  for (const item of items) {
    const r = item.signed.receipt;
    const base = {
      receiptId: item.receiptId,
      source: item.source,
      receipt: item.signed,
      ...(item.line === undefined ? {} : { line: item.line }),
    };
    if (item.receiptId !== null && acceptedIds.has(item.receiptId)) {
      rejected.push({
        ...base,
        kind: "duplicate",
        errors: [{ code: "RECEIPT_DUPLICATE", message: `Receipt ${item.receiptId} is listed more than once.` }],
      });
      continue;
    }
    const ticket = r ? args.tickets.get(r.ticketHash.toLowerCase()) : undefined;
    if (!ticket) {
      rejected.push({
        ...base,
        kind: "invalid",
        errors: [{ code: "TICKET_UNKNOWN", message: `No ticket ${r?.ticketHash} accompanies this receipt.` }],
      });
      continue;
    }
    const signer = r ? await facts.ticketSignerAt(r.poolId, r.deliveredAt / 1000n, args.postBlock) : undefined;
    const result = validateReceipt({
      receipt: item.signed,
      ticket,
      pool: signer === undefined ? undefined : { poolId: r.poolId, ticketSigner: signer, active: true },
      epochParams: facts.epochParams,
      nowMs: r.deliveredAt,
      context: { seen, bytesAccepted: bytes.get(r.ticketHash.toLowerCase()) ?? 0n },
      verifier,
    });
    const errors = result.errors.map((e) => ({ code: e.code as string, message: e.shortMessage }));
    if (result.ok && result.epoch !== epoch)
      errors.push({
        code: "RECEIPT_WRONG_EPOCH",
        message: `The receipt was delivered in epoch ${result.epoch}, not in epoch ${epoch}.`,
      });
    if (errors.length > 0) {
      const kind = errors.every((e) => e.code === "RECEIPT_DUPLICATE") ? "duplicate" : "invalid";
      rejected.push({ ...base, kind, errors });
      continue;
    }
    const receiptId = result.receiptId!;
    acceptedIds.add(receiptId);
    seen.add(result.uniquenessKey!);
    const ticketHash = result.ticketHash!;
    bytes.set(ticketHash, (bytes.get(ticketHash) ?? 0n) + BigInt(r.size));
    accepted.push({ receiptId, source: item.source, signed: item.signed, ticketHash });
  }

  // Credits per (relay, pool).
  const credits = new Map<string, RewardCredit & { receiptIds: Hex[] }>();
  for (const a of accepted) {
    const r = a.signed.receipt;
    const key = `${r.poolId.toLowerCase()}:${r.relay.toLowerCase()}`;
    let c = credits.get(key);
    if (!c) {
      c = { account: r.relay.toLowerCase() as Hex, poolId: r.poolId.toLowerCase() as Hex, bytes: 0n, receiptIds: [] };
      credits.set(key, c);
    }
    c.bytes += BigInt(r.size);
    c.receiptIds.push(a.receiptId);
  }
  const poolIds = [...new Set([...credits.values()].map((c) => c.poolId))].sort();
  const pools: (RewardPool & { available: bigint })[] = [];
  for (const poolId of poolIds) {
    const [price, available] = await Promise.all([
      facts.priceAt(poolId, epoch, args.postBlock),
      facts.unallocatedAt(poolId, args.snapshotBlock),
    ]);
    const freed = args.released?.find((t) => t.poolId.toLowerCase() === poolId)?.amount ?? 0n;
    const balance = available === undefined ? 0n : available + freed;
    pools.push({ poolId, pricePerGB: price ?? 0n, balance, available: balance });
  }
  const rewards = computeEpochRewards({
    pools,
    credits: [...credits.values()],
    previous: args.previousLeaves,
    keccak: args.keccak,
  });
  const poolLines: BundlePool[] = rewards.poolTotals.map((t) => {
    const p = pools.find((x) => x.poolId === t.poolId)!;
    return {
      poolId: t.poolId,
      pricePerGB: p.pricePerGB,
      available: p.available,
      epochBytes: t.bytes,
      rawTotal: t.rawAmount,
      total: t.amount,
    };
  });
  const root = rewards.leaves.length === 0 ? EMPTY_EPOCH_ROOT : buildRewardTree(rewards.leaves, args.keccak).root;
  return {
    accepted,
    rejected,
    pools: poolLines,
    leaves: rewards.leaves,
    root,
    poolTotals: poolLines.map((p) => ({ poolId: p.poolId, amount: p.total })),
  };
}

function safeBig(v: unknown): bigint {
  return typeof v === "bigint" ? v : 0n;
}
