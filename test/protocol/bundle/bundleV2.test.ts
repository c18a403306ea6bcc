// Format 2 of the epoch bundle (docs/bundle.md): the record writer and the one parser agree through every way of
// feeding it, the bytes are canonical (the documented layout, the same bytes every time), format 1 still reads to
// the same bundle, every broken file is refused with BUNDLE_MALFORMED naming the record and field, and a large
// bundle streams through the parser in bounded memory.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createBundleRecordWriter } from "../../../src/protocol/bundle/createBundleRecordWriter.ts";
import { endLine } from "../../../src/protocol/bundle/endLine.ts";
import { headerLine } from "../../../src/protocol/bundle/headerLine.ts";
import { leafLine } from "../../../src/protocol/bundle/leafLine.ts";
import { parseBundle } from "../../../src/protocol/bundle/parseBundle.ts";
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { poolLine } from "../../../src/protocol/bundle/poolLine.ts";
import { readBundleItems } from "../../../src/protocol/bundle/readBundleItems.ts";
import { receiptLine } from "../../../src/protocol/bundle/receiptLine.ts";
import { ticketLine } from "../../../src/protocol/bundle/ticketLine.ts";
import { BUNDLE_V2_MAGIC, type Bundle } from "../../../src/protocol/bundle/types.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import type { Hex, RewardLeaf } from "../../../src/protocol/types.ts";
import { bytesToHex } from "../../../src/protocol/utils/bytes.ts";
import { signedChunkReceiptFromJson } from "../../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketFromJson } from "../../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { domain, makeSignedPair, poolId } from "../fixtures.ts";
import { writeBundleV2 } from "./helpers/writeBundleV2.ts";

const Z = `0x${"00".repeat(32)}` as const;

/**
 * Three receipts from one relay (the relay dictionary), two sharing a chunk hash, two tickets sharing a pool and
 * stream, and a receipt whose ticket is not in the bundle (written inline, with a second pool id).
 */
function sampleBundle(): Bundle {
  const a = makeSignedPair({}, { chunk: 1, size: 1_000_000 });
  const b = makeSignedPair({ maxBytes: 9_000_000_000_000_000_000n }, { chunk: 2, segment: 2n ** 60n });
  const orphan = makeSignedPair({ poolId: `0x${"b7".repeat(32)}` }, { chunk: 3, deliveredAt: 2n ** 63n + 5n });
  const tickets = [a.ticket, b.ticket]
    .map((t) => signedViewerTicketFromJson(signedViewerTicketToJson(t)))
    .map((signed) => ({ ticketHash: hashViewerTicket(signed.ticket), signed }))
    .sort((x, y) => (x.ticketHash < y.ticketHash ? -1 : 1));
  const receipts = [a.receipt, b.receipt, orphan.receipt]
    .map((r) => signedChunkReceiptFromJson(signedChunkReceiptToJson(r)))
    .map((signed) => ({ receiptId: getReceiptId(signed.receipt, domain), signed }))
    .sort((x, y) => (x.receiptId < y.receiptId ? -1 : 1));
  const leaves: RewardLeaf[] = [
    {
      account: a.receipt.receipt.relay.toLowerCase() as Hex,
      poolId,
      cumulativeAmount: (1n << 255n) + 7n,
      epochBytes: 1_000_000n,
      epochAmount: 3n,
      receiptsRoot: `0x${"ab".repeat(32)}`,
    },
    { account: `0x${"cd".repeat(20)}`, poolId, cumulativeAmount: 9n, epochBytes: 0n, epochAmount: 0n, receiptsRoot: Z },
  ];
  const pools = [{ poolId, pricePerGB: 10n ** 30n, available: 5n, epochBytes: 2_000_000n, rawTotal: 6n, total: 5n }];
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
    },
    pools: pools.map((p) => ({ line: ++line, ...p })),
    tickets: tickets.map((t) => ({ line: ++line, ...t })),
    receipts: receipts.map((r) => ({ line: ++line, ...r })),
    leaves: leaves.map((l) => ({ line: ++line, ...l })),
  };
}

function writeBundleV1(bundle: Bundle): Uint8Array {
  const lines = [headerLine(bundle.header), ...bundle.pools.map(poolLine)];
  for (const t of bundle.tickets) {
    const json = signedViewerTicketToJson(t.signed);
    lines.push(ticketLine({ ticketHash: t.ticketHash, ...json.ticket, signature: json.signature }));
  }
  for (const r of bundle.receipts) {
    const json = signedChunkReceiptToJson(r.signed);
    lines.push(receiptLine({ receiptId: r.receiptId, ...json.receipt, signature: json.signature }));
  }
  lines.push(...bundle.leaves.map(leafLine), endLine(bundle.receipts.length, bundle.leaves.length));
  return new TextEncoder().encode(lines.join(""));
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ""), "hex"));

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

