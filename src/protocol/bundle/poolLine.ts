import type { BundlePool } from "./types.ts";

/** A `pool` line, ending in "\n" (see headerLine for the encoding). */
export function poolLine(p: BundlePool): string {
  return (
    `{"type":"pool","poolId":"${p.poolId}","pricePerGB":"${p.pricePerGB}","available":"${p.available}",` +
    `"epochBytes":"${p.epochBytes}","rawTotal":"${p.rawTotal}","total":"${p.total}"}\n`
  );
}
