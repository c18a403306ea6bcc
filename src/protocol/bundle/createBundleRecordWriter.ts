import type { RewardLeaf } from "../types.ts";
import type { BundleHeaderInput } from "./headerLine.ts";
import {
  BUNDLE_RECORD,
  type BundleClaimLeaf,
  type BundleHeaderV3,
  type BundlePool,
  type BundlePoolV3,
  type BundleReceiptRow,
  type BundleReceiptRowV3,
  type BundleTicketRow,
  type BundleTicketRowV3,
} from "./types.ts";

/** Encodes the records of a version-2 bundle (docs/bundle.md, version 2) into one growing buffer. */
export type BundleRecordWriter = {
  header(h: BundleHeaderInput): void;
  pool(p: BundlePool): void;
  /** A ticket record; later receipts of the same ticketHash and poolId reference it by its 1-based number. */
  ticket(t: BundleTicketRow): void;
  receipt(r: BundleReceiptRow): void;
  /** A leaf record (leaves reference nothing before the first leaf record, so they read on their own). */
  leaf(l: RewardLeaf): void;
  end(receiptCount: number, leafCount: number): void;
  /** Bytes encoded and not yet taken. */
  readonly length: number;
  /** The bytes encoded since the last take (a view valid until the next record is written), and starts over. */
  take(): Uint8Array;
};

/** A format-3 header to write: format 2's (integers as bigint or number) and the post's tree commitments. */
export type BundleHeaderInputV3 = BundleHeaderInput & Omit<BundleHeaderV3, keyof BundleHeaderInput>;

/** Encodes the records of a version-3 bundle (docs/bundle.md, "Format 3"): format 2's records, extended. */
export type BundleRecordWriterV3 = Omit<BundleRecordWriter, "header" | "pool" | "ticket" | "receipt" | "leaf"> & {
  header(h: BundleHeaderInputV3): void;
  pool(p: BundlePoolV3): void;
  /** A ticket record; receipts of its ticketHash and poolId placed in a ticket's tree reference the first one. */
  ticket(t: BundleTicketRowV3): void;
  /** A receipt record; a defined `ticketPosition` needs a ticket record of its ticketHash and poolId before it. */
  receipt(r: BundleReceiptRowV3): void;
  leaf(l: BundleClaimLeaf): void;
};

/** What the writer writes: format 2 (the default) or format 3. */
export type BundleRecordWriterOptions = { version?: 2 | 3 };

const MAX_U64 = (1n << 64n) - 1n;
const MAX_U256 = (1n << 256n) - 1n;

/**
 * The record encoder of formats 2 and 3 (docs/bundle.md, "Format 2", "Format 3"; `options.version`, default 2; the
 * caller writes the magic), canonical: every choice the format leaves to a writer is
 * fixed (minimal varints and amounts; a dictionary reference whenever the value is already in the dictionary, the
 * value itself only the first time), so the same records give the same bytes in any implementation. Format 3's
 * records are format 2's with more fields, written by the same code. Inputs are
 * trusted as in the v1 line writers: lowercase 0x-hex of the right length, decimal strings and safe integers from
 * the database; integers out of range throw (a bug, not bad input), as does a v3 receipt placed in a ticket's tree
 * without a ticket record of its ticketHash and poolId before it.
 */
