import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";
import type { EpochDataV2 } from "./types.ts";

/**
 * An epoch's dataHash (version 2): `keccak256(abi.encode(address aggregator, bytes32 bundleHash, bytes32
 * poolTotalsHash, bytes32 poolsRoot, uint256 poolsCount, bytes32 ticketsRoot, uint256 ticketsCount))`; the chain
 * stores its first 27 bytes. Throws INVALID_ARGUMENT naming the field (`data.poolsRoot`, …).
 */
export function hashEpochDataV2(data: EpochDataV2, keccak: Keccak256 = keccak256): Hex {
  const buf = new Uint8Array(224);
  writeHex(buf, 12, data.aggregator, 20, "data.aggregator");
  writeHex(buf, 32, data.bundleHash, 32, "data.bundleHash");
  writeHex(buf, 64, data.poolTotalsHash, 32, "data.poolTotalsHash");
  writeHex(buf, 96, data.poolsRoot, 32, "data.poolsRoot");
  writeUint(buf, 128, data.poolsCount, 32, "data.poolsCount");
  writeHex(buf, 160, data.ticketsRoot, 32, "data.ticketsRoot");
  writeUint(buf, 192, data.ticketsCount, 32, "data.ticketsCount");
  return bytesToHex(keccak(buf));
}
