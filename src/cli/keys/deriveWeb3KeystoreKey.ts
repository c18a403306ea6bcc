import { pbkdf2Sync, scryptSync } from "node:crypto";
import { scrypt as nobleScrypt } from "@noble/hashes/scrypt.js";
import type { Web3Pbkdf2Params, Web3ScryptParams } from "./Web3Keystore.ts";

/**
 * The derived key of a v3 keystore (`dklen` bytes): scrypt, or PBKDF2-HMAC-SHA256. The password is used as UTF-8
 * bytes without normalization, as geth and ethers do, so a file they wrote opens with the same password. OpenSSL's
 * scrypt (Node's) refuses n ≥ 2^(16·r) — files with r = 1 and a large n, like the definition's own test vector —
 * so those go through @noble/hashes' scrypt, slower but unrestricted.
 */
export function deriveWeb3KeystoreKey(
  password: string,
  kdf: "scrypt" | "pbkdf2",
  params: Web3ScryptParams | Web3Pbkdf2Params,
): Buffer {
  const salt = Buffer.from(params.salt, "hex");
  if (kdf === "pbkdf2") {
    const p = params as Web3Pbkdf2Params;
    return pbkdf2Sync(Buffer.from(password, "utf8"), salt, p.c, p.dklen, "sha256");
  }
  const s = params as Web3ScryptParams;
  if (s.n >= 2 ** Math.min(16 * s.r, 52))
    return Buffer.from(nobleScrypt(Buffer.from(password, "utf8"), salt, { N: s.n, r: s.r, p: s.p, dkLen: s.dklen }));
  return scryptSync(Buffer.from(password, "utf8"), salt, s.dklen, {
    N: s.n,
    r: s.r,
    p: s.p,
    maxmem: 256 * s.n * s.r + 1024 * 1024,
  });
}
