import type { Hex } from "../types.ts";
import { hexToBytes } from "../utils/bytes.ts";
import type { KeyedPositionSumTree } from "./types.ts";

/**
 * Binary search of `key` in a keyed tree: `{ found: true, index }` when leaf `index` has that key, else
 * `{ found: false, index }` with `index` the position it would take (the number of keys below it: the neighbours
 * that prove its absence are `index − 1` and `index`). Throws INVALID_ARGUMENT for a key of the wrong width.
 */
export function findKeyedLeafIndex(tree: KeyedPositionSumTree, key: Hex): { found: boolean; index: number } {
  const width = tree.keyBytes;
  const k = hexToBytes(key, width, "key");
  let lo = 0;
  let hi = tree.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let c = 0;
    for (let b = 0; b < width && c === 0; b++) c = tree.keys[mid * width + b]! - k[b]!;
    if (c === 0) return { found: true, index: mid };
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return { found: false, index: lo };
}