describe("the epoch bundle format 2", () => {
  it("a written bundle parses back to its input, in memory and from chunks of any size", async () => {
    const bundle = sampleBundle();
    const { bytes } = writeBundleV2(bundle);
    assert.deepEqual([...bytes.subarray(0, 8)], BUNDLE_V2_MAGIC);
    assert.deepEqual(parseBundleBytes(bytes), bundle);
    assert.deepEqual(await parseBundle(bytes), bundle);
    for (const size of [1, 7, 64]) assert.deepEqual(await parseBundle(chunks(bytes, size)), bundle);
  });

  it("reads the leaves alone from the first leaf record on, and skips tickets and receipts when asked", async () => {
    const bundle = sampleBundle();
    const { bytes, leavesOffset } = writeBundleV2(bundle);
    const items = [];
    for await (const item of readBundleItems(chunks(bytes.subarray(leavesOffset), 3), { startAt: "leaf" }))
      items.push(item);
    assert.deepEqual(
      items.map((i) => i.type),
      ["leaf", "leaf", "end"],
    );
    const { line: _l, ...first } = bundle.leaves[0]!;
    const { type: _t, line: _m, ...read } = items[0] as { type: "leaf" } & RewardLeaf & { line: number };
    assert.deepEqual(read, first);
    const light = parseBundleBytes(bytes, { skipTicketsAndReceipts: true });
    assert.deepEqual([light.tickets, light.receipts, light.leaves, light.pools], [[], [], bundle.leaves, bundle.pools]);
  });

  it("is deterministic: the same records give the same bytes, and fewer of them than format 1", () => {
    const bundle = sampleBundle();
    const one = writeBundleV2(bundle).bytes;
    const two = writeBundleV2(sampleBundle()).bytes;
    assert.deepEqual(one, two);
    assert.equal(bytesToHex(keccak_256(one)), bytesToHex(keccak_256(two)));
    assert.ok(one.length < writeBundleV1(bundle).length / 2, `${one.length} bytes`);
  });

  it("writes exactly the bytes docs/bundle.md lays out", () => {
    const w = createBundleRecordWriter(64);
    const pool = `0x${"44".repeat(32)}` as Hex;
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
      ticketCount: 0,
      receiptCount: 0,
      leafCount: 2,
    });
    w.pool({ poolId: pool, pricePerGB: 256n, available: 0n, epochBytes: 1n, rawTotal: 0n, total: 0n });
    const leaf = { poolId: pool, cumulativeAmount: 5n, epochBytes: 0n, epochAmount: 0n, receiptsRoot: Z };
    w.leaf({ account: `0x${"33".repeat(20)}`, ...leaf });
    w.leaf({ account: `0x${"35".repeat(20)}`, ...leaf });
    w.end(0, 2);
    const expected = hex(`
      01 e9f401 ${"11".repeat(20)} ac02 01 3c 0a ${"00".repeat(32)} 63 ${"22".repeat(32)} 01 00 00 02
      02 ${"44".repeat(32)} 020100 00 0101 00 00
      05 ${"33".repeat(20)} 00 ${"44".repeat(32)} 0105 00 00 ${"00".repeat(32)}
      05 ${"35".repeat(20)} 01 0105 00 00 ${"00".repeat(32)}
      06 00 02`);
    assert.equal(bytesToHex(w.take()), bytesToHex(expected));
  });

  it("reads format 1 to the same bundle as format 2", async () => {
    const bundle = sampleBundle();
    const v1 = writeBundleV1(bundle);
    assert.deepEqual(parseBundleBytes(v1), parseBundleBytes(writeBundleV2(bundle).bytes));
    assert.deepEqual(await parseBundle(chunks(v1, 9)), bundle);
  });

  it("refuses every truncation, naming the cut", async () => {
    const { bytes } = writeBundleV2(sampleBundle());
    for (let n = 0; n < bytes.length; n++) {
      const cut = bytes.subarray(0, n);
      assert.throws(
        () => parseBundleBytes(cut),
        (e: unknown) =>
          e instanceof ProtocolError && e.code === "BUNDLE_MALFORMED" && /truncated|empty/.test(e.message),
        `cut at ${n}`,
      );
    }
    await refuses(bytes.subarray(0, bytes.length - 1), 10, /ends inside a record/);
    await refuses(bytes.subarray(0, 5), 1, /inside its magic/);
  });

  it("refuses wrong magic, unknown versions and a bare gzip stream", async () => {
    const { bytes } = writeBundleV2(sampleBundle());
    const other = bytes.slice();
    other[6] = 0x58;
    await refuses(other, 1, "format");
    // Version 3 is read since the fraud-proof bundle (bundleV3.test.ts); 4 is not.
    const v4 = bytes.slice();
    v4[7] = 4;
    await refuses(v4, 1, "version");
    await assert.rejects(parseBundle(v4), /unsupported bundle version 4/);
    await refuses(hex("1f8b0800000000000003"), 1, "format");
  });

  it("refuses corrupt records: unknown types, dangling references, non-minimal integers, trailing bytes", async () => {
    const { bytes } = writeBundleV2(sampleBundle());
    const at = (edit: (b: Uint8Array) => void) => {
      const b = bytes.slice();
      edit(b);
      return b;
    };
    const head = hex(`4d5042554e444c02`);
    const header = (leafCount: number) =>
      `01 01 ${"11".repeat(20)} 00 00 01 00 ${"00".repeat(32)} 00 ${"22".repeat(32)} 00 00 00 ${leafCount.toString(16).padStart(2, "0")}`;
    const file = (...records: string[]) => {
      const body = hex(records.join(""));
      const out = new Uint8Array(8 + body.length);
      out.set(head);
      out.set(body, 8);
      return out;
    };
    const leafRecord = (poolRef: string) => `05 ${"33".repeat(20)} ${poolRef} 0105 00 00 ${"00".repeat(32)}`;
    assert.equal(parseBundleBytes(file(header(1), leafRecord(`00 ${"44".repeat(32)}`), "06 00 01")).leaves.length, 1);
    await refuses(file(header(1), leafRecord("01"), "06 00 01"), 2, "poolId");
    await refuses(file(header(0), "09"), 2, "type");
    await refuses(file(header(0), "06 00 00", "06 00 00"), 3, /nothing may follow/);
    await refuses(file(header(0), "06 8000 00"), 2, /minimal varint/);
    await refuses(
      file(header(1), `05 ${"33".repeat(20)} 00 ${"44".repeat(32)} 020005 00 00 ${Z.slice(2)}`, "06 00 01"),
      2,
      /leading zero/,
    );
    await refuses(file(header(2), leafRecord(`00 ${"44".repeat(32)}`), "06 00 01"), 1, "leafCount");
    await refuses(file(leafRecord(`00 ${"44".repeat(32)}`)), 1, /first record must be the header/);
    // The third record of the sample is its first ticket: a signature length other than 64 or 65.
    const sigAt = bytes.indexOf(65, 8 + 150);
    assert.ok(sigAt > 0);
    await assert.rejects(
      parseBundle(at((b) => b.set([66], sigAt))),
      (e: unknown) => e instanceof ProtocolError && e.code === "BUNDLE_MALFORMED",
    );
  });

  it("streams a large bundle through the parser in bounded memory", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const receipts = 250_000;
    const relays = Array.from({ length: 1000 }, (_, i) => `0x${i.toString(16).padStart(40, "0")}`);
    const sig = `0x${"5a".repeat(65)}`;
    let produced = 0;
    /** The bundle's bytes, produced a chunk at a time as the parser asks: never held whole. */
    function* bundle(): Generator<Uint8Array> {
      const w = createBundleRecordWriter(1 << 16);
      yield Uint8Array.from(BUNDLE_V2_MAGIC);
      w.header({
        chainId: 1n,
        distributor: `0x${"11".repeat(20)}`,
        epoch: 1n,
        genesisTime: 0n,
        epochSeconds: 60n,
        graceSeconds: 10n,
        previousBundleHash: Z,
        snapshotBlock: 1n,
        root: Z,
        poolCount: 0,
        ticketCount: receipts / 10,
        receiptCount: receipts,
        leafCount: 0,
      });
      const ticketHash = (t: number) => `0x${t.toString(16).padStart(64, "0")}`;
      for (let t = 0; t < receipts / 10; t++)
        w.ticket({
          ticketHash: ticketHash(t),
          poolId: Z,
          streamId: Z,
          viewer: relays[t % 1000]!,
          notBefore: "0",
          notAfter: "1",
          maxBytes: "1000000000000",
          signature: sig,
        });
      for (let i = 0; i < receipts; i++) {
        w.receipt({
          receiptId: `0x${(i + 1).toString(16).padStart(64, "0")}`,
          poolId: Z,
          ticketHash: ticketHash(i % (receipts / 10)),
          relay: relays[i % 1000]!,
          segment: String(i),
          chunk: i % 4,
          chunkHash: `0x${(i % 5000).toString(16).padStart(64, "0")}`,
          size: 65536,
          deliveredAt: String(1_767_225_600_000 + i),
          signature: sig,
        });
        if (w.length >= 1 << 16) {
          const out = w.take().slice();
          produced += out.length;
          yield out;
        }
      }
      w.end(receipts, 0);
      const out = w.take().slice();
      produced += out.length;
      yield out;
    }
    // The heap once the first 50,000 receipts are read (the writer's and the parser's dictionaries are complete by
    // then), and its growth over the 200,000 receipts after: a parser that kept what it read would grow by >100 MiB.
    let seen = 0;
    let base = 0;
    let growth = 0;
    for await (const item of readBundleItems(bundle())) {
      if (item.type !== "receipt") continue;
      seen++;
      if (seen % 50_000 === 0) {
        gc();
        const used = process.memoryUsage().heapUsed;
        if (seen === 50_000) base = used;
        growth = Math.max(growth, used - base);
      }
    }
    assert.equal(seen, receipts);
    assert.ok(produced > 30 * 2 ** 20, `the bundle is ${produced} bytes`);
    assert.ok(
      growth < 4 * 2 ** 20,
      `the parser held ${(growth / 2 ** 20).toFixed(1)} MiB of a ${(produced / 2 ** 20).toFixed(0)} MiB bundle`,
    );
  });
});
