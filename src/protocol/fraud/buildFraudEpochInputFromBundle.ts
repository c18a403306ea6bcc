import { malformedBundle } from "../bundle/malformedBundle.ts";
import type {
  BundleHeaderV3,
  BundleItem,
  BundleLeafV3,
  BundlePoolV3,
  BundleReceiptV3,
  BundleTicketV3,
} from "../bundle/types.ts";
import { hashEpochCommitment } from "../commitments/hashEpochCommitment.ts";
import { hashSignature } from "../commitments/hashSignature.ts";
import { packPoolAccountValue } from "../commitments/packPoolAccountValue.ts";
import type { EpochCommitmentPreimage, TicketReceiptNode } from "../commitments/types.ts";
import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Address, Hex, Keccak256, ViewerTicket } from "../types.ts";
import type {
  FraudEpochClaim,
  FraudEpochInput,
  FraudEpochPool,
  FraudEpochPoolAccount,
  FraudEpochPost,
  FraudEpochReceipt,
  FraudEpochTicket,
} from "./types.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] };

const malformed = (record: number, field: string, message: string) =>
  malformedBundle(record, field, message, undefined, "record");

/**
 * The FraudEpochInput of one post from its format-3 bundle's items (readBundleItems or an array of them, read
 * without skipTicketsAndReceipts) and what only the chain knows (`post`: aggregator, bundleHash, posted pool totals),
 * every list in the order its tree has it (docs/bundle.md, "Format 3", "Tree order"): pools and tickets in record
 * order; a claim per leaf record with its receipts in file order (the relay receipts tree); a pool's accounts are
 * its leaf records in file order; a ticket's receipts at the positions their records give. Derived values are
 * computed here: each epochCommitment (hashEpochCommitment of the leaf's preimage), receipt `signatureHash` and
 * ticket `ticketSignatureHash` (hashSignature; pass createFastKeccak256() for a large bundle), a pool account's
 * value (packPoolAccountValue). The result is ready for buildFraudEpoch, whose roots and dataHash a verifier
 * compares with the header's and the chain's before proving (a bundle that does not explain them is the arbiter's).
 * Memory: every receipt as FraudEpochReceipt and TicketReceiptNode objects sharing their strings and bigints (about
 * 790 bytes of heap a receipt: 75 MiB for 10^5 in test/protocol/fraud/buildFraudEpochInputFromBundle.test.ts,
 * 742 MiB for 10^6), never the bundle's bytes (items are consumed as they stream); repeated hex (pool ids, ticket
 * hashes, relays, chunk hashes) is one string each, and 24 bytes a receipt of placement until the end record.
 * Throws ProtocolError BUNDLE_MALFORMED (record, field) for a bundle that is not format 3 or whose placements do not
 * describe trees (a reference past the leaves, a ticket position taken twice or left empty, a receipt whose ticket
 * is not in the bundle, an account value that cannot be packed), and INVALID_ARGUMENT for items read with
 * skipTicketsAndReceipts.
 */
