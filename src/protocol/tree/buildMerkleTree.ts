import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, compare32 } from "../utils/bytes.ts";
import type { MerkleTree } from "./MerkleTree.ts";

/**
 * Builds a StandardMerkleTree-compatible tree over already-hashed leaves (`leafHashes`: n × 32 bytes,
 * input order). Leaves are sorted by hash (stable for equal hashes, like Array.prototype.sort), then
 * parents are keccak256(min(a,b) ‖ max(a,b)). Same root and same proofs as
 * StandardMerkleTree.of(values, types) for the values these leaves hash. Throws INVALID_ARGUMENT for 0 leaves.
 */
export function buildMerkleTree(leafHashes: Uint8Array, keccak: Keccak256 = keccak256): MerkleTree {
  if (leafHashes.length === 0 || leafHashes.length % 32 !== 0)
    throw new ProtocolError("INVALID_ARGUMENT", "A Merkle tree needs at least one 32-byte leaf.", { field: "leaves" });
  const n = leafHashes.length / 32;
  const order = sortLeafOrder(leafHashes, n);
  const size = 2 * n - 1;
  const nodes = new Uint8Array(size * 32);
  const treeIndex = new Uint32Array(n);
  for (let j = 0; j < n; j++) {
    const v = order[j]!;
    const t = size - 1 - j;
    const src = v * 32;
    const dst = t * 32;
    for (let b = 0; b < 32; b++) nodes[dst + b] = leafHashes[src + b]!;
    treeIndex[v] = t;
  }
  const pair = new Uint8Array(64);
  for (let i = n - 2; i >= 0; i--) {
    const l = (2 * i + 1) * 32;
    const r = l + 32;
    let c = 0;
    for (let b = 0; b < 32 && c === 0; b++) c = nodes[l + b]! - nodes[r + b]!;
    const first = c <= 0 ? l : r;
    const second = c <= 0 ? r : l;
    for (let b = 0; b < 32; b++) {
      pair[b] = nodes[first + b]!;
      pair[32 + b] = nodes[second + b]!;
    }
    nodes.set(keccak(pair), i * 32);
  }
  const root = bytesToHex(nodes, 0, 32);
  return {
    length: n,
    nodes,
    treeIndex,
    root,
    leafHash(index) {
      checkIndex(index, n);
      const t = treeIndex[index]!;
      return bytesToHex(nodes, t * 32, t * 32 + 32);
    },
    getProof(index) {
      checkIndex(index, n);
      const proof: Hex[] = [];
      let t = treeIndex[index]!;
      while (t > 0) {
        const s = t % 2 === 1 ? t + 1 : t - 1;
        proof.push(bytesToHex(nodes, s * 32, s * 32 + 32));
        t = (t - 1) >> 1;
      }
      return proof;
    },
  };
}

function checkIndex(index: number, n: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= n)
    throw new ProtocolError("INVALID_ARGUMENT", `Leaf index ${index} is out of range [0, ${n - 1}].`, {
      field: "index",
    });
}

/**
 * Input indices in ascending leaf-hash order, ties by input index. Sorts 64-bit keys natively:
 * the top bits hold the hash prefix, the low bits the index; runs with equal prefixes are then
 * re-sorted on the full hash.
 */
function sortLeafOrder(hashes: Uint8Array, n: number): Uint32Array {
  const order = new Uint32Array(n);
  if (n === 1) return order;
  const idxBits = Math.max(1, Math.ceil(Math.log2(n)));
  const shift = BigInt(idxBits);
  const mask = (1n << shift) - 1n;
  const view = new DataView(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const keys = new BigUint64Array(n);
  for (let i = 0; i < n; i++) keys[i] = ((view.getBigUint64(i * 32, false) >> shift) << shift) | BigInt(i);
  keys.sort();
  for (let j = 0; j < n; j++) order[j] = Number(keys[j]! & mask);
  for (let j = 0; j < n - 1; ) {
    const prefix = keys[j]! >> shift;
    let k = j + 1;
    while (k < n && keys[k]! >> shift === prefix) k++;
    if (k - j > 1) {
      const run = Array.from(order.subarray(j, k)).sort((a, b) => compare32(hashes, a * 32, hashes, b * 32) || a - b);
      order.set(run, j);
    }
    j = k;
  }
  return order;
}
