import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { SegmentManifest } from "./SegmentManifest.ts";

/**
 * keccak256 of the manifest's canonical text (UTF-8): `meshpay segment manifest v1\npool:<0x…>\nsegment:<n>\n`
 * `uri:<JSON string>\nchunkBytes:<n>\nchunks:<0x…,0x…>` (hex lowercase).
 */
export function getSegmentManifestDigest(manifest: SegmentManifest): Hex {
  const text = [
    "meshpay segment manifest v1",
    `pool:${manifest.poolId.toLowerCase()}`,
    `segment:${manifest.segment}`,
    `uri:${JSON.stringify(manifest.uri)}`,
    `chunkBytes:${manifest.chunkBytes}`,
    `chunks:${manifest.chunkHashes.map((h) => h.toLowerCase()).join(",")}`,
  ].join("\n");
  return bytesToHex(keccak256(new TextEncoder().encode(text)));
}
