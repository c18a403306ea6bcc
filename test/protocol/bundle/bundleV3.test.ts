// Format 3 of the epoch bundle (docs/bundle.md, "Format 3"): format 2's records extended with what the fraud-proof
// trees need. The writer and the one parser agree through every way of feeding it, the bytes are those the docs lay
// out, the leaves read alone, and every broken file format 2 refuses is refused in format 3 too, naming the record
// and field.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createBundleChunkReader } from "../../../src/protocol/bundle/createBundleChunkReader.ts";
import { createBundleRecordWriter } from "../../../src/protocol/bundle/createBundleRecordWriter.ts";
import { parseBundle } from "../../../src/protocol/bundle/parseBundle.ts";
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { readBundleItems } from "../../../src/protocol/bundle/readBundleItems.ts";
import { BUNDLE_V3_MAGIC, type BundleItem, type BundleV3 } from "../../../src/protocol/bundle/types.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import type { Address, Hex } from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";
import { signedChunkReceiptFromJson } from "../../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketFromJson } from "../../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { domain, makeSignedPair, poolId } from "../fixtures.ts";
import { writeBundleV3 } from "./helpers/writeBundleV3.ts";

const Z = `0x${"00".repeat(32)}` as const;

/**
 * Two tickets of one pool and stream, three receipts of one relay: two in their tickets' trees, one whose ticket is
 * not in the bundle (no ticket tree, written inline with a second pool id) credited explicitly to leaf record 2;
 * values past 2^64 in every amount field that may hold them.
 */
function sampleBundle(): BundleV3 {
  const a = makeSignedPair({}, { chunk: 1, size: 1_000_000 });
  const b = makeSignedPair({ maxBytes: 9_000_000_000_000_000_000n }, { chunk: 2, segment: 2n ** 60n });
  const orphan = makeSignedPair({ poolId: `0x${"b7".repeat(32)}` }, { chunk: 3, deliveredAt: 2n ** 63n + 5n });
  const tickets = [a.ticket, b.ticket]
    .map((t) => signedViewerTicketFromJson(signedViewerTicketToJson(t)))
    .map((signed) => ({ ticketHash: hashViewerTicket(signed.ticket), signed }))
    .sort((x, y) => (x.ticketHash < y.ticketHash ? -1 : 1))
    .map((t, i) => ({ ...t, bytesBefore: BigInt(i) * 7n, bytesIn: 1n << 70n, count: 1n, prevEpoch: 11n + BigInt(i) }));
  const ticketOf = (hash: Hex) => tickets.findIndex((t) => t.ticketHash === hash) + 1;
  const receipts = [a.receipt, b.receipt, orphan.receipt]
    .map((r) => signedChunkReceiptFromJson(signedChunkReceiptToJson(r)))
    .map((signed) => ({ receiptId: getReceiptId(signed.receipt, domain), signed }))
    .sort((x, y) => (x.receiptId < y.receiptId ? -1 : 1))
    .map((r) => {
      const t = r.signed.receipt.poolId === poolId ? ticketOf(r.signed.receipt.ticketHash) : 0;
      return { ...r, ticketRecord: t, ticketPosition: 0, creditLeaf: t === 0 ? 2 : 0 };
    });
  const relay = a.receipt.receipt.relay.toLowerCase() as Address;
  const leaves = [
    {
      account: relay,
      poolId,
      cumulativeAmount: (1n << 255n) + 7n,
      epochBytes: 1_000_000n,
      baseAmount: 1n << 100n,
      epochAmount: 3n,
      bonusAmount: 0n,
      receiptsRoot: `0x${"ab".repeat(32)}` as Hex,
      receiptCount: 2n,
      prevCumulative: 1n << 80n,
    },
    {
      account: `0x${"cd".repeat(20)}` as Address,
      poolId,
      cumulativeAmount: 9n,
      epochBytes: 0n,
      baseAmount: 0n,
      epochAmount: 0n,
      bonusAmount: 0n,
      receiptsRoot: Z,
      receiptCount: 0n,
      prevCumulative: 9n,
    },
  ];
  const pools = [
    {
      poolId,
      pricePerGB: 10n ** 30n,
      available: 5n,
      epochBytes: 2_000_000n,
      rawTotal: 6n,
      total: 5n,
      uncappedTotal: 6n,
      scaleBalance: 5n,
      leafCount: 2n,
    },
  ];
  let line = 1;
  return {
    header: {
      chainId: 31337n,
      distributor: `0x${"11".repeat(20)}`,
      epoch: 12n,
      genesisTime: 1_767_225_600n,
      epochSeconds: 3600n,
      graceSeconds: 900n,
      previousBundleHash: `0x${"22".repeat(32)}`,
      snapshotBlock: 1234n,
      root: `0x${"33".repeat(32)}`,
      poolCount: pools.length,
      ticketCount: tickets.length,
      receiptCount: receipts.length,
      leafCount: leaves.length,
      poolsRoot: `0x${"55".repeat(32)}`,
      poolsCount: 1n,
      ticketsRoot: `0x${"66".repeat(32)}`,
      ticketsCount: 1n << 64n,
    },
    pools: pools.map((p) => ({ line: ++line, ...p })),
    tickets: tickets.map((t) => ({ line: ++line, ...t })),
    receipts: receipts.map((r) => ({ line: ++line, ...r })),
    leaves: leaves.map((l) => ({ line: ++line, ...l })),
  };
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const rep = (byte: string, n: number) => byte.repeat(n);

function refused(record: number, field: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.code, "BUNDLE_MALFORMED");
    assert.equal(err.line, record, err.shortMessage);
    if (typeof field === "string") assert.equal(err.field, field, err.shortMessage);
    else assert.match(err.shortMessage, field);
    return true;
  };
}