export function createBundleRecordWriter(initialBytes?: number, options?: { version?: 2 }): BundleRecordWriter;
export function createBundleRecordWriter(
  initialBytes: number | undefined,
  options: { version: 3 },
): BundleRecordWriterV3;
export function createBundleRecordWriter(
  initialBytes = 1 << 20,
  options: BundleRecordWriterOptions = {},
): BundleRecordWriter | BundleRecordWriterV3 {
  const v3 = options.version === 3;
  let buf = new Uint8Array(Math.max(initialBytes, 1024));
  let n = 0;
  const pools = new Map<string, number>();
  const streams = new Map<string, number>();
  const relays = new Map<string, number>();
  const chunks = new Map<string, number>();
  const leafPools = new Map<string, number>();
  /** First ticket record of each ticketHash: its number and poolId (a receipt references it when both match). */
  const tickets = new Map<string, { k: number; poolId: string }>();
  let ticketCount = 0;
  const room = (bytes: number) => {
    if (n + bytes <= buf.length) return;
    let size = buf.length * 2;
    while (size < n + bytes) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(buf.subarray(0, n));
    buf = grown;
  };
  const raw = (value: string, bytes: number) => {
    for (let i = 0; i < bytes; i++)
      buf[n + i] = (nibble(value.charCodeAt(2 + 2 * i)) << 4) | nibble(value.charCodeAt(3 + 2 * i));
    n += bytes;
  };
  const varint = (value: number | bigint | string) => {
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
      let v = value;
      while (v >= 0x80) {
        buf[n++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      buf[n++] = v;
      return;
    }
    let v = BigInt(value);
    if (v < 0n || v > MAX_U64) throw new RangeError(`Bundle varint out of range: ${value}.`);
    while (v >= 0x80n) {
      buf[n++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[n++] = Number(v);
  };
  const u256 = (value: bigint) => {
    if (value < 0n || value > MAX_U256) throw new RangeError(`Bundle amount out of range: ${value}.`);
    if (value === 0n) {
      buf[n++] = 0;
      return;
    }
    let h = value.toString(16);
    if (h.length % 2) h = `0${h}`;
    buf[n++] = h.length / 2;
    raw(`0x${h}`, h.length / 2);
  };
  /** A dictionary reference: its 1-based number, or 0 and the value the first time (which then joins it). */
  const ref = (dict: Map<string, number>, value: string, bytes: number) => {
    const k = dict.get(value);
    if (k !== undefined) varint(k);
    else {
      buf[n++] = 0;
      raw(value, bytes);
      dict.set(value, dict.size + 1);
    }
  };
  const signature = (sig: string) => {
    const bytes = (sig.length - 2) / 2;
    buf[n++] = bytes;
    raw(sig, bytes);
  };
  const writer: BundleRecordWriterV3 = {
    header(h) {
      room(512);
      buf[n++] = BUNDLE_RECORD.header;
      varint(h.chainId);
      raw(h.distributor, 20);
      varint(h.epoch);
      varint(h.genesisTime);
      varint(h.epochSeconds);
      varint(h.graceSeconds);
      raw(h.previousBundleHash, 32);
      varint(h.snapshotBlock);
      raw(h.root, 32);
      varint(h.poolCount);
      varint(h.ticketCount);
      varint(h.receiptCount);
      varint(h.leafCount);
      if (v3) {
        raw(h.poolsRoot, 32);
        u256(h.poolsCount);
        raw(h.ticketsRoot, 32);
        u256(h.ticketsCount);
      }
    },
    pool(p) {
      room(512);
      buf[n++] = BUNDLE_RECORD.pool;
      raw(p.poolId, 32);
      if (!pools.has(p.poolId)) pools.set(p.poolId, pools.size + 1);
      else pools.set(`${p.poolId}#${pools.size + 1}`, pools.size + 1);
      u256(p.pricePerGB);
      u256(p.available);
      u256(p.epochBytes);
      u256(p.rawTotal);
      u256(p.total);
      if (v3) {
        u256(p.uncappedTotal);
        u256(p.scaleBalance);
        u256(p.leafCount);
      }
    },
    ticket(t) {
      room(512);
      buf[n++] = BUNDLE_RECORD.ticket;
      raw(t.ticketHash, 32);
      ref(pools, t.poolId, 32);
      ref(streams, t.streamId, 32);
      raw(t.viewer, 20);
      varint(t.notBefore);
      varint(t.notAfter);
      varint(t.maxBytes);
      signature(t.signature);
      if (v3) {
        u256(t.bytesBefore);
        u256(t.bytesIn);
        u256(t.count);
        u256(t.prevEpoch);
      }
      ticketCount++;
      if (!tickets.has(t.ticketHash)) tickets.set(t.ticketHash, { k: ticketCount, poolId: t.poolId });
    },
    receipt(r) {
      const found = tickets.get(r.ticketHash);
      const t = found !== undefined && found.poolId === r.poolId ? found : undefined;
      // Format 3: t says which ticket's receipts tree holds the receipt (none: t = 0, written inline).
      const inTicket = v3 ? r.ticketPosition !== undefined : t !== undefined;
      if (v3 && inTicket && t === undefined)
        throw new RangeError(`Bundle receipt ${r.receiptId}: placed in a ticket's tree without its ticket record.`);
      room(512);
      buf[n++] = BUNDLE_RECORD.receipt;
      raw(r.receiptId, 32);
      if (inTicket) varint(t!.k);
      else {
        buf[n++] = 0;
        ref(pools, r.poolId, 32);
        raw(r.ticketHash, 32);
      }
      ref(relays, r.relay, 20);
      varint(r.segment);
      varint(r.chunk);
      ref(chunks, r.chunkHash, 32);
      varint(r.size);
      varint(r.deliveredAt);
      signature(r.signature);
      if (v3) {
        if (inTicket) varint(r.ticketPosition!);
        varint(r.creditLeaf);
      }
    },
    leaf(l) {
      room(512);
      buf[n++] = BUNDLE_RECORD.leaf;
      raw(l.account, 20);
      ref(leafPools, l.poolId, 32);
      u256(l.cumulativeAmount);
      u256(l.epochBytes);
      if (v3) u256(l.baseAmount);
      u256(l.epochAmount);
      if (v3) u256(l.bonusAmount);
      raw(l.receiptsRoot, 32);
      if (v3) {
        u256(l.receiptCount);
        u256(l.prevCumulative);
      }
    },
    end(receiptCount, leafCount) {
      room(32);
      buf[n++] = BUNDLE_RECORD.end;
      varint(receiptCount);
      varint(leafCount);
    },
    get length() {
      return n;
    },
    take() {
      const out = buf.subarray(0, n);
      n = 0;
      // The caller may still hold `out` while the next records are written: give them a fresh buffer.
      buf = new Uint8Array(buf.length);
      return out;
    },
  };
  return writer;
}

/** Value of one lowercase (or uppercase) hex digit. */
function nibble(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}
