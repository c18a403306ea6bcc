import { createCipheriv, randomBytes, scryptSync } from "node:crypto";
import { privateKeyToAddress } from "viem/accounts";
import type { Hex } from "../../protocol/types.ts";

/** The meshpay keystore file: a secp256k1 private key sealed with AES-256-GCM under a scrypt-derived key. */
export type Keystore = {
  format: "meshpay-keystore";
  version: 1;
  /** The key's address (also authenticated: it is the GCM additional data). */
  address: Hex;
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: Hex };
  cipher: { name: "aes-256-gcm"; iv: Hex; tag: Hex };
  ciphertext: Hex;
};

/** scrypt cost of new keystores: N = 2^17, r = 8, p = 1 (128 MiB, a fraction of a second). */
export const KEYSTORE_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;

/** Seals `privateKey` under `password`. */
export function encryptKeystore(
  privateKey: Hex,
  password: string,
  kdf: { N: number; r: number; p: number } = KEYSTORE_SCRYPT,
): Keystore {
  const address = privateKeyToAddress(privateKey);
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const key = deriveKeystoreKey(password, salt, kdf);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(keystoreAad(address));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  return {
    format: "meshpay-keystore",
    version: 1,
    address,
    kdf: { name: "scrypt", ...kdf, salt: hex(salt) },
    cipher: { name: "aes-256-gcm", iv: hex(iv), tag: hex(cipher.getAuthTag()) },
    ciphertext: hex(ciphertext),
  };
}

export function deriveKeystoreKey(
  password: string,
  salt: Uint8Array,
  kdf: { N: number; r: number; p: number },
): Buffer {
  return scryptSync(password.normalize("NFKC"), salt, 32, {
    N: kdf.N,
    r: kdf.r,
    p: kdf.p,
    maxmem: 256 * kdf.N * kdf.r + 1024 * 1024,
  });
}

export function keystoreAad(address: string): Buffer {
  return Buffer.from(`meshpay-keystore/1:${address.toLowerCase()}`, "utf8");
}

const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;