/** The same bytes in memory and streamed in 5-byte chunks (records and the magic split anywhere). */
async function refuses(bytes: Uint8Array, record: number, field: string | RegExp) {
  assert.throws(() => parseBundleBytes(bytes), refused(record, field));
  await assert.rejects(parseBundle(chunks(bytes, 5)), refused(record, field));
}

/** A v3 file from hex records. */
const file = (...records: string[]) => {
  const body = hex(records.join(""));
  const out = new Uint8Array(8 + body.length);
  out.set(BUNDLE_V3_MAGIC);
  out.set(body, 8);
  return out;
};
const h8 = (n: number) => n.toString(16).padStart(2, "0");
/** A v3 header: tiny values, the given counts (each < 128), the two tree roots. */
const header = (pools: number, tickets: number, receipts: number, leaves: number) =>
  `01 01 ${rep("11", 20)} 00 00 01 00 ${rep("00", 32)} 00 ${rep("22", 32)} ${h8(pools)} ${h8(tickets)} ${h8(receipts)} ${h8(leaves)}
   ${rep("55", 32)} 00 ${rep("66", 32)} 00`;
/** A v3 leaf: account 0x33…33, the pool reference given, cumulative 5, the rest 0 (fields replaceable). */
const leafRecord = (poolRef: string, base = "00", receiptCount = "00") =>
  `05 ${rep("33", 20)} ${poolRef} 0105 00 ${base} 00 00 ${rep("00", 32)} ${receiptCount} 00`;
/** A v3 ticket of a new pool 0x44…44 (POOL entry 1) and a new stream. */
const ticketRecord = `03 ${rep("77", 32)} 00 ${rep("44", 32)} 00 ${rep("88", 32)} ${rep("99", 20)} 00 e807 8020
   41 ${rep("5a", 65)} 00 020400 0101 02012c`;
/** A v3 receipt of ticket record `t` (t ≥ 1) with the given position and signature length. */
const receiptRecord = (t: string, position: string, sigLength = 64) =>
  `04 ${rep("aa", 32)} ${t} 00 ${rep("33", 20)} 07 00 00 ${rep("cc", 32)} 8008 f403 ${h8(sigLength)} ${rep("5b", sigLength)}
   ${position} 00`;

