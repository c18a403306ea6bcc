import { BUNDLE_FORMAT, BUNDLE_V1, type BundleHeader } from "./types.ts";

/** A header to write: integer fields as bigint or number (both print the same). */
export type BundleHeaderInput = {
  [K in keyof BundleHeader]: BundleHeader[K] extends bigint ? bigint | number : BundleHeader[K];
};

// The line encoders of the epoch bundle format v1 (docs/bundle.md): one JSON object per line, keys in the documented
// order, no whitespace, integers that may exceed 2^53 as decimal strings, lowercase hex. Each returns exactly what
// JSON.stringify would for the same object (test/protocol/bundle checks it); they are template strings only because
// a bundle can hold millions of lines. Inputs are trusted: hex comes lowercased from the strict decoder and the
// database, decimals from bigint.toString().

/** The `header` line, ending in "\n". */
export function headerLine(h: BundleHeaderInput): string {
  return (
    `{"type":"header","format":"${BUNDLE_FORMAT}","version":${BUNDLE_V1},"chainId":${h.chainId},` +
    `"distributor":"${h.distributor}","epoch":${h.epoch},"genesisTime":${h.genesisTime},` +
    `"epochSeconds":${h.epochSeconds},"graceSeconds":${h.graceSeconds},` +
    `"previousBundleHash":"${h.previousBundleHash}","snapshotBlock":${h.snapshotBlock},"root":"${h.root}",` +
    `"poolCount":${h.poolCount},"ticketCount":${h.ticketCount},"receiptCount":${h.receiptCount},` +
    `"leafCount":${h.leafCount}}\n`
  );
}
