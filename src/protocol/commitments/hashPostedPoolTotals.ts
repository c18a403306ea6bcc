import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { PostedPoolTotal } from "./types.ts";

/**
 * `poolTotalsHash` of a post: `keccak256(abi.encode(PostedPoolTotal[]))` with PostedPoolTotal = (bytes32 poolId,
 * uint256 total, uint256 uncappedTotal, uint256 scaleBalance), in the order given (the distributor requires
 * ascending poolId); token base units. Throws INVALID_ARGUMENT naming the field (`posted[2].total`, …).
 */
export function hashPostedPoolTotals(posted: readonly PostedPoolTotal[], keccak: Keccak256 = keccak256): Hex {
  const buf = new Uint8Array(64 + posted.length * 128);
  writeUint(buf, 0, 32, 32, "posted");
  writeUint(buf, 32, posted.length, 32, "posted");
  posted.forEach((p, i) => {
    const o = 64 + i * 128;
    writeHex(buf, o, p.poolId, 32, `posted[${i}].poolId`);
    writeUint(buf, o + 32, p.total, 32, `posted[${i}].total`);
    writeUint(buf, o + 64, p.uncappedTotal, 32, `posted[${i}].uncappedTotal`);
    writeUint(buf, o + 96, p.scaleBalance, 32, `posted[${i}].scaleBalance`);
  });
  return bytesToHex(keccak(buf));
}
