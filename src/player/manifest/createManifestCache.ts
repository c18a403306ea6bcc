import type { Address, Hex } from "../../protocol/types.ts";
import type { SegmentManifest } from "./SegmentManifest.ts";
import { verifySegmentManifest } from "./verifySegmentManifest.ts";

export type ManifestCache = {
  /** The verified manifest of a segment (fetched once from `<segment URL>.meshpay.json`), or undefined. */
  get(segmentUrl: string): Promise<SegmentManifest | undefined>;
};

/**
 * Fetches and checks segment manifests: signed by `signer` (the pool's ticket signer), for `poolId`, and naming
 * the segment's own file name. A manifest that fails any check is treated as absent.
 */
export function createManifestCache(options: {
  poolId: Hex;
  signer: Address;
  fetch?: typeof globalThis.fetch;
  maxEntries?: number;
}): ManifestCache {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const maxEntries = options.maxEntries ?? 256;
  const cache = new Map<string, Promise<SegmentManifest | undefined>>();
  async function load(segmentUrl: string): Promise<SegmentManifest | undefined> {
    const res = await doFetch(`${segmentUrl}.meshpay.json`);
    if (!res.ok) return undefined;
    const { manifest, signer } = verifySegmentManifest(await res.json());
    const name = new URL(segmentUrl, "http://base.invalid/").pathname.split("/").pop();
    if (signer !== options.signer.toLowerCase() || manifest.poolId !== options.poolId.toLowerCase()) return undefined;
    if (manifest.uri !== name) return undefined;
    return manifest;
  }
  return {
    get(segmentUrl) {
      let hit = cache.get(segmentUrl);
      if (!hit) {
        hit = load(segmentUrl).catch(() => undefined);
        hit.then((m) => {
          if (!m) cache.delete(segmentUrl);
        });
        cache.set(segmentUrl, hit);
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      }
      return hit;
    },
  };
}
