import { keccak256 } from "../../protocol/hash/keccak256.ts";
import { signDigest } from "../../protocol/signature/signDigest.ts";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import { PLAYER_CHUNK_BYTES } from "../constants.ts";
import { splitIntoChunks } from "../receipts/splitIntoChunks.ts";
import { getSegmentManifestDigest } from "./getSegmentManifestDigest.ts";
import type { SignedSegmentManifestJson } from "./SegmentManifest.ts";

/**
 * The broadcaster's side: hashes a segment's pieces and signs the manifest with the pool's ticket signer key.
 * Returns the JSON wire form that the origin serves beside the segment and posts to the aggregator.
 */
export function createSegmentManifest(args: {
  poolId: Hex;
  segment: bigint;
  uri: string;
  bytes: Uint8Array;
  signerKey: Hex;
  chunkBytes?: number;
}): SignedSegmentManifestJson {
  const chunkBytes = args.chunkBytes ?? PLAYER_CHUNK_BYTES;
  const manifest = {
    version: 1 as const,
    poolId: args.poolId.toLowerCase() as Hex,
    segment: args.segment,
    uri: args.uri,
    chunkBytes,
    chunkHashes: splitIntoChunks(args.bytes, chunkBytes).map((c) => bytesToHex(keccak256(c))),
  };
  const signature = signDigest(getSegmentManifestDigest(manifest), args.signerKey);
  return { manifest: { ...manifest, segment: manifest.segment.toString() }, signature };
}
