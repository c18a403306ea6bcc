import { recoverAddress } from "../../protocol/signature/recoverAddress.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { isHexOfLength } from "../../protocol/utils/bytes.ts";
import { PlayerError } from "../errors/PlayerError.ts";
import { getSegmentManifestDigest } from "./getSegmentManifestDigest.ts";
import type { SignedSegmentManifest } from "./SegmentManifest.ts";

/**
 * Decodes a signed segment manifest (JSON wire form) strictly and returns it with the address that signed it.
 * Whoever checks it compares `signer` with the pool's ticket signer. Throws MANIFEST_INVALID.
 */
export function verifySegmentManifest(value: unknown): SignedSegmentManifest & { signer: Address } {
  const fail = (why: string, cause?: unknown) =>
    new PlayerError("MANIFEST_INVALID", `Not a valid segment manifest: ${why}.`, cause ? { cause } : {});
  if (typeof value !== "object" || value === null) throw fail("not an object");
  const { manifest, signature } = value as Record<string, unknown>;
  if (typeof manifest !== "object" || manifest === null) throw fail("no manifest");
  const m = manifest as Record<string, unknown>;
  if (m.version !== 1) throw fail("unknown version");
  if (!isHexOfLength(m.poolId, 32)) throw fail("poolId is not 32 bytes of hex");
  if (typeof m.segment !== "string" || !/^(0|[1-9]\d{0,19})$/.test(m.segment) || BigInt(m.segment) >= 2n ** 64n)
    throw fail("segment is not a uint64 decimal string");
  if (typeof m.uri !== "string" || m.uri.length === 0 || m.uri.length > 1024) throw fail("bad uri");
  if (!Number.isSafeInteger(m.chunkBytes) || (m.chunkBytes as number) <= 0) throw fail("bad chunkBytes");
  if (
    !Array.isArray(m.chunkHashes) ||
    m.chunkHashes.length > 100_000 ||
    !m.chunkHashes.every((h) => isHexOfLength(h, 32))
  )
    throw fail("chunkHashes is not a list of 32-byte hashes");
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{128,130}$/.test(signature)) throw fail("bad signature");
  const decoded: SignedSegmentManifest = {
    manifest: {
      version: 1,
      poolId: (m.poolId as string).toLowerCase() as Hex,
      segment: BigInt(m.segment),
      uri: m.uri,
      chunkBytes: m.chunkBytes as number,
      chunkHashes: (m.chunkHashes as string[]).map((h) => h.toLowerCase() as Hex),
    },
    signature: signature as Hex,
  };
  let signer: Address;
  try {
    signer = recoverAddress(getSegmentManifestDigest(decoded.manifest), decoded.signature);
  } catch (cause) {
    throw fail("the signature does not recover", cause);
  }
  return { ...decoded, signer };
}
