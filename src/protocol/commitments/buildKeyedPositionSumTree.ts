import { ProtocolError } from "../errors/ProtocolError.ts";
import { keccak256 } from "../hash/keccak256.ts";
import { buildPositionSumTree } from "../sumtree/buildPositionSumTree.ts";
import type { Keccak256 } from "../types.ts";
import { writeHex } from "../utils/bytes.ts";
import type { KeyedPositionSumTree, KeyedSumEntry } from "./types.ts";

/**
 * A position-bound sum tree over already-hashed entries sorted by their key (bytewise ascending; a copy is
 * sorted, the input is not changed): leaf i is `(entries'[i].hash, entries'[i].value)`. Keys are `keyBytes` long
 * (32 for poolId/ticketHash, 20 for an account) and unique. Memory: the entries the caller passes, plus n ×
 * (64 + keyBytes) bytes flat. Throws INVALID_ARGUMENT (`entries[i].key`, `.hash`, `.value`) for a malformed or
 * repeated key, a malformed hash or a value outside uint256.
 */
export function buildKeyedPositionSumTree(
  entries: readonly KeyedSumEntry[],
  keyBytes: number,
  keccak: Keccak256 = keccak256,
): KeyedPositionSumTree {
  const n = entries.length;
  const keys = new Uint8Array(n * keyBytes);
  for (let i = 0; i < n; i++) writeHex(keys, i * keyBytes, entries[i]!.key, keyBytes, `entries[${i}].key`);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareKeys(keys, a, b, keyBytes));
  const sortedKeys = new Uint8Array(n * keyBytes);
  const hashes = new Uint8Array(n * 32);
  const values: bigint[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = order[j]!;
    if (j > 0 && compareKeys(keys, order[j - 1]!, i, keyBytes) === 0)
      throw new ProtocolError("INVALID_ARGUMENT", `entries[${i}].key repeats ${entries[i]!.key}.`, {
        field: `entries[${i}].key`,
      });
    sortedKeys.set(keys.subarray(i * keyBytes, (i + 1) * keyBytes), j * keyBytes);
    writeHex(hashes, j * 32, entries[i]!.hash, 32, `entries[${i}].hash`);
    values[j] = entries[i]!.value;
  }
  const tree = buildPositionSumTree(hashes, values, keccak);
  return Object.assign(tree, { keyBytes, keys: sortedKeys });
}

function compareKeys(keys: Uint8Array, a: number, b: number, width: number): number {
  for (let k = 0; k < width; k++) {
    const d = keys[a * width + k]! - keys[b * width + k]!;
    if (d !== 0) return d;
  }
  return 0;
}
