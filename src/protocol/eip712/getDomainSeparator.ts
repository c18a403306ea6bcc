import { DOMAIN_NAME, DOMAIN_VERSION, EIP712_DOMAIN_TYPEHASH } from "../constants.ts";
import { keccak256 } from "../hash/keccak256.ts";
import type { Hex, Keccak256, MeshpayDomain } from "../types.ts";
import { bytesToHex, writeHex, writeUint } from "../utils/bytes.ts";

const encoder = new TextEncoder();

/** EIP-712 domain separator of `{ name: "meshpay", version: "1", chainId, verifyingContract }`. */
export function getDomainSeparator(domain: MeshpayDomain, keccak: Keccak256 = keccak256): Hex {
  const buf = new Uint8Array(5 * 32);
  writeHex(buf, 0, EIP712_DOMAIN_TYPEHASH, 32, "typehash");
  buf.set(keccak(encoder.encode(DOMAIN_NAME)), 32);
  buf.set(keccak(encoder.encode(DOMAIN_VERSION)), 64);
  writeUint(buf, 96, typeof domain.chainId === "number" ? BigInt(domain.chainId) : domain.chainId, 32, "chainId");
  writeHex(buf, 128 + 12, domain.verifyingContract, 20, "verifyingContract");
  return bytesToHex(keccak(buf));
}
