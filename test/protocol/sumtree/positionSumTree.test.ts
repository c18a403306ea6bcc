import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { encodeAbiParameters, keccak256 as viemKeccak } from "viem";
import { ProtocolError } from "../../../src/protocol/errors/ProtocolError.ts";
import { createFastKeccak256 } from "../../../src/protocol/hash/createFastKeccak256.ts";
import { arePositionSumProofsAdjacent } from "../../../src/protocol/sumtree/arePositionSumProofsAdjacent.ts";
import { buildPositionSumTree } from "../../../src/protocol/sumtree/buildPositionSumTree.ts";
import { getPositionSumDepth } from "../../../src/protocol/sumtree/getPositionSumDepth.ts";
import { getPositionSumProof } from "../../../src/protocol/sumtree/getPositionSumProof.ts";
import type { PositionSumNode, PositionSumProof } from "../../../src/protocol/sumtree/PositionSumTree.ts";
import { verifyPositionSumProof } from "../../../src/protocol/sumtree/verifyPositionSumProof.ts";
import type { Hex } from "../../../src/protocol/types.ts";
import { rng, toBig, toHexStr } from "../fixtures.ts";

const r = rng(1212);
const ZERO: Hex = `0x${"00".repeat(32)}`;
const MAX = (1n << 256n) - 1n;
const invalid = (e: unknown) => e instanceof ProtocolError && e.code === "INVALID_ARGUMENT";
const hashOf = (hashes: Uint8Array, i: number) => toHexStr(hashes.subarray(i * 32, i * 32 + 32));

/** Random leaves: about a third with value 0, the others up to `valueBytes` bytes. */
function randomLeaves(n: number, valueBytes = 6): { hashes: Uint8Array; values: bigint[] } {
  const hashes = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) hashes.set(r(32), i * 32);
  const values = Array.from({ length: n }, () => (r(1)[0]! % 3 === 0 ? 0n : toBig(r(valueBytes))));
  return { hashes, values };
}

/** The tree written out plainly: viem's abi encoding, every padding leaf present, one array of nodes per level. */
function referenceTree(hashes: Uint8Array, values: readonly bigint[]): PositionSumNode[][] {
  let width = 1;
  while (width < values.length) width *= 2;
  let level: PositionSumNode[] = Array.from({ length: width }, (_, i) =>
    i < values.length ? { hash: hashOf(hashes, i), sum: values[i]! } : { hash: ZERO, sum: 0n },
  );
  const levels = [level];
  while (level.length > 1) {
    const next: PositionSumNode[] = [];
    for (let j = 0; j < level.length; j += 2) {
      const [a, b] = [level[j]!, level[j + 1]!];
      const encoded = encodeAbiParameters(
        [{ type: "bytes32" }, { type: "uint256" }, { type: "bytes32" }, { type: "uint256" }],
        [a.hash, a.sum, b.hash, b.sum],
      );
      next.push({ hash: viemKeccak(encoded), sum: a.sum + b.sum });
    }
    levels.push(next);
    level = next;
  }
  return levels;
}

const flipHex = (h: Hex, bit: number): Hex =>
  toHexStr(Buffer.from(h.slice(2), "hex").map((b, i) => (i === bit >> 3 ? b ^ (1 << (bit & 7)) : b)));

