import { createCipheriv, randomBytes, randomUUID } from "node:crypto";
import { keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { Hex } from "../../protocol/types.ts";
import { deriveWeb3KeystoreKey } from "./deriveWeb3KeystoreKey.ts";
import { WEB3_KEYSTORE_SCRYPT, type Web3Keystore } from "./Web3Keystore.ts";

/** Seals `privateKey` under `password` as a Web3 Secret Storage v3 keystore (scrypt, AES-128-CTR). */
export function encryptWeb3Keystore(
  privateKey: Hex,
  password: string,
  scrypt: { n: number; r: number; p: number } = WEB3_KEYSTORE_SCRYPT,
): Web3Keystore {
  const kdfparams = { dklen: 32, ...scrypt, salt: randomBytes(32).toString("hex") };
  const derived = deriveWeb3KeystoreKey(password, "scrypt", kdfparams);
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-128-ctr", derived.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  const mac = keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2);
  return {
    version: 3,
    id: randomUUID(),
    address: privateKeyToAddress(privateKey).slice(2).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams,
      mac,
    },
  };
}
