import type { Address, Hex } from "../types.ts";
import { bytesToHex } from "../utils/bytes.ts";
import { checkHeaderCounts } from "./checkHeaderCounts.ts";
import type { ReadBundleOptions } from "./createBundleReader.ts";
import { malformedBundle } from "./malformedBundle.ts";
import { BUNDLE_RECORD, type BundleHeader, type BundleHeaderV3, type BundleItem } from "./types.ts";

const malformed = (record: number, field: string, message: string) =>
  malformedBundle(record, field, message, undefined, "record");

export type BundleRecordReader = {
  /**
   * Decodes the records completed by `chunk` (the bytes after the magic, any split) and appends their items to
   * `out` (skipped tickets and receipts are not appended). A record cut by the chunk's end waits for the next one.
   */
  push(chunk: Uint8Array, out: BundleItem[]): void;
  /** Records decoded so far. */
  readonly records: number;
  /** Call once the input has ended: throws when it was empty, ended inside a record or without the end record. */
  finish(): void;
};

const STAGE_NAMES = ["header", "pool", "ticket", "receipt", "leaf", "end"] as const;
const LEAF_STAGE = 4;
/** Thrown inside a decode when the buffered bytes end inside a record: wait for the next chunk. */
const NEED_MORE = Symbol("need more bytes");

/** A dictionary of fixed-width values, numbered from 1, kept as bytes (a bundle can name a million relays). */
type Dictionary = { width: number; bytes: Uint8Array; size: number };

/**
 * The record half of the one bundle parser, for format versions 2 and 3 (docs/bundle.md; `version`, default 2: format
 * 3's records are format 2's with more fields, decoded by the same code): decodes records and their
 * dictionary references and checks the structure exactly as createBundleReader does for v1 lines (one header;
 * then pools, tickets, receipts, leaves in that order; one end record; the counts of the end record and of the
 * header). Items are the same as v1's; their `line` is the 1-based record number (from where reading started).
 * Memory: the current chunk, one cut-off record and the dictionaries (tickets, pools, streams, relays, chunk
 * hashes; bytes, not strings), never the bundle. Throws ProtocolError BUNDLE_MALFORMED with `line` (the record
 * number) and `field`.
 */
