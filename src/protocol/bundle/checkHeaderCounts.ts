import type { BundleHeader } from "./types.ts";

/** Counts of each item kind a parser has read, to hold against what the header says the file has. */
export type BundleItemCounts = { pool: number; ticket: number; receipt: number; leaf: number };

const SAID: [keyof BundleItemCounts, keyof BundleHeader][] = [
  ["pool", "poolCount"],
  ["ticket", "ticketCount"],
  ["receipt", "receiptCount"],
  ["leaf", "leafCount"],
];

/**
 * Checks, at the end of a bundle (either format), that the header's counts equal what was read; `fail` makes the
 * parser's BUNDLE_MALFORMED error for the header field (line or record 1).
 */
export function checkHeaderCounts(
  header: BundleHeader,
  counts: BundleItemCounts,
  fail: (field: keyof BundleHeader, message: string) => Error,
): void {
  for (const [kind, key] of SAID)
    if (header[key] !== counts[kind])
      throw fail(key, `the header's ${key} is ${header[key]}, the file has ${counts[kind]}`);
}
