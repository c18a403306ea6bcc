import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256 } from "../types.ts";
import { bytesToHex, writeHex } from "../utils/bytes.ts";

/** EIP-712 digest `keccak256(0x1901 ‖ domainSeparator ‖ structHash)`. */
export function getTypedDataDigest(domainSeparator: Hex, structHash: Hex, keccak: Keccak256 = keccak256): Hex {
  const buf = new Uint8Array(66);
  buf[0] = 0x19;
  buf[1] = 0x01;
  writeHex(buf, 2, domainSeparator, 32, "domainSeparator");
  writeHex(buf, 34, structHash, 32, "structHash");
  return bytesToHex(keccak(buf));
}