describe("the epoch bundle format 3", () => {
  it("a written bundle parses back to its input, in memory and from chunks of any size", async () => {
    const bundle = sampleBundle();
    const { bytes } = writeBundleV3(bundle);
    assert.deepEqual([...bytes.subarray(0, 8)], BUNDLE_V3_MAGIC);
    assert.deepEqual(parseBundleBytes(bytes), bundle);
    for (const size of [1, 7, 64]) assert.deepEqual(await parseBundle(chunks(bytes, size)), bundle);
    const reader = createBundleChunkReader();
    reader.push(bytes.subarray(0, 8), []);
    assert.equal(reader.version, 3);
    assert.deepEqual(writeBundleV3(sampleBundle()).bytes, bytes, "the same records give the same bytes");
  });

  it("reads the leaves alone from the first leaf record on (leavesVersion 3), and skips tickets and receipts", async () => {
    const bundle = sampleBundle();
    const { bytes, leavesOffset } = writeBundleV3(bundle);
    const items: BundleItem[] = [];
    for await (const item of readBundleItems(chunks(bytes.subarray(leavesOffset), 3), {
      startAt: "leaf",
      leavesVersion: 3,
    }))
      items.push(item);
    assert.deepEqual(
      items.map((i) => i.type),
      ["leaf", "leaf", "end"],
    );
    const { line: _l, ...first } = bundle.leaves[0]!;
    const { type: _t, line: _m, ...read } = items[0] as BundleItem & { type: "leaf"; line: number };
    assert.deepEqual(read, first);
    const light = parseBundleBytes(bytes, { skipTicketsAndReceipts: true });
    assert.deepEqual([light.tickets, light.receipts, light.leaves, light.pools], [[], [], bundle.leaves, bundle.pools]);
  });

  it("a receipt placed in a ticket's tree needs its ticket record before it (the writer refuses otherwise)", () => {
    const w = createBundleRecordWriter(64, { version: 3 });
    const row = {
      receiptId: `0x${"aa".repeat(32)}`,
      poolId,
      ticketHash: `0x${"77".repeat(32)}`,
      relay: `0x${"33".repeat(20)}`,
      segment: "7",
      chunk: 0,
      chunkHash: `0x${"cc".repeat(32)}`,
      size: 1024,
      deliveredAt: "500",
      signature: `0x${"5b".repeat(64)}`,
      creditLeaf: 0,
    };
    assert.throws(() => w.receipt({ ...row, ticketPosition: 0 }), RangeError);
    w.receipt({ ...row, ticketPosition: undefined });
    // No ticket tree: t = 0 and the pool and ticket hash inline, no position.
    assert.equal(
      bytesToHex(w.take()),
      bytesToHex(
        hex(`04 ${rep("aa", 32)} 00 00 ${poolId.slice(2)} ${rep("77", 32)} 00 ${rep("33", 20)} 07 00 00 ${rep("cc", 32)}
          8008 f403 40 ${rep("5b", 64)} 00`),
      ),
    );
  });

  it("writes exactly the bytes docs/bundle.md lays out, and reads them back", () => {
    const w = createBundleRecordWriter(64, { version: 3 });
    const pool = `0x${"44".repeat(32)}` as Hex;
    const relay = `0x${"33".repeat(20)}` as Address;
    w.header({
      chainId: 31337n,
      distributor: `0x${"11".repeat(20)}`,
      epoch: 300n,
      genesisTime: 1n,
      epochSeconds: 60n,
      graceSeconds: 10n,
      previousBundleHash: Z,
      snapshotBlock: 99n,
      root: `0x${"22".repeat(32)}`,
      poolCount: 1,
      ticketCount: 1,
      receiptCount: 1,
      leafCount: 1,
      poolsRoot: `0x${"55".repeat(32)}`,
      poolsCount: 1n,
      ticketsRoot: `0x${"66".repeat(32)}`,
      ticketsCount: 1n,
    });
    w.pool({
      poolId: pool,
      pricePerGB: 1_000_000_000n,
      available: 5000n,
      epochBytes: 1024n,
      rawTotal: 1024n,
      total: 1024n,
      uncappedTotal: 1024n,
      scaleBalance: 5000n,
      leafCount: 1n,
    });
    w.ticket({
      ticketHash: `0x${"77".repeat(32)}`,
      poolId: pool,
      streamId: `0x${"88".repeat(32)}`,
      viewer: `0x${"99".repeat(20)}`,
      notBefore: "0",
      notAfter: "1000",
      maxBytes: "4096",
      signature: `0x${"5a".repeat(65)}`,
      bytesBefore: 0n,
      bytesIn: 1024n,
      count: 1n,
      prevEpoch: 300n,
    });
    w.receipt({
      receiptId: `0x${"aa".repeat(32)}`,
      poolId: pool,
      ticketHash: `0x${"77".repeat(32)}`,
      relay,
      segment: "7",
      chunk: 0,
      chunkHash: `0x${"cc".repeat(32)}`,
      size: 1024,
      deliveredAt: "500",
      signature: `0x${"5b".repeat(64)}`,
      ticketPosition: 0,
      creditLeaf: 0,
    });
    w.leaf({
      account: relay,
      poolId: pool,
      cumulativeAmount: 1024n,
      epochBytes: 1024n,
      baseAmount: 1024n,
      epochAmount: 1024n,
      bonusAmount: 0n,
      receiptsRoot: `0x${"dd".repeat(32)}`,
      receiptCount: 1n,
      prevCumulative: 0n,
    });
    w.end(1, 1);
    const expected = hex(`
      01 e9f401 ${rep("11", 20)} ac02 01 3c 0a ${rep("00", 32)} 63 ${rep("22", 32)} 01 01 01 01
         ${rep("55", 32)} 0101 ${rep("66", 32)} 0101
      02 ${rep("44", 32)} 043b9aca00 021388 020400 020400 020400 020400 021388 0101
      03 ${rep("77", 32)} 01 00 ${rep("88", 32)} ${rep("99", 20)} 00 e807 8020 41 ${rep("5a", 65)}
         00 020400 0101 02012c
      04 ${rep("aa", 32)} 01 00 ${rep("33", 20)} 07 00 00 ${rep("cc", 32)} 8008 f403 40 ${rep("5b", 64)} 00 00
      05 ${rep("33", 20)} 00 ${rep("44", 32)} 020400 020400 020400 020400 00 ${rep("dd", 32)} 0101 00
      06 01 01`);
    const body = w.take().slice();
    assert.equal(bytesToHex(body), bytesToHex(expected));
    const read = parseBundleBytes(file(Buffer.from(body).toString("hex"))) as unknown as BundleV3;
    assert.equal(read.header.ticketsCount, 1n);
    assert.deepEqual(
      [read.tickets[0]!.bytesIn, read.tickets[0]!.prevEpoch, read.pools[0]!.scaleBalance, read.leaves[0]!.receiptCount],
      [1024n, 300n, 5000n, 1n],
    );
    assert.deepEqual(
      [read.receipts[0]!.ticketRecord, read.receipts[0]!.ticketPosition, read.receipts[0]!.creditLeaf],
      [1, 0, 0],
    );
  });

  it("refuses every truncation, naming the cut", async () => {
    const { bytes } = writeBundleV3(sampleBundle());
    for (let n = 0; n < bytes.length; n++)
      assert.throws(
        () => parseBundleBytes(bytes.subarray(0, n)),
        (e: unknown) =>
          e instanceof ProtocolError && e.code === "BUNDLE_MALFORMED" && /truncated|empty/.test(e.message),
        `cut at ${n}`,
      );
    await refuses(bytes.subarray(0, bytes.length - 1), 10, /ends inside a record/);
    await refuses(bytes.subarray(0, 5), 1, /inside its magic/);
    await refuses(file(header(0, 0, 0, 0)), 1, /end record is missing/);
  });

  it("refuses a wrong magic and a version after 3", async () => {
    const { bytes } = writeBundleV3(sampleBundle());
    const other = bytes.slice();
    other[6] = 0x58;
    await refuses(other, 1, "format");
    const v4 = bytes.slice();
    v4[7] = 4;
    await refuses(v4, 1, "version");
  });

  it("refuses corrupt records as format 2 does: types, order, references, integers, signatures, counts", async () => {
    const pool44 = `00 ${rep("44", 32)}`;
    assert.equal(parseBundleBytes(file(header(0, 0, 0, 1), leafRecord(pool44), "06 00 01")).leaves.length, 1);
    assert.equal(
      parseBundleBytes(file(header(0, 1, 1, 0), ticketRecord, receiptRecord("01", "00"), "06 01 00")).receipts.length,
      1,
    );
    await refuses(file(header(0, 0, 0, 1), leafRecord("01"), "06 00 01"), 2, "poolId");
    await refuses(file(header(0, 0, 0, 0), "09"), 2, "type");
    await refuses(file(leafRecord(pool44)), 1, /first record must be the header/);
    await refuses(file(header(0, 1, 0, 1), leafRecord(pool44), ticketRecord, "06 00 01"), 3, "type");
    await refuses(file(header(0, 0, 0, 0), "06 00 00", "06 00 00"), 3, /nothing may follow/);
    await refuses(file(header(0, 0, 0, 0), "06 8000 00"), 2, /minimal varint/);
    await refuses(file(header(0, 0, 0, 1), leafRecord(pool44, "020005"), "06 00 01"), 2, /leading zero/);
    await refuses(file(header(0, 0, 0, 1), leafRecord(pool44, "00", `21 ${rep("01", 33)}`), "06 00 01"), 2, /32 bytes/);
    await refuses(file(header(0, 0, 0, 0), `06 ${rep("ff", 10)}01 00`), 2, /64 bits/);
    await refuses(
      file(header(0, 1, 1, 0), ticketRecord, receiptRecord("01", "8080808010"), "06 01 00"),
      3,
      "ticketPosition",
    );
    await refuses(file(header(0, 1, 1, 0), ticketRecord, receiptRecord("02", "00"), "06 01 00"), 3, "ticket");
    await refuses(file(header(0, 1, 1, 0), ticketRecord, receiptRecord("01", "00", 66), "06 01 00"), 3, "signature");
    await refuses(file(header(0, 0, 0, 2), leafRecord(pool44), "06 00 01"), 1, "leafCount");
    await refuses(file(header(0, 1, 1, 0), ticketRecord, receiptRecord("01", "00"), "06 02 00"), 4, "receiptCount");
    await refuses(file(header(0, 2, 1, 0), ticketRecord, receiptRecord("01", "00"), "06 01 00"), 1, "ticketCount");
    await refuses(file(header(1, 0, 0, 0), "06 00 00"), 1, "poolCount");
  });
});