export function createBundleRecordReader(options: ReadBundleOptions = {}, version: 2 | 3 = 2): BundleRecordReader {
  const v3 = version === 3;
  const fromLeaves = options.startAt === "leaf";
  const keep = !options.skipTicketsAndReceipts;
  let stage = fromLeaves ? LEAF_STAGE : -1;
  let header: BundleHeader | undefined;
  const counts = { pool: 0, ticket: 0, receipt: 0, leaf: 0 };
  const pools = dictionary(32);
  const streams = dictionary(32);
  const relays = dictionary(20);
  const chunkHashes = dictionary(32);
  const leafPools = dictionary(32);
  /** The ticketHash of each ticket record, in order: receipts reference them by their 1-based number. */
  const tickets = dictionary(32);
  /** The pool dictionary number of each ticket record's poolId. */
  let ticketPools = new Uint32Array(256);
  /** The number the last dictionary reference resolved to (a new value: the number it gets). */
  let lastRef = 0;
  let ended = false;
  let record = 0;
  let carry: Uint8Array | undefined;
  let buf: Uint8Array = new Uint8Array(0);
  let o = 0;
  /** Values first seen in the record being decoded: they join their dictionaries once the record is complete. */
  const pending: { dict: Dictionary; at: number }[] = [];

  const need = (bytes: number) => {
    if (o + bytes > buf.length) throw NEED_MORE;
  };
  const hex = (bytes: number): Hex => {
    need(bytes);
    const v = bytesToHex(buf, o, o + bytes);
    o += bytes;
    return v;
  };
  const skip = (bytes: number) => {
    need(bytes);
    o += bytes;
  };
  /** Hex of the next `bytes` bytes when they are kept, else skipped ("0x"). */
  const maybeHex = (bytes: number, wanted: boolean): Hex => {
    if (wanted) return hex(bytes);
    skip(bytes);
    return "0x";
  };
  /** An unsigned LEB128 varint of at most 64 bits, minimal; a number when it is a safe integer, else bigint. */
  const varint = (field: string): number | bigint => {
    let value = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      need(1);
      const b = buf[o++]!;
      if (i === 9 && b > 1) throw malformed(record, field, `${field} exceeds 64 bits`);
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (b === 0 && i > 0) throw malformed(record, field, `${field} is not a minimal varint`);
        if (Number.isSafeInteger(value)) return value;
        return bigVarint(buf, o - i - 1);
      }
      scale *= 128;
    }
  };
  const uint = (field: string): bigint => BigInt(varint(field));
  const count = (field: string): number => {
    const v = varint(field);
    if (typeof v !== "number") throw malformed(record, field, `${field} is too large`);
    return v;
  };
  const u32 = (field: string): number => {
    const v = varint(field);
    if (typeof v !== "number" || v > 0xffffffff) throw malformed(record, field, `${field} must be a uint32`);
    return v;
  };
  const u256 = (field: string): bigint => {
    need(1);
    const len = buf[o]!;
    if (len > 32) throw malformed(record, field, `${field} must be at most 32 bytes`);
    need(1 + len);
    if (len > 0 && buf[o + 1] === 0) throw malformed(record, field, `${field} has a leading zero byte`);
    o++;
    if (len === 0) return 0n;
    const v = BigInt(bytesToHex(buf, o, o + len));
    o += len;
    return v;
  };
  const signature = (field: string): Hex => {
    need(1);
    const len = buf[o]!;
    if (len !== 64 && len !== 65) throw malformed(record, field, `${field} must be 64 or 65 bytes, not ${len}`);
    o++;
    return maybeHex(len, keep);
  };
  /** A dictionary reference (docs/bundle.md): 0 and the value the first time, else the value's number. */
  const ref = (dict: Dictionary, field: string, decode: boolean): Hex => {
    const k = count(field);
    if (k === 0) {
      need(dict.width);
      pending.push({ dict, at: o });
      lastRef = dict.size + 1;
      const v = decode ? bytesToHex(buf, o, o + dict.width) : ("0x" as Hex);
      o += dict.width;
      return v;
    }
    if (k > dict.size) throw malformed(record, field, `${field} references entry ${k} of ${dict.size}`);
    lastRef = k;
    return decode ? bytesToHex(dict.bytes, (k - 1) * dict.width, k * dict.width) : ("0x" as Hex);
  };

  /** Decodes the record at `o` (its type byte is there); returns its item, or undefined when skipped. */
  const decode = (): BundleItem | undefined => {
    const type = buf[o++]!;
    const index = type - 1;
    const line = record;
    if (index < 0 || index >= STAGE_NAMES.length) throw malformed(line, "type", `unknown record type ${type}`);
    const name = STAGE_NAMES[index]!;
    if (stage < 0 && type !== BUNDLE_RECORD.header)
      throw malformed(line, "type", "the first record must be the header");
    if (index < stage || (index === 0 && stage === 0))
      throw malformed(line, "type", `a ${name} record may not come after a ${STAGE_NAMES[stage]} record`);
    switch (type) {
      case BUNDLE_RECORD.header: {
        const h: BundleHeader = {
          chainId: uint("chainId"),
          distributor: hex(20) as Address,
          epoch: uint("epoch"),
          genesisTime: uint("genesisTime"),
          epochSeconds: uint("epochSeconds"),
          graceSeconds: uint("graceSeconds"),
          previousBundleHash: hex(32),
          snapshotBlock: uint("snapshotBlock"),
          root: hex(32),
          poolCount: count("poolCount"),
          ticketCount: count("ticketCount"),
          receiptCount: count("receiptCount"),
          leafCount: count("leafCount"),
        };
        if (v3) {
          const h3 = h as BundleHeaderV3;
          h3.poolsRoot = hex(32);
          h3.poolsCount = u256("poolsCount");
          h3.ticketsRoot = hex(32);
          h3.ticketsCount = u256("ticketsCount");
        }
        stage = index;
        header = h;
        return { type: "header", line, header: h };
      }
      case BUNDLE_RECORD.pool: {
        need(32);
        pending.push({ dict: pools, at: o });
        const pool = {
          poolId: hex(32),
          pricePerGB: u256("pricePerGB"),
          available: u256("available"),
          epochBytes: u256("epochBytes"),
          rawTotal: u256("rawTotal"),
          total: u256("total"),
        };
        const extra = v3
          ? { uncappedTotal: u256("uncappedTotal"), scaleBalance: u256("scaleBalance"), leafCount: u256("leafCount") }
          : undefined;
        stage = index;
        counts.pool++;
        return { type: "pool", line, ...pool, ...extra };
      }
      case BUNDLE_RECORD.ticket: {
        need(32);
        pending.push({ dict: tickets, at: o });
        const ticketHash = hex(32);
        const poolId = ref(pools, "ticket.poolId", keep);
        const pool = lastRef;
        const streamId = ref(streams, "ticket.streamId", keep);
        const viewer = maybeHex(20, keep) as Address;
        const notBefore = uint("ticket.notBefore");
        const notAfter = uint("ticket.notAfter");
        const maxBytes = uint("ticket.maxBytes");
        const sig = signature("signature");
        const extra = v3
          ? {
              bytesBefore: u256("ticket.bytesBefore"),
              bytesIn: u256("ticket.bytesIn"),
              count: u256("ticket.count"),
              prevEpoch: u256("ticket.prevEpoch"),
            }
          : undefined;
        stage = index;
        counts.ticket++;
        if (tickets.size >= ticketPools.length) {
          const bigger = new Uint32Array(ticketPools.length * 2);
          bigger.set(ticketPools);
          ticketPools = bigger;
        }
        ticketPools[tickets.size] = pool;
        if (!keep) return undefined;
        return {
          type: "ticket",
          line,
          ticketHash,
          signed: { ticket: { poolId, streamId, viewer, notBefore, notAfter, maxBytes }, signature: sig },
          ...extra,
        };
      }
      case BUNDLE_RECORD.receipt: {
        const receiptId = maybeHex(32, keep);
        const t = count("ticket");
        let poolId: Hex = "0x";
        let ticketHash: Hex = "0x";
        if (t === 0) {
          poolId = ref(pools, "receipt.poolId", keep);
          ticketHash = maybeHex(32, keep);
        } else if (t > tickets.size)
          throw malformed(line, "ticket", `the receipt references ticket ${t}, the bundle has ${tickets.size} so far`);
        else if (keep) {
          ticketHash = bytesToHex(tickets.bytes, (t - 1) * 32, t * 32);
          const p = ticketPools[t - 1]!;
          poolId = bytesToHex(pools.bytes, (p - 1) * 32, p * 32);
        }
        const relay = ref(relays, "receipt.relay", keep) as Address;
        const segment = uint("receipt.segment");
        const chunk = u32("receipt.chunk");
        const chunkHash = ref(chunkHashes, "receipt.chunkHash", keep);
        const size = u32("receipt.size");
        const deliveredAt = uint("receipt.deliveredAt");
        const sig = signature("signature");
        const extra = v3
          ? {
              ticketRecord: t,
              ticketPosition: t === 0 ? 0 : u32("ticketPosition"),
              creditLeaf: count("creditLeaf"),
            }
          : undefined;
        stage = index;
        counts.receipt++;
        if (!keep) return undefined;
        return {
          type: "receipt",
          line,
          receiptId,
          signed: {
            receipt: { poolId, ticketHash, relay, segment, chunk, chunkHash, size, deliveredAt },
            signature: sig,
          },
          ...extra,
        };
      }
      case BUNDLE_RECORD.leaf: {
        const account = hex(20) as Address;
        const poolId = ref(leafPools, "poolId", true);
        const cumulativeAmount = u256("cumulativeAmount");
        const epochBytes = u256("epochBytes");
        if (v3) {
          const leaf = {
            account,
            poolId,
            cumulativeAmount,
            epochBytes,
            baseAmount: u256("baseAmount"),
            epochAmount: u256("epochAmount"),
            bonusAmount: u256("bonusAmount"),
            receiptsRoot: hex(32),
            receiptCount: u256("receiptCount"),
            prevCumulative: u256("prevCumulative"),
          };
          stage = index;
          counts.leaf++;
          return { type: "leaf", line, ...leaf };
        }
        const leaf = {
          account,
          poolId,
          cumulativeAmount,
          epochBytes,
          epochAmount: u256("epochAmount"),
          receiptsRoot: hex(32),
        };
        stage = index;
        counts.leaf++;
        return { type: "leaf", line, ...leaf };
      }
      default: {
        const receiptCount = count("receiptCount");
        const leafCount = count("leafCount");
        stage = index;
        ended = true;
        if (!fromLeaves && receiptCount !== counts.receipt)
          throw malformed(
            line,
            "receiptCount",
            `the end record counts ${receiptCount} receipts, the file has ${counts.receipt}`,
          );
        if (leafCount !== counts.leaf)
          throw malformed(line, "leafCount", `the end record counts ${leafCount} leaves, the file has ${counts.leaf}`);
        return { type: "end", line, receiptCount, leafCount };
      }
    }
  };
  return {
    push(chunk, out) {
      if (carry) {
        const joined = new Uint8Array(carry.length + chunk.length);
        joined.set(carry);
        joined.set(chunk, carry.length);
        buf = joined;
        carry = undefined;
      } else buf = chunk;
      o = 0;
      while (o < buf.length) {
        const start = o;
        if (ended) throw malformed(record + 1, "(record)", "nothing may follow the end record");
        const saved = stage;
        record++;
        pending.length = 0;
        try {
          const item = decode();
          for (const p of pending) {
            const at = grow(p.dict);
            p.dict.bytes.set(buf.subarray(p.at, p.at + p.dict.width), at);
          }
          if (item) out.push(item);
        } catch (err) {
          if (err !== NEED_MORE) throw err;
          // Cut off by the chunk's end: decode this record again once more bytes are there. Nothing of it was
          // counted or added (counters and dictionaries move only once a record is complete).
          record--;
          stage = saved;
          carry = buf.slice(start);
          return;
        }
      }
    },
    get records() {
      return record;
    },
    finish() {
      if (carry) throw malformed(record + 1, "(file)", "the bundle ends inside a record (truncated?)");
      if (record === 0 && !fromLeaves) throw malformed(1, "(file)", "the bundle is empty");
      if (!ended) throw malformed(record, "(file)", "the end record is missing (truncated download?)");
      if (header) checkHeaderCounts(header, counts, (key, message) => malformed(1, key, message));
    },
  };
}

function dictionary(width: number): Dictionary {
  return { width, bytes: new Uint8Array(width * 256), size: 0 };
}

/** Room for one more entry; returns its byte offset and counts it. */
function grow(d: Dictionary): number {
  const at = d.size * d.width;
  if (at + d.width > d.bytes.length) {
    const bigger = new Uint8Array(d.bytes.length * 2);
    bigger.set(d.bytes);
    d.bytes = bigger;
  }
  d.size++;
  return at;
}

/** The varint at `start` as bigint (values past 2^53). */
function bigVarint(buf: Uint8Array, start: number): bigint {
  let value = 0n;
  let shift = 0n;
  for (let o = start; ; o++) {
    const b = buf[o]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return value;
    shift += 7n;
  }
}
