import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Keccak256 } from "../types.ts";
import { bytesToHex, readUint, writeUint } from "../utils/bytes.ts";
import { getPositionSumDepth } from "./getPositionSumDepth.ts";
import type { PositionSumTree } from "./PositionSumTree.ts";

/**
 * Builds the position-bound sum tree of docs/fraud-proofs.md over leaf nodes in their given (key) order:
 * `leafHashes` (n × 32 bytes, each keccak256(abi.encode(leafFields))) and `values` (n uint256, e.g. receipt sizes
 * in bytes or amounts in token base units; a bigint array or a BigUint64Array). Padded to a power of two with
 * `(0x00…00, 0)`; inner nodes `(keccak256(abi.encode(lHash, lSum, rHash, rSum)), lSum + rSum)`.
 * Memory: one flat array of about 2n × 64 bytes (128 MiB for a million leaves), nothing per node.
 * Pass createFastKeccak256() as `keccak` for large trees.
 * Throws INVALID_ARGUMENT when the hashes are not n × 32 bytes, a value is outside uint256 or the sum overflows it.
 */
export function buildPositionSumTree(
  leafHashes: Uint8Array,
  values: ArrayLike<bigint>,
  keccak: Keccak256 = keccak256,
): PositionSumTree {
  if (leafHashes.length % 32 !== 0)
    throw new ProtocolError("INVALID_ARGUMENT", "Leaf hashes must be a whole number of 32-byte hashes.", {
      field: "leafHashes",
    });
  const n = leafHashes.length / 32;
  if (values.length !== n)
    throw new ProtocolError("INVALID_ARGUMENT", `There are ${n} leaf hashes but ${values.length} values.`, {
      field: "values",
    });
  const depth = getPositionSumDepth(n);
  // Level k: its real nodes, plus one empty subtree when that count is odd below the root (the padding sibling).
  const levelStarts: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let k = 0, count = Math.max(n, 1); k <= depth; k++, count = Math.ceil(count / 2)) {
    levelStarts.push(total);
    counts.push(count);
    total += k < depth && count % 2 === 1 ? count + 1 : count;
  }
  const nodes = new Uint8Array(total * 64);
  for (let i = 0; i < n; i++) {
    nodes.set(leafHashes.subarray(i * 32, i * 32 + 32), i * 64);
    writeUint(nodes, i * 64 + 32, values[i]!, 32, `values[${i}]`);
  }
  const view = new DataView(nodes.buffer, nodes.byteOffset, nodes.byteLength);
  // The empty subtree of the current level: (0, 0) for the leaves, then the hash of two of the level below.
  const empty = new Uint8Array(128);
  for (let k = 0; k < depth; k++) {
    const from = levelStarts[k]! * 64;
    const count = counts[k]!;
    if (count % 2 === 1) nodes.set(empty.subarray(0, 64), from + count * 64);
    const to = levelStarts[k + 1]! * 64;
    for (let j = 0; j < counts[k + 1]!; j++) {
      const l = from + j * 128;
      const p = to + j * 64;
      nodes.set(keccak(nodes.subarray(l, l + 128)), p);
      if (addWords(view, l + 32, l + 96, p + 32))
        throw new ProtocolError("INVALID_ARGUMENT", "The sum of the tree's values overflows uint256.", {
          field: "values",
        });
    }
    empty.set(keccak(empty), 0);
    empty.copyWithin(64, 0, 64);
  }
  const root = (total - 1) * 64;
  return {
    length: n,
    depth,
    nodes,
    levelStarts,
    rootHash: bytesToHex(nodes, root, root + 32),
    rootSum: readUint(nodes, root + 32, 32),
  };
}

/** Writes the uint256 at `a` plus the one at `b` (big-endian words of `view`) to `out`; true on overflow. */
function addWords(view: DataView, a: number, b: number, out: number): boolean {
  let carry = 0;
  for (let o = 28; o >= 0; o -= 4) {
    const s = view.getUint32(a + o) + view.getUint32(b + o) + carry;
    view.setUint32(out + o, s >>> 0);
    carry = s > 0xffffffff ? 1 : 0;
  }
  return carry === 1;
}