describe("position-bound sum tree: build and prove", async () => {
  const fast = await createFastKeccak256();
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100])
    it(`${n} leaves: the root and every proof equal the padded reference tree's`, () => {
      const { hashes, values } = randomLeaves(n);
      const tree = buildPositionSumTree(hashes, values, n % 2 ? fast : undefined);
      const levels = referenceTree(hashes, values);
      const root = levels.at(-1)![0]!;
      assert.equal(tree.length, n);
      assert.equal(tree.depth, levels.length - 1);
      assert.equal(tree.rootHash, root.hash);
      assert.equal(tree.rootSum, root.sum);
      for (let i = 0; i < n; i++) {
        const proof = getPositionSumProof(tree, i);
        assert.equal(proof.leafHash, hashOf(hashes, i));
        assert.equal(proof.value, values[i]);
        assert.deepEqual(
          proof.siblings,
          levels.slice(0, -1).map((level, k) => level[Math.floor(i / 2 ** k) ^ 1]!),
        );
      }
    });

  it("an empty tree is the empty node and one leaf is its own root", () => {
    const empty = buildPositionSumTree(new Uint8Array(0), []);
    assert.deepEqual([empty.rootHash, empty.rootSum, empty.length, empty.depth], [ZERO, 0n, 0, 0]);
    assert.throws(() => getPositionSumProof(empty, 0), invalid);
    const { hashes, values } = randomLeaves(1);
    const one = buildPositionSumTree(hashes, values);
    assert.deepEqual([one.rootHash, one.rootSum, one.depth], [hashOf(hashes, 0), values[0], 0]);
    assert.deepEqual(getPositionSumProof(one, 0).siblings, []);
  });

  it("values near uint256's top carry across every word boundary, and a sum past it is refused", () => {
    const { hashes } = randomLeaves(3);
    const values = [(1n << 255n) - 1n, (1n << 254n) + 0xffff_ffffn, (1n << 254n) - 0xffff_ffffn];
    const tree = buildPositionSumTree(hashes, values);
    assert.equal(tree.rootSum, values[0]! + values[1]! + values[2]!);
    assert.equal(tree.rootHash, referenceTree(hashes, values).at(-1)![0]!.hash);
    assert.throws(() => buildPositionSumTree(hashes, [MAX, 1n, 0n]), invalid);
    assert.throws(() => buildPositionSumTree(hashes, [MAX + 1n, 0n, 0n]), invalid);
    assert.throws(() => buildPositionSumTree(hashes, [-1n, 0n, 0n]), invalid);
  });

  it("refuses hashes that are not whole 32-byte words, a values count that differs and an index out of range", () => {
    assert.throws(() => buildPositionSumTree(new Uint8Array(33), [0n]), invalid);
    assert.throws(() => buildPositionSumTree(new Uint8Array(64), [0n]), invalid);
    const tree = buildPositionSumTree(new Uint8Array(96), [1n, 2n, 3n]);
    for (const i of [-1, 3, 4, 1.5, Number.NaN]) assert.throws(() => getPositionSumProof(tree, i), invalid);
  });

  it("takes uint64 values from a BigUint64Array and gives the same tree as from bigints", () => {
    const { hashes, values } = randomLeaves(21, 8);
    assert.deepEqual(buildPositionSumTree(hashes, BigUint64Array.from(values)), buildPositionSumTree(hashes, values));
  });

  it("2^16 leaves behind one relay: about 2n nodes of 64 bytes, every sampled proof verifies", () => {
    const n = 2 ** 16;
    const { hashes, values } = randomLeaves(n, 4);
    const tree = buildPositionSumTree(hashes, BigUint64Array.from(values), fast);
    assert.equal(tree.depth, 16);
    assert.equal(tree.nodes.byteLength, (2 * n - 1) * 64);
    let prefix = 0n;
    for (let i = 0; i < n; i++) {
      if (i % 4099 === 0 || i === n - 1) {
        const got = verifyPositionSumProof(getPositionSumProof(tree, i), fast);
        assert.deepEqual(got, { rootHash: tree.rootHash, rootSum: tree.rootSum, prefixSum: prefix });
      }
      prefix += values[i]!;
    }
    assert.equal(prefix, tree.rootSum);
  });

  it("1,000,000 leaves: one flat array of less than 2n + depth nodes (128 MiB), no per-node objects", () => {
    const n = 1_000_000;
    const hashes = new Uint8Array(n * 32);
    const values = new BigUint64Array(n);
    for (let i = 0; i < n; i++) {
      new DataView(hashes.buffer).setUint32(i * 32, i);
      values[i] = BigInt(i % 1500);
    }
    // Retained heap only: garbage (of the setup loop above, or of the build) is collected before each reading, so the
    // figure does not depend on when the collector happened to run (a CI run once saw 40 MB of it uncollected).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const tree = buildPositionSumTree(hashes, values, fast);
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    assert.equal(tree.depth, 20);
    assert.ok(tree.nodes.byteLength <= (2 * n + 20) * 64, `${tree.nodes.byteLength} bytes`);
    assert.ok(heapGrowth < 32 * 1024 * 1024, `JS heap grew by ${heapGrowth} bytes`);
    let total = 0n;
    for (const v of values) total += v;
    assert.equal(tree.rootSum, total);
    const proof = getPositionSumProof(tree, n - 1);
    assert.equal(verifyPositionSumProof(proof, fast).rootHash, tree.rootHash);
    assert.equal(verifyPositionSumProof(proof, fast).prefixSum, total - values[n - 1]!);
  });
});

