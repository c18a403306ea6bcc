/**
 * Where `key` is among `count` items whose keys `keyAt(i)` are ascending (bytewise-comparable lowercase strings):
 * `{ found, index }`, index being the item with that key or the number of items whose key is below it. Items out
 * of order give an arbitrary answer (their order is the fault to prove first).
 */
export function findKeyPosition(
  count: number,
  keyAt: (i: number) => string,
  key: string,
): { found: boolean; index: number } {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keyAt(mid);
    if (k === key) return { found: true, index: mid };
    if (k < key) lo = mid + 1;
    else hi = mid;
  }
  return { found: false, index: lo };
}
