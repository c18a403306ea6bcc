import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseBundleBytes } from "../../protocol/bundle/parseBundleBytes.ts";
import type { Bundle } from "../../protocol/bundle/types.ts";
import { buildRewardTree, type RewardTree } from "../../protocol/tree/buildRewardTree.ts";
import type { Hex, Keccak256 } from "../../protocol/types.ts";

/**
 * Bundles whose bytes matched their posted hash, kept on disk as `<dir>/<bundleHash>.bundle` (so audits of later
 * epochs, disputes and claims never depend on the aggregator still serving them), with the last few parsed bundles
 * and reward trees in memory. The bytes are kept as posted, in either format (docs/bundle.md); files stored by
 * earlier versions as `<bundleHash>.ndjson` are still found.
 */
export function createBundleCache(options: { dir: string; keccak: Keccak256; keep?: number }) {
  mkdirSync(options.dir, { recursive: true });
  const keep = options.keep ?? 3;
  const parsed = new Map<string, Bundle>();
  const trees = new Map<string, RewardTree>();
  const remember = <T>(map: Map<string, T>, key: string, value: T): T => {
    map.delete(key);
    map.set(key, value);
    while (map.size > keep) map.delete(map.keys().next().value!);
    return value;
  };
  const path = (hash: Hex) => join(options.dir, `${hash.toLowerCase()}.bundle`);
  const legacyPath = (hash: Hex) => join(options.dir, `${hash.toLowerCase()}.ndjson`);
  /** Where the bytes of `hash` are stored, if they are. */
  const stored = (hash: Hex): string | undefined => [path(hash), legacyPath(hash)].find((p) => existsSync(p));
  return {
    has: (hash: Hex): boolean => stored(hash) !== undefined,
    /** The stored bytes, or undefined. */
    get(hash: Hex): Uint8Array | undefined {
      const p = stored(hash);
      return p ? new Uint8Array(readFileSync(p)) : undefined;
    },
    /** Stores bytes already checked against `hash`. */
    put(hash: Hex, bytes: Uint8Array): void {
      if (stored(hash)) return;
      const p = path(hash);
      const tmp = `${p}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, p);
    },
    /** The parsed bundle (throws BUNDLE_MALFORMED), or undefined when not stored. */
    parsed(hash: Hex): Bundle | undefined {
      const hit = parsed.get(hash.toLowerCase());
      if (hit) return hit;
      const bytes = this.get(hash);
      return bytes ? remember(parsed, hash.toLowerCase(), parseBundleBytes(bytes)) : undefined;
    },
    /** The reward tree over the stored bundle's leaves, or undefined when not stored. */
    tree(hash: Hex): RewardTree | undefined {
      const hit = trees.get(hash.toLowerCase());
      if (hit) return hit;
      const bundle = this.parsed(hash);
      return bundle ? remember(trees, hash.toLowerCase(), buildRewardTree(bundle.leaves, options.keccak)) : undefined;
    },
  };
}

export type BundleCache = ReturnType<typeof createBundleCache>;
