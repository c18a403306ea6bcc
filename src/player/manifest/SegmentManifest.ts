import type { Hex } from "../../protocol/types.ts";

/**
 * The broadcaster's statement of what one media segment contains, published beside it (`<segment URL>.meshpay.json`)
 * and signed by the pool's ticket signer: keccak256 of each PLAYER_CHUNK_BYTES piece, in order.
 */
export type SegmentManifest = {
  version: 1;
  poolId: Hex;
  /** The segment number receipts use (uint64, decimal string on the wire). */
  segment: bigint;
  /** The segment's file name as the playlist lists it (the last path part of its URL). */
  uri: string;
  chunkBytes: number;
  chunkHashes: Hex[];
};

export type SignedSegmentManifest = { manifest: SegmentManifest; signature: Hex };

export type SignedSegmentManifestJson = {
  manifest: Omit<SegmentManifest, "segment"> & { segment: string };
  signature: Hex;
};