describe("position-bound sum tree: verify", () => {
  const { hashes, values } = randomLeaves(11);
  const tree = buildPositionSumTree(hashes, values);
  const proofs = Array.from({ length: 11 }, (_, i) => getPositionSumProof(tree, i));

  it("every proof gives the root hash, the root sum and the sum of the values left of its leaf", () => {
    for (const [i, proof] of proofs.entries()) {
      const prefixSum = values.slice(0, i).reduce((a, b) => a + b, 0n);
      assert.deepEqual(verifyPositionSumProof(proof), { rootHash: tree.rootHash, rootSum: tree.rootSum, prefixSum });
    }
  });

  it("any one-bit change in a sibling's hash or sum, the leaf or the index no longer gives the root", () => {
    const misses = (p: PositionSumProof) => {
      try {
        return verifyPositionSumProof(p).rootHash !== tree.rootHash;
      } catch (e) {
        return invalid(e);
      }
    };
    for (const proof of proofs) {
      for (const [k, s] of proof.siblings.entries())
        for (let bit = 0; bit < 256; bit += 7) {
          const hashFlipped = proof.siblings.map((x, j) => (j === k ? { ...x, hash: flipHex(s.hash, bit) } : x));
          const sumFlipped = proof.siblings.map((x, j) => (j === k ? { ...x, sum: s.sum ^ (1n << BigInt(bit)) } : x));
          assert.ok(misses({ ...proof, siblings: hashFlipped }), `sibling ${k} hash bit ${bit}`);
          assert.ok(misses({ ...proof, siblings: sumFlipped }), `sibling ${k} sum bit ${bit}`);
        }
      for (let bit = 0; bit < 256; bit += 5) {
        assert.ok(misses({ ...proof, leafHash: flipHex(proof.leafHash, bit) }), `leaf hash bit ${bit}`);
        assert.ok(misses({ ...proof, value: proof.value ^ (1n << BigInt(bit)) }), `value bit ${bit}`);
      }
      for (let bit = 0; bit < 8; bit++)
        assert.ok(misses({ ...proof, index: proof.index ^ (1 << bit) }), `index ${proof.index} bit ${bit}`);
    }
  });

  it("refuses an index at or past 2^depth and sums past uint256", () => {
    const proof = proofs[5]!;
    assert.throws(() => verifyPositionSumProof({ ...proof, index: 16 }), invalid);
    assert.throws(() => verifyPositionSumProof({ ...proof, index: -1 }), invalid);
    const huge = proof.siblings.map((s, k) => (k === 2 ? { ...s, sum: MAX } : s));
    assert.throws(() => verifyPositionSumProof({ ...proof, siblings: huge }), invalid);
    const over = proof.siblings.map((s, k) => (k === 0 ? { ...s, sum: MAX + 1n } : s));
    assert.throws(() => verifyPositionSumProof({ ...proof, siblings: over }), invalid);
  });

  it("the depth is the least d with 2^d ≥ n", () => {
    const cases: [number, number][] = [
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 3],
      [65_536, 16],
      [65_537, 17],
      [1_000_000, 20],
      [2 ** 40 + 1, 41],
    ];
    for (const [n, d] of cases) assert.equal(getPositionSumDepth(n), d, `n = ${n}`);
    assert.throws(() => getPositionSumDepth(-1), invalid);
    assert.throws(() => getPositionSumDepth(0.5), invalid);
  });
});

describe("position-bound sum tree: adjacency", () => {
  const { hashes, values } = randomLeaves(13);
  const tree = buildPositionSumTree(hashes, values);
  const at = (i: number) => getPositionSumProof(tree, i);

  it("proofs at i and i + 1 are adjacent for every i", () => {
    for (let i = 0; i + 1 < tree.length; i++) assert.ok(arePositionSumProofsAdjacent(tree, at(i), at(i + 1)), `${i}`);
  });

  it("proofs that skip a leaf, come in the wrong order or repeat one leaf are not adjacent", () => {
    assert.equal(arePositionSumProofsAdjacent(tree, at(3), at(5)), false);
    assert.equal(arePositionSumProofsAdjacent(tree, at(6), at(5)), false);
    assert.equal(arePositionSumProofsAdjacent(tree, at(4), at(4)), false);
  });

  it("a proof of another tree, another sum, or a padding position past n is not adjacent", () => {
    const other = buildPositionSumTree(randomLeaves(13).hashes, values);
    assert.equal(arePositionSumProofsAdjacent(tree, at(2), getPositionSumProof(other, 3)), false);
    assert.equal(arePositionSumProofsAdjacent({ ...tree, rootSum: tree.rootSum + 1n }, at(2), at(3)), false);
    // The empty node at index 13 of this tree's padding, with its true path: still not a leaf of a 13-leaf tree.
    const levels = referenceTree(hashes, values);
    const padding: PositionSumProof = {
      index: 13,
      leafHash: ZERO,
      value: 0n,
      siblings: levels.slice(0, -1).map((level, k) => level[Math.floor(13 / 2 ** k) ^ 1]!),
    };
    assert.equal(verifyPositionSumProof(padding).rootHash, tree.rootHash);
    assert.equal(arePositionSumProofsAdjacent(tree, at(12), padding), false);
  });

  it("a proof one level short (a subtree's root presented as the root) is not adjacent", () => {
    const short = (p: PositionSumProof): PositionSumProof => ({ ...p, siblings: p.siblings.slice(0, -1) });
    const shortRoot = verifyPositionSumProof(short(at(2))).rootHash;
    const claimed = { rootHash: shortRoot, rootSum: verifyPositionSumProof(short(at(2))).rootSum, length: 13 };
    assert.equal(arePositionSumProofsAdjacent(claimed, short(at(2)), short(at(3))), false);
    assert.equal(arePositionSumProofsAdjacent({ ...claimed, length: 8 }, short(at(2)), short(at(3))), true);
  });
});
