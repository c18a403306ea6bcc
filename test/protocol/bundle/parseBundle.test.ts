import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBundle } from "../../../src/protocol/bundle/parseBundle.ts";
import { parseBundleBytes } from "../../../src/protocol/bundle/parseBundleBytes.ts";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";

const Z = `0x${"00".repeat(32)}`;
const header = {
  type: "header",
  format: "meshpay-bundle",
  version: 1,
  chainId: 31337,
  distributor: `0x${"11".repeat(20)}`,
  epoch: 4,
  genesisTime: 1767225600,
  epochSeconds: 60,
  graceSeconds: 10,
  previousBundleHash: Z,
  snapshotBlock: 99,
  root: `0x${"22".repeat(32)}`,
  poolCount: 0,
  ticketCount: 0,
  receiptCount: 0,
  leafCount: 1,
};
const leaf = {
  type: "leaf",
  account: `0x${"33".repeat(20)}`,
  poolId: `0x${"44".repeat(32)}`,
  cumulativeAmount: "5",
  epochBytes: "0",
  epochAmount: "0",
  receiptsRoot: Z,
};
const end = { type: "end", receiptCount: 0, leafCount: 1 };
const file = (...lines: unknown[]) =>
  new TextEncoder().encode(
    lines
      .map((l) => (typeof l === "string" ? l : JSON.stringify(l)))
      .map((l) => `${l}\n`)
      .join(""),
  );

function check(line: number, field: string | RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof ProtocolError, String(err));
    assert.equal(err.code, "BUNDLE_MALFORMED");
    assert.equal(err.line, line);
    if (typeof field === "string") assert.equal(err.field, field);
    else assert.match(err.shortMessage, field);
    return true;
  };
}

/** The same bytes through every feeder: in memory, in 7-byte chunks (lines split anywhere) and line by line. */
async function malformed(bytes: Uint8Array, line: number, field: string | RegExp) {
  assert.throws(() => parseBundleBytes(bytes), check(line, field));
  await assert.rejects(parseBundle(chunks(bytes, 7)), check(line, field));
  const text = new TextDecoder().decode(bytes);
  if (text.endsWith("\n")) await assert.rejects(parseBundle(text.slice(0, -1).split("\n")), check(line, field));
}

async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

describe("the epoch bundle parser (format v1)", () => {
  it("reads a well-formed bundle, integers as bigint and hex lowercased", () => {
    const b = parseBundleBytes(file({ ...header, root: header.root.toUpperCase().replace("0X", "0x") }, leaf, end));
    assert.equal(b.header.epoch, 4n);
    assert.equal(b.header.snapshotBlock, 99n);
    assert.equal(b.header.root, header.root);
    assert.deepEqual(
      b.leaves.map((l) => [l.cumulativeAmount, l.line]),
      [[5n, 2]],
    );
  });

  it("refuses a truncated download: missing end line, missing final newline, empty file", async () => {
    await malformed(file(header, leaf), 2, /end line is missing/);
    const noNewline = file(header, leaf, end).slice(0, -1);
    await malformed(noNewline, 3, /newline/);
    await malformed(new Uint8Array(), 1, /empty/);
  });

  it("refuses lines out of order, unknown line types, blank lines and trailing lines", async () => {
    await malformed(file(leaf, header, end), 1, /first line must be the header/);
    await malformed(file(header, { ...end, leafCount: 0 }, leaf), 3, /nothing may follow/);
    await malformed(file(header, { ...leaf, type: "bonus" }, end), 2, "type");
    await malformed(file(header, "", leaf, end), 2, /blank/);
    await malformed(
      file(
        header,
        leaf,
        { type: "pool", poolId: Z, pricePerGB: "1", available: "1", epochBytes: "1", rawTotal: "1", total: "1" },
        end,
      ),
      3,
      /pool line may not come after a leaf line/,
    );
  });

  it("refuses counts that do not match, missing and unknown fields, and values of the wrong type", async () => {
    await malformed(file({ ...header, leafCount: 2 }, leaf, end), 1, "leafCount");
    await malformed(file(header, leaf, { ...end, leafCount: 0 }), 3, "leafCount");
    const { cumulativeAmount: _omit, ...noAmount } = leaf;
    await malformed(file(header, noAmount, end), 2, "leaf.cumulativeAmount");
    await malformed(file(header, { ...leaf, bonus: 1 }, end), 2, "leaf.bonus");
    await malformed(file(header, { ...leaf, cumulativeAmount: "-1" }, end), 2, "leaf.cumulativeAmount");
    await malformed(file(header, { ...leaf, account: "0x12" }, end), 2, "leaf.account");
    await malformed(file({ ...header, version: 2 }, leaf, end), 1, "version");
    await malformed(file(header, "{not json", end), 2, /not valid JSON/);
  });

  it("refuses a receipt line whose receipt does not decode, naming the field", async () => {
    const receipt = {
      type: "receipt",
      receiptId: Z,
      receipt: {
        poolId: Z,
        ticketHash: Z,
        relay: `0x${"55".repeat(20)}`,
        segment: "1",
        chunk: 0,
        chunkHash: Z,
        size: -5,
        deliveredAt: "1",
      },
      signature: `0x${"66".repeat(65)}`,
    };
    await malformed(
      file({ ...header, receiptCount: 1, leafCount: 0 }, receipt, { ...end, receiptCount: 1, leafCount: 0 }),
      2,
      "receipt.size",
    );
  });
});
