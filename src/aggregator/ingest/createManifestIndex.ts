import type { SegmentManifest } from "../../player/manifest/SegmentManifest.ts";
import { verifySegmentManifest } from "../../player/manifest/verifySegmentManifest.ts";
import type { ChunkReceipt, Hex } from "../../protocol/types.ts";
import type { PoolRegistry } from "../chain/createPoolRegistry.ts";
import { AggregatorError } from "../errors/AggregatorError.ts";
import type { ReceiptError } from "./createIngestor.ts";

export type ManifestIndex = {
  /** Whether receipts of this pool must match a manifest (ingest.contentBindingPools). */
  requires(poolId: string): boolean;
  /**
   * Takes a signed segment manifest (POST /v1/manifests): it must decode, be for a content-bound pool and be
   * signed by that pool's ticket signer in force now. Returns what it recorded.
   */
  add(value: unknown): { poolId: Hex; segment: string; chunks: number; added: boolean };
  /** The content-binding check of one receipt: undefined when it passes or its pool is not bound. */
  check(receipt: ChunkReceipt): ReceiptError | undefined;
};

/**
 * Content binding (docs/player.md): the broadcaster publishes, per segment, a manifest of its chunk hashes signed
 * by the pool's ticket signer and hands it to the aggregator; for a pool listed in `requiredPools` a receipt
 * counts only if its chunkHash is the manifest's hash at its chunk position. Held in memory, at most
 * `maxSegmentsPerPool` segments per pool (the oldest go first): a restarted aggregator refuses receipts for
 * segments until their manifests are posted again.
 */
export function createManifestIndex(options: {
  pools: PoolRegistry;
  requiredPools: readonly string[];
  now?: () => number;
  maxSegmentsPerPool?: number;
}): ManifestIndex {
  const now = options.now ?? Date.now;
  const max = options.maxSegmentsPerPool ?? 100_000;
  const required = new Set(options.requiredPools.map((p) => p.toLowerCase()));
  const byPool = new Map<string, Map<string, SegmentManifest>>();

  return {
    requires: (poolId) => required.has(poolId.toLowerCase()),
    add(value) {
      let verified: ReturnType<typeof verifySegmentManifest>;
      try {
        verified = verifySegmentManifest(value);
      } catch (cause) {
        throw new AggregatorError("MANIFEST_INVALID", (cause as Error).message.split("\n")[0]!, { status: 400 });
      }
      const { manifest, signer } = verified;
      if (!required.has(manifest.poolId))
        throw new AggregatorError("MANIFEST_POOL_NOT_BOUND", `Pool ${manifest.poolId} does not use content binding.`, {
          status: 404,
        });
      const pool = options.pools.validationPool(manifest.poolId, BigInt(now()));
      if (!pool || pool.ticketSigner.toLowerCase() !== signer)
        throw new AggregatorError(
          "MANIFEST_BAD_SIGNER",
          `The manifest is signed by ${signer}, not by the pool's ticket signer ${pool?.ticketSigner ?? "(unknown)"}.`,
          { status: 403 },
        );
      let segments = byPool.get(manifest.poolId);
      if (!segments) byPool.set(manifest.poolId, (segments = new Map()));
      const key = manifest.segment.toString();
      const added = !segments.has(key);
      // First manifest wins: a segment's content never changes once receipts may point at it.
      if (added) segments.set(key, manifest);
      if (segments.size > max) segments.delete(segments.keys().next().value!);
      return { poolId: manifest.poolId, segment: key, chunks: manifest.chunkHashes.length, added };
    },
    check(r) {
      if (!required.has(r.poolId.toLowerCase())) return undefined;
      const manifest = byPool.get(r.poolId.toLowerCase())?.get(r.segment.toString());
      const expected = manifest?.chunkHashes[r.chunk];
      if (expected !== undefined && expected === r.chunkHash.toLowerCase()) {
        const last = manifest!.chunkHashes.length - 1;
        const size = r.chunk < last ? manifest!.chunkBytes : undefined;
        if (size === undefined || r.size === size) return undefined;
      }
      return {
        code: "RECEIPT_CHUNK_NOT_IN_MANIFEST",
        message: manifest
          ? `Chunk ${r.chunk} of segment ${r.segment} is not the one in the broadcaster's manifest.`
          : `No manifest for segment ${r.segment} of this content-bound pool.`,
        field: "receipt.chunkHash",
      };
    },
  };
}