export async function buildFraudEpochInputFromBundle(
  items: AsyncIterable<BundleItem> | Iterable<BundleItem>,
  post: FraudEpochPost,
  keccak: Keccak256 = keccak256,
): Promise<FraudEpochInput> {
  const interned = new Map<string, string>();
  const intern = <T extends string>(s: T): T => {
    const found = interned.get(s);
    if (found !== undefined) return found as T;
    interned.set(s, s);
    return s;
  };
  let header: BundleHeaderV3 | undefined;
  const pools: Mutable<FraudEpochPool>[] = [];
  const poolIndex = new Map<string, number>();
  const tickets: Mutable<FraudEpochTicket>[] = [];
  const ticketSigned: { ticket: ViewerTicket; signature: Hex }[] = [];
  const ticketIndex = new Map<string, number>();
  const receipts: FraudEpochReceipt[] = [];
  /** Per receipt, in file order: its ticket record (1-based, 0 none), position in that tree, leaf record (0 own). */
  let placement = new Float64Array(3 * 1024);
  let firstReceiptLine = 0;
  const claims: Mutable<FraudEpochClaim>[] = [];
  const leafIndex = new Map<string, number>();
  let ended = false;

  for await (const item of items) {
    if (item.type === "header") {
      if (!("poolsRoot" in item.header))
        throw malformed(item.line, "version", "the bundle is not format 3: it carries no fraud-proof commitments");
      header = item.header as BundleHeaderV3;
    } else if (item.type === "pool") {
      const p = item as BundlePoolV3 & { line: number };
      if (!poolIndex.has(p.poolId)) poolIndex.set(p.poolId, pools.length);
      pools.push({
        poolId: intern(p.poolId),
        total: p.total,
        uncappedTotal: p.uncappedTotal,
        scaleBalance: p.scaleBalance,
        leafCount: p.leafCount,
        accounts: [],
      });
    } else if (item.type === "ticket") {
      const t = item as BundleTicketV3;
      if (!ticketIndex.has(t.ticketHash)) ticketIndex.set(t.ticketHash, tickets.length);
      const ticketHash = intern(t.ticketHash);
      const ticket = { ...t.signed.ticket, poolId: intern(t.signed.ticket.poolId) };
      ticketSigned.push({ ticket, signature: t.signed.signature });
      tickets.push({
        ticketHash,
        ticketSignatureHash: hashSignature(t.signed.signature, keccak),
        bytesBefore: t.bytesBefore,
        bytesIn: t.bytesIn,
        count: t.count,
        prevEpoch: t.prevEpoch,
        receipts: [],
      });
    } else if (item.type === "receipt") {
      const r = item as BundleReceiptV3;
      if (receipts.length === 0) firstReceiptLine = r.line;
      const s = r.signed.receipt;
      const ticketHash = intern(s.ticketHash);
      const receipt = {
        ...s,
        poolId: intern(s.poolId),
        ticketHash,
        relay: intern(s.relay),
        chunkHash: intern(s.chunkHash),
      };
      const t = r.ticketRecord > 0 ? r.ticketRecord - 1 : ticketIndex.get(ticketHash);
      if (t === undefined || t >= ticketSigned.length)
        throw malformed(r.line, "ticket", `receipt ${r.receiptId}'s ticket is not in the bundle`);
      const signed = ticketSigned[t]!;
      const at = receipts.length;
      receipts.push({
        node: {
          receiptId: r.receiptId,
          ticketHash,
          segment: receipt.segment,
          chunk: receipt.chunk,
          size: receipt.size,
          deliveredAt: receipt.deliveredAt,
          signatureHash: hashSignature(r.signed.signature, keccak),
        },
        receipt,
        signature: r.signed.signature,
        ticket: signed.ticket,
        ticketSignature: signed.signature,
      });
      if (3 * at + 3 > placement.length) {
        const bigger = new Float64Array(placement.length * 2);
        bigger.set(placement);
        placement = bigger;
      }
      placement[3 * at] = r.ticketRecord;
      placement[3 * at + 1] = r.ticketPosition;
      placement[3 * at + 2] = r.creditLeaf;
    } else if (item.type === "leaf") {
      const l = item as BundleLeafV3;
      const commitment: EpochCommitmentPreimage = {
        epochBytes: l.epochBytes,
        baseAmount: l.baseAmount,
        epochAmount: l.epochAmount,
        bonusAmount: l.bonusAmount,
        receiptsRoot: l.receiptsRoot,
        receiptCount: l.receiptCount,
        prevCumulative: l.prevCumulative,
      };
      const account = intern(l.account) as Address;
      const poolId = intern(l.poolId);
      const epochCommitment = hashEpochCommitment(commitment, keccak);
      const key = `${account}:${poolId}`;
      if (!leafIndex.has(key)) leafIndex.set(key, claims.length);
      claims.push({
        leaf: { account, poolId, cumulativeAmount: l.cumulativeAmount, epochCommitment },
        commitment,
        receipts: [],
      });
      const p = poolIndex.get(poolId);
      if (p !== undefined) {
        let value: bigint;
        try {
          value = packPoolAccountValue(l.baseAmount, l.epochAmount + l.bonusAmount);
        } catch {
          throw malformed(l.line, "baseAmount", "the leaf's pool-account value cannot be packed (a half ≥ 2^128)");
        }
        const a: FraudEpochPoolAccount = { account, cumulativeAmount: l.cumulativeAmount, epochCommitment, value };
        pools[p]!.accounts.push(a);
      }
    } else if (item.type === "end") ended = true;
  }
  if (!header) throw malformed(1, "(file)", "the bundle has no header");
  if (!ended) throw malformed(1, "(file)", "the end record is missing");
  if (receipts.length !== header.receiptCount || tickets.length !== header.ticketCount)
    throw new ProtocolError(
      "INVALID_ARGUMENT",
      "The bundle's tickets and receipts were not all read (read it without skipTicketsAndReceipts).",
      { field: "items" },
    );

  // Place each receipt: its leaf's relay receipts tree (file order) and its ticket's receipts tree (its position).
  receipts.forEach((r, i) => {
    const line = firstReceiptLine + i;
    const credit = placement[3 * i + 2]!;
    let leaf: number | undefined;
    if (credit === 0) leaf = leafIndex.get(`${r.receipt.relay}:${r.receipt.poolId}`);
    else if (credit > claims.length)
      throw malformed(line, "creditLeaf", `the receipt is credited to leaf ${credit}, the bundle has ${claims.length}`);
    else leaf = credit - 1;
    if (leaf !== undefined) claims[leaf]!.receipts.push(r);
    const t = placement[3 * i]!;
    if (t === 0) return;
    const position = placement[3 * i + 1]!;
    const slots = tickets[t - 1]!.receipts as (TicketReceiptNode | undefined)[];
    if (slots[position] !== undefined)
      throw malformed(line, "ticketPosition", `position ${position} of ticket ${t}'s receipts tree is taken twice`);
    slots[position] = {
      segment: r.node.segment,
      chunk: r.node.chunk,
      relay: leaf === undefined ? r.receipt.relay : claims[leaf]!.leaf.account,
      receiptId: r.node.receiptId,
      size: r.node.size,
    };
  });
  tickets.forEach((t, i) => {
    const slots = t.receipts as (TicketReceiptNode | undefined)[];
    for (let p = 0; p < slots.length; p++)
      if (slots[p] === undefined)
        throw malformed(
          firstReceiptLine,
          "ticketPosition",
          `position ${p} of ticket ${i + 1}'s receipts tree (of ${slots.length}) has no receipt`,
        );
  });
  return {
    epoch: header.epoch,
    aggregator: post.aggregator,
    bundleHash: post.bundleHash,
    posted: post.posted,
    claims,
    pools,
    tickets,
  };
}
