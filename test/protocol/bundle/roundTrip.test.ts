// The writer and the parser of the epoch bundle format v1 agree: a written bundle parses back to exactly its input,
// through every way of feeding the parser, and each line is what JSON.stringify makes of the same object.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { endLine } from "../../../src/protocol/bundle/endLine.ts";
import { headerLine } from "../../../src/protocol/bundle/headerLine.ts";
import { leafLine } from "../../../src/protocol/bundle/leafLine.ts";
import { parseBundle } from "../../../src/protocol/bundle/parseBundle.ts";
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { poolLine } from "../../../src/protocol/bundle/poolLine.ts";
import { readBundleItems } from "../../../src/protocol/bundle/readBundleItems.ts";
import { receiptLine } from "../../../src/protocol/bundle/receiptLine.ts";
import { rewardLeafFromJson } from "../../../src/protocol/bundle/rewardLeafFromJson.ts";
import { rewardLeafToJson } from "../../../src/protocol/bundle/rewardLeafToJson.ts";
import { ticketLine } from "../../../src/protocol/bundle/ticketLine.ts";
import type { Bundle } from "../../../src/protocol/bundle/types.ts";
import { getReceiptId } from "../../../src/protocol/eip712/getReceiptId.ts";
import { hashViewerTicket } from "../../../src/protocol/eip712/hashViewerTicket.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import type { Hex, RewardLeaf } from "../../../src/protocol/types.ts";
import { signedChunkReceiptFromJson } from "../../../src/protocol/wire/signedChunkReceiptFromJson.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketFromJson } from "../../../src/protocol/wire/signedViewerTicketFromJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";
import { domain, makeSignedPair, poolId } from "../fixtures.ts";

const Z = `0x${"00".repeat(32)}` as const;

function sampleBundle(): Bundle {
  const a = makeSignedPair({}, { chunk: 1, size: 1_000_000 });
  const b = makeSignedPair({ maxBytes: 9_000_000_000_000_000_000n }, { chunk: 2, segment: 2n ** 60n });
  // Through the JSON codecs first: the bundle's hex is lowercase, the fixtures' addresses are checksummed.
  const tickets = [a.ticket, b.ticket]
    .map((t) => signedViewerTicketFromJson(signedViewerTicketToJson(t)))
    .map((signed) => ({ ticketHash: hashViewerTicket(signed.ticket), signed }))
    .sort((x, y) => (x.ticketHash < y.ticketHash ? -1 : 1));
  const receipts = [a.receipt, b.receipt]
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

/** Writes `bundle` with the protocol's line writers, from the JSON text forms an aggregator's rows hold. */
function writeBundle(bundle: Bundle): string {
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
  return lines.join("");
}

describe("epoch bundle writer and parser", () => {
  it("a written bundle parses back to its input, from bytes, from byte chunks and from lines", async () => {
    const bundle = sampleBundle();
    const text = writeBundle(bundle);
    const bytes = new TextEncoder().encode(text);
    assert.deepEqual(parseBundleBytes(bytes), bundle);
    assert.deepEqual(await parseBundle(bytes), bundle);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += 13) yield bytes.slice(i, i + 13);
    }
    assert.deepEqual(await parseBundle(chunks()), bundle);
    assert.deepEqual(await parseBundle(text.slice(0, -1).split("\n")), bundle);
  });

  it("writes each line as JSON.stringify writes the same object, keys in the documented order", () => {
    const bundle = sampleBundle();
    const lines = writeBundle(bundle).slice(0, -1).split("\n");
    const big = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
    const h = bundle.header;
    const asNumbers = {
      chainId: Number(h.chainId),
      distributor: h.distributor,
      epoch: Number(h.epoch),
      genesisTime: Number(h.genesisTime),
      epochSeconds: Number(h.epochSeconds),
      graceSeconds: Number(h.graceSeconds),
      previousBundleHash: h.previousBundleHash,
      snapshotBlock: Number(h.snapshotBlock),
      root: h.root,
    };
    const counts = { poolCount: 1, ticketCount: 2, receiptCount: 2, leafCount: 2 };
    assert.equal(
      lines[0],
      JSON.stringify({ type: "header", format: "meshpay-bundle", version: 1, ...asNumbers, ...counts }),
    );
    const { line: _l, ...pool } = bundle.pools[0]!;
    assert.equal(lines[1], JSON.stringify({ type: "pool", ...pool }, big));
    const t = bundle.tickets[0]!;
    assert.equal(
      lines[2],
      JSON.stringify({ type: "ticket", ticketHash: t.ticketHash, ...signedViewerTicketToJson(t.signed) }),
    );
    const r = bundle.receipts[0]!;
    assert.equal(
      lines[4],
      JSON.stringify({ type: "receipt", receiptId: r.receiptId, ...signedChunkReceiptToJson(r.signed) }),
    );
    const { line: _m, ...leaf } = bundle.leaves[0]!;
    assert.equal(lines[6], JSON.stringify({ type: "leaf", ...rewardLeafToJson(leaf) }));
    assert.equal(lines[8], JSON.stringify({ type: "end", receiptCount: 2, leafCount: 2 }));
  });

  it("reads the leaves alone from the first leaf line on, and skips tickets and receipts when asked", async () => {
    const bundle = sampleBundle();
    const text = writeBundle(bundle);
    const fromLeaves = text.slice(text.indexOf('{"type":"leaf"'));
    const items = [];
    for await (const item of readBundleItems(new TextEncoder().encode(fromLeaves), { startAt: "leaf" }))
      items.push(item);
    assert.deepEqual(
      items.map((i) => i.type),
      ["leaf", "leaf", "end"],
    );
    const light = await parseBundle(new TextEncoder().encode(text), { skipTicketsAndReceipts: true });
    assert.deepEqual([light.tickets, light.receipts, light.leaves], [[], [], bundle.leaves]);
  });

  it("the reward-leaf codec round-trips and refuses what is not a leaf, naming the field", () => {
    const { line: _l, ...leaf } = sampleBundle().leaves[0]!;
    const json = rewardLeafToJson(leaf);
    assert.equal(typeof json.cumulativeAmount, "string");
    assert.deepEqual(rewardLeafFromJson(JSON.parse(JSON.stringify(json))), leaf);
    assert.deepEqual(rewardLeafFromJson({ ...json, account: json.account.toUpperCase().replace("0X", "0x") }), leaf);
    const refuses = (value: unknown, field: string) =>
      assert.throws(
        () => rewardLeafFromJson(value),
        (e: unknown) => e instanceof ProtocolError && e.code === "WIRE_INVALID_FIELD" && e.field === field,
      );
    refuses({ ...json, epochAmount: 3 }, "leaf.epochAmount");
    refuses({ ...json, receiptsRoot: "0x12" }, "leaf.receiptsRoot");
    refuses({ ...json, extra: "1" }, "leaf.extra");
    const { poolId: _p, ...noPool } = json;
    refuses(noPool, "leaf.poolId");
    refuses(null, "leaf");
  });
});
