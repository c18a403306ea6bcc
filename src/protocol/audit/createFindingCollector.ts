import { toJsonSafe } from "../utils/toJsonSafe.ts";
import type { FaultCode } from "./faultCodes.ts";
import type { Finding } from "./types.ts";

/** Most items kept per finding in an evidence document (the count is always exact). */
export const MAX_ITEMS = 100;

/**
 * How fundamental each kind of finding is (lower first). A wrong byte count is more fundamental than the pool total
 * it feeds, which in turn explains wrong amounts; a wrong root is the last thing to blame.
 */
const RANK: Record<string, number> = {
  BUNDLE_UNAVAILABLE: 0,
  BUNDLE_HASH_MISMATCH: 1,
  BUNDLE_MALFORMED: 2,
  HEADER_MISMATCH: 3,
  RECEIPT_INVALID: 4,
  RECEIPT_DUPLICATE: 5,
  RECEIPTS_OMITTED: 6,
  "RELAY_TOTAL_MISMATCH/bytes": 7,
  POOL_TOTAL_MISMATCH: 8,
  "RELAY_TOTAL_MISMATCH/amount": 9,
  CUMULATIVE_MISMATCH: 10,
  ROOT_MISMATCH: 11,
};

/** Collects findings by code, keeps the first MAX_ITEMS items of each and orders them by how fundamental they are. */
export function createFindingCollector() {
  const byCode = new Map<FaultCode, Finding & { rank: number }>();
  return {
    /** Records one offending item. `variant` refines the rank ("bytes" / "amount" for relay totals). */
    add(code: FaultCode, message: string, item: unknown, variant?: string): void {
      const rank = RANK[variant ? `${code}/${variant}` : code] ?? RANK[`${code}/bytes`] ?? 99;
      let f = byCode.get(code);
      if (!f) {
        f = { code, message, count: 0, items: [], rank };
        byCode.set(code, f);
      }
      f.rank = Math.min(f.rank, rank);
      f.count += 1;
      if (f.items.length < MAX_ITEMS) f.items.push(toJsonSafe(item));
    },
    get size(): number {
      return byCode.size;
    },
    has(code: FaultCode): boolean {
      return byCode.has(code);
    },
    /** Findings, most fundamental first. */
    list(): Finding[] {
      return [...byCode.values()].sort((a, b) => a.rank - b.rank).map(({ rank: _rank, ...f }) => f);
    },
  };
}

export type FindingCollector = ReturnType<typeof createFindingCollector>;
