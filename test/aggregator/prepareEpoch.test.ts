import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256 } from "viem";
import { type FaultKind, faultKinds } from "../../scripts/faults/faultKinds.ts";
import { faultTamperRef } from "../../scripts/faults/faultTamperRef.ts";
import { createLeafIndex } from "../../src/aggregator/epoch/createLeafIndex.ts";
import {
  type PrepareEpochInput,
  type PrepareEpochResult,
  prepareEpoch,
} from "../../src/aggregator/epoch/prepareEpoch.ts";
import { runPrepareEpochInWorker } from "../../src/aggregator/epoch/runPrepareEpochInWorker.ts";
import { parseBundleBytes } from "../../src/protocol/bundle/parseBundleBytes.ts";
import { BUNDLE_RECORD, BUNDLE_V2_MAGIC } from "../../src/protocol/bundle/types.ts";
import { REWARD_LEAF_TYPES, ZERO_HASH } from "../../src/protocol/constants.ts";
import { EMPTY_EPOCH_ROOT } from "../../src/protocol/tree/emptyEpochRoot.ts";
import type { Hex } from "../../src/protocol/types.ts";
import { getUniquenessKey } from "../../src/protocol/validation/getUniquenessKey.ts";
import { type BundleLine, bundleLines } from "../protocol/bundle/helpers/bundleLines.ts";
import { writeBundleV2 } from "../protocol/bundle/helpers/writeBundleV2.ts";
import { makeWorkDir } from "./helpers/aggregatorProcess.ts";
import {
  addressOf,
  CHAIN_ID,
  createSeeder,
  DISTRIBUTOR,
  EPOCH_SECONDS,
  GENESIS,
  GRACE,
  keyFor,
  pool,
} from "./helpers/seedReceipts.ts";

type Line = BundleLine;
const P1: Hex = `0x${"11".repeat(20)}${"00".repeat(11)}01`;
const P2: Hex = `0x${"22".repeat(20)}${"00".repeat(11)}02`;
const R1 = addressOf(keyFor("relay-1"));
const R2 = addressOf(keyFor("relay-2"));
const R3 = addressOf(keyFor("relay-3"));
const T0 = BigInt(GENESIS) * 1000n;

function readBundle(path: string): { bytes: Buffer; lines: Line[] } {
  const bytes = readFileSync(path);
  return { bytes, lines: bundleLines(bytes) };
}

function sortedBy<T>(items: T[], key: (t: T) => string): boolean {
  return items.every((x, i) => i === 0 || key(items[i - 1]!) < key(x));
}

describe("epoch close (prepareEpoch) on a real SQLite file", () => {
  const dir = makeWorkDir("prepare");
  const dbPath = join(dir, "agg.db");
  let now = Number(T0) + 100_000;
  let seeder: Awaited<ReturnType<typeof createSeeder>>;
  const rawAmount = (bytes: bigint, price: bigint) => (bytes * price) / 1_000_000_000n;

  const input = (epoch: number, attempt: number, extra: Partial<PrepareEpochInput> = {}): PrepareEpochInput => ({
    source: { engine: "sqlite", path: dbPath },
    bundleDir: join(dir, "bundles"),
    epoch,
    attempt,
    chainId: CHAIN_ID,
    distributor: DISTRIBUTOR,
    genesisTime: GENESIS,
    epochSeconds: EPOCH_SECONDS,
    graceSeconds: GRACE,
    snapshotBlock: 42,
    pools: [
      { poolId: P1, pricePerGB: "3000000000", available: "1000000000" },
      { poolId: P2, pricePerGB: "1000000000", available: "5000" },
    ],
    signerHistories: [],
    previous: null,
    tamper: null,
    ...extra,
  });

  let epoch0: PrepareEpochResult;

  before(async () => {
    seeder = await createSeeder(
      dbPath,
      [pool(P1, addressOf(keyFor("ts-1")), 3_000_000_000n), pool(P2, addressOf(keyFor("ts-2")), 1_000_000_000n)],
      () => now,
    );
    const a = seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-a" });
    const b = seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-b" });
    const c = seeder.session({ poolId: P2, ticketSigner: "ts-2", viewer: "viewer-c" });
    const at = (s: number) => T0 + BigInt(s) * 1000n;
    const r1 = [1000, 2000, 3000].map(
      (size, i) => a.receipt({ relay: R1, segment: 1n, chunk: i, size, deliveredAt: at(10 + i) }).json,
    );
    const r2 = [
      b.receipt({ relay: R2, segment: 7n, chunk: 0, size: 500, deliveredAt: at(20) }).json,
      b.receipt({ relay: R2, segment: 7n, chunk: 1, size: 700, deliveredAt: at(21) }).json,
      ...[4000, 1000, 1000].map(
        (size, i) => c.receipt({ relay: R2, segment: 2n, chunk: i, size, deliveredAt: at(30 + i) }).json,
      ),
    ];
    const r3 = [2500, 2500].map(
      (size, i) => c.receipt({ relay: R3, segment: 3n, chunk: i, size, deliveredAt: at(40 + i) }).json,
    );
    assert.equal((await seeder.submit(R1, [a.signedTicket], r1)).accepted, 3);
    assert.equal((await seeder.submit(R2, [b.signedTicket, c.signedTicket], r2)).accepted, 5);
    assert.equal((await seeder.submit(R3, [c.signedTicket], r3)).accepted, 2);
    // Epoch 1: only relay 3 earns, in pool 1.
    now = Number(T0) + (EPOCH_SECONDS + 100) * 1000;
    const d = seeder.session({ poolId: P1, ticketSigner: "ts-1", viewer: "viewer-d" });
    const late = [1000, 1000].map(
      (size, i) => d.receipt({ relay: R3, segment: 9n, chunk: i, size, deliveredAt: at(EPOCH_SECONDS + 50 + i) }).json,
    );
    assert.equal((await seeder.submit(R3, [d.signedTicket], late)).accepted, 2);
    epoch0 = await prepareEpoch(input(0, 1));
  });
  after(() => seeder.close());

  it("writes the bundle format 2 exactly: magic, record order, sorted sections, canonical bytes, keccak of the bytes", () => {
    const { bytes, lines } = readBundle(epoch0.path);
    assert.equal(epoch0.fileHash, keccak256(bytes));
    assert.equal(epoch0.bundleHash, epoch0.fileHash);
    assert.deepEqual([...bytes.subarray(0, 8)], BUNDLE_V2_MAGIC);
    const types = lines.map((l) => l.type);
    const order = ["header", "pool", "ticket", "receipt", "leaf", "end"];
    assert.deepEqual(
      types,
      [...types].sort((x, y) => order.indexOf(x) - order.indexOf(y)),
    );
    // Canonical: the protocol's record writer, given what the parser read, writes these very bytes.
    const again = writeBundleV2(parseBundleBytes(bytes));
    assert.deepEqual(Buffer.from(again.bytes), bytes);
    assert.equal(epoch0.leavesOffset, again.leavesOffset);
    assert.equal(bytes[epoch0.leavesOffset], BUNDLE_RECORD.leaf);
    const header = lines[0]!;
    assert.equal(header.previousBundleHash, ZERO_HASH);
    assert.equal(header.snapshotBlock, 42);
    assert.equal(header.root, epoch0.root);
    const pools = lines.filter((l) => l.type === "pool");
    const tickets = lines.filter((l) => l.type === "ticket");
    const receipts = lines.filter((l) => l.type === "receipt");
    const leaves = lines.filter((l) => l.type === "leaf");
    assert.deepEqual([header.poolCount, header.ticketCount, header.receiptCount, header.leafCount], [2, 3, 10, 4]);
    assert.deepEqual([pools.length, tickets.length, receipts.length, leaves.length], [2, 3, 10, 4]);
    assert.ok(sortedBy(pools, (p) => p.poolId));
    assert.ok(sortedBy(tickets, (t) => t.ticketHash));
    assert.ok(sortedBy(receipts, (r) => r.receiptId));
    assert.ok(sortedBy(leaves, (l) => `${l.poolId}:${l.account}`));
    assert.deepEqual(lines.at(-1), { type: "end", receiptCount: 10, leafCount: 4 });
  });

  it("credits bytes per (relay, pool), scales an underfunded pool pro rata and roots the tree like StandardMerkleTree", () => {
    const { lines } = readBundle(epoch0.path);
    const leaves = lines.filter((l) => l.type === "leaf");
    const leaf = (poolId: Hex, account: Hex) => leaves.find((l) => l.poolId === poolId && l.account === account)!;
    // Pool 1 is well funded: amounts are raw.
    assert.equal(leaf(P1, R1).epochBytes, "6000");
    assert.equal(leaf(P1, R1).epochAmount, String(rawAmount(6000n, 3_000_000_000n)));
    assert.equal(leaf(P1, R2).epochAmount, String(rawAmount(1200n, 3_000_000_000n)));
    // Pool 2 owes 6000 + 5000 raw but holds 5000: each amount is floor(raw * 5000 / 11000).
    assert.equal(leaf(P2, R2).epochAmount, String((6000n * 5000n) / 11000n));
    assert.equal(leaf(P2, R3).epochAmount, String((5000n * 5000n) / 11000n));
    const p2 = lines.find((l) => l.type === "pool" && l.poolId === P2)!;
    assert.deepEqual(p2, {
      type: "pool",
      poolId: P2,
      pricePerGB: "1000000000",
      available: "5000",
      epochBytes: "11000",
      rawTotal: "11000",
      total: String(2727n + 2272n),
    });
    assert.deepEqual(epoch0.poolTotals, [
      { poolId: P1, amount: String(18000n + 3600n) },
      { poolId: P2, amount: "4999" },
    ]);
    // receiptsRoot: the StandardMerkleTree of the (account, pool)'s receipt ids.
    const receipts = lines.filter((l) => l.type === "receipt");
    const ids = receipts.filter((r) => r.receipt.relay === R1).map((r) => [r.receiptId]);
    assert.equal(leaf(P1, R1).receiptsRoot, StandardMerkleTree.of(ids, ["bytes32"]).root);
    const values = leaves.map((l) => [
      l.account,
      l.poolId,
      l.cumulativeAmount,
      l.epochBytes,
      l.epochAmount,
      l.receiptsRoot,
    ]);
    assert.equal(epoch0.root, StandardMerkleTree.of(values, [...REWARD_LEAF_TYPES]).root);
    // No two receipts share a uniqueness key.
    const keys = receipts.map((r) =>
      getUniquenessKey({
        ticketHash: r.receipt.ticketHash,
        segment: BigInt(r.receipt.segment),
        chunk: r.receipt.chunk,
      }),
    );
    assert.equal(new Set(keys).size, keys.length);
  });

  it("writes the same bytes from the same receipts (deterministic)", async () => {
    const again = await prepareEpoch(input(0, 2));
    assert.equal(again.fileHash, epoch0.fileHash);
    assert.deepEqual(readFileSync(again.path), readFileSync(epoch0.path));
  });

  it("carries every earlier (account, pool) into the next epoch with cumulative amounts", async () => {
    const e1 = await prepareEpoch(
      input(1, 1, {
        previous: { bundleHash: epoch0.bundleHash, path: epoch0.path, leavesOffset: epoch0.leavesOffset },
      }),
    );
    const { lines } = readBundle(e1.path);
    const prev = readBundle(epoch0.path).lines.filter((l) => l.type === "leaf");
    const leaves = lines.filter((l) => l.type === "leaf");
    assert.equal(lines[0]!.previousBundleHash, epoch0.bundleHash);
    assert.equal(leaves.length, 5, "four carried leaves plus relay 3's new one in pool 1");
    for (const p of prev) {
      const l = leaves.find((x) => x.poolId === p.poolId && x.account === p.account)!;
      if (p.poolId === P1 && p.account === R3) continue;
      assert.deepEqual(
        [l.epochBytes, l.epochAmount, l.receiptsRoot, l.cumulativeAmount],
        ["0", "0", ZERO_HASH, p.cumulativeAmount],
      );
    }
    const fresh = leaves.find((l) => l.poolId === P1 && l.account === R3)!;
    assert.equal(fresh.epochAmount, String(rawAmount(2000n, 3_000_000_000n)));
    assert.equal(fresh.cumulativeAmount, fresh.epochAmount);
    assert.deepEqual(
      lines.filter((l) => l.type === "pool").map((p) => p.poolId),
      [P1],
      "pools without receipts this epoch are omitted",
    );
  });

  it("posts a fixed non-zero root for an epoch without any leaf", async () => {
    const empty = await prepareEpoch(input(5, 1));
    assert.equal(empty.root, EMPTY_EPOCH_ROOT);
    assert.equal(empty.leafCount, 0);
    assert.deepEqual(
      readBundle(empty.path).lines.map((l) => l.type),
      ["header", "end"],
    );
    // The leaf endpoint's index finds no leaf in it (LEAF_NOT_FOUND), rather than failing to build a tree of none.
    assert.equal(await createLeafIndex().find(empty.path, empty.leavesOffset, P1, R1), undefined);
  });

  it("leaves out receipts whose ticket was signed by a signer rotated away before delivery", async () => {
    // relay 1's receipts were delivered at +10..+12 s, relay 2's pool-1 receipts at +20, +21 s
    const rotatedAt = GENESIS + 25;
    const r = await prepareEpoch(
      input(0, 3, {
        signerHistories: [
          {
            poolId: P1,
            signers: [
              { since: GENESIS - 100, signer: addressOf(keyFor("ts-1")) },
              { since: rotatedAt - 10, signer: addressOf(keyFor("ts-9")) },
            ],
          },
        ],
      }),
    );
    assert.equal(r.excluded.length, 2, "relay 2's receipts delivered after the rotation at +15 s");
    assert.equal(r.receiptCount, 8);
    const leaves = readBundle(r.path).lines.filter((l) => l.type === "leaf");
    assert.equal(
      leaves.find((l) => l.poolId === P1 && l.account === R2),
      undefined,
    );
  });

  it("commits each fault of scripts/faults through the tamper seam as documented, and nothing else", async () => {
    const honest = readBundle(epoch0.path).lines;
    const honestLeaves = honest.filter((l) => l.type === "leaf");
    const results = new Map<FaultKind, { r: PrepareEpochResult; lines: Line[] }>();
    let attempt = 10;
    for (const kind of faultKinds) {
      const r = await prepareEpoch(input(0, attempt++, { tamper: faultTamperRef({ kind, epoch: 0 }) }));
      results.set(kind, { r, lines: readBundle(r.path).lines });
      assert.ok(r.tampered?.startsWith(kind), `${kind} applied: ${r.tampered}`);
    }
    const leavesOf = (k: FaultKind) => results.get(k)!.lines.filter((l) => l.type === "leaf");
    const receiptsOf = (k: FaultKind) => results.get(k)!.lines.filter((l) => l.type === "receipt");
    // The target is the lowest relay address with receipts.
    const target = [R1, R2, R3].sort()[0]!;
    const inflated = leavesOf("inflate-bytes").find((l) => l.account === target)!;
    const before = honestLeaves.find((l) => l.account === target && l.poolId === inflated.poolId)!;
    assert.ok(BigInt(inflated.epochBytes) > BigInt(before.epochBytes));
    assert.equal(receiptsOf("inflate-bytes").length, 10);
    assert.ok(receiptsOf("drop-relay-receipts").every((r) => r.receipt.relay !== target));
    assert.ok(leavesOf("drop-relay-receipts").every((l) => l.account !== target));
    assert.equal(receiptsOf("forge-receipt").length, 11);
    const dup = receiptsOf("duplicate-receipt");
    assert.equal(dup.length, 11);
    assert.equal(new Set(dup.map((r) => r.receiptId)).size, 10, "one receipt listed twice");
    const wrong = leavesOf("wrong-cumulative");
    assert.equal(wrong.filter((l, i) => l.cumulativeAmount !== honestLeaves[i]!.cumulativeAmount).length, 1);
    assert.ok(wrong.every((l, i) => l.epochAmount === honestLeaves[i]!.epochAmount));
    const over = results.get("overdraw-pool")!;
    const p2Total = BigInt(over.lines.find((l) => l.type === "pool" && l.poolId === P2)!.total);
    const p2Leaves = over.lines
      .filter((l) => l.type === "leaf" && l.poolId === P2)
      .reduce((s, l) => s + BigInt(l.epochAmount), 0n);
    assert.ok(p2Leaves > p2Total, "the scaled pool's leaves add up to more than its posted total");
    assert.deepEqual(over.r.poolTotals, epoch0.poolTotals, "the posted totals stay within the pools' balances");
    const bad = results.get("bad-bundle-hash")!.r;
    assert.notEqual(bad.bundleHash, bad.fileHash);
    assert.equal(bad.fileHash, epoch0.fileHash);
    const unfetchable = results.get("unfetchable-bundle")!.r;
    assert.equal(unfetchable.servable, false);
    assert.equal(unfetchable.fileHash, epoch0.fileHash);
  });

  it("loads the tamper module in the close's worker thread too, and leaves other epochs honest", async () => {
    const tamper = faultTamperRef({ kind: "bad-bundle-hash", epoch: 0 });
    const inWorker = await runPrepareEpochInWorker(input(0, 40, { tamper }));
    assert.equal(inWorker.tampered, "bad-bundle-hash: the posted bundleHash is not the file's");
    assert.notEqual(inWorker.bundleHash, inWorker.fileHash);
    assert.equal(inWorker.fileHash, epoch0.fileHash);
    const honest = await runPrepareEpochInWorker(
      input(0, 41, { tamper: faultTamperRef({ kind: "inflate-bytes", epoch: 7 }) }),
    );
    assert.equal(honest.tampered, null);
    assert.equal(honest.bundleHash, epoch0.fileHash);
  });
});
