import { createDecipheriv, timingSafeEqual } from "node:crypto";
import { keccak256 } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import type { Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";
import { deriveWeb3KeystoreKey } from "./deriveWeb3KeystoreKey.ts";
import type { Web3Keystore, Web3Pbkdf2Params, Web3ScryptParams } from "./Web3Keystore.ts";

/**
 * Opens a Web3 Secret Storage v3 keystore (parsed JSON of unknown shape; geth's capitalised `Crypto` is accepted).
 * Throws KEYSTORE_INVALID for a file that is not one (or whose cost parameters are out of the supported range) and
 * KEYSTORE_PASSWORD_WRONG when the MAC does not match (a wrong password or a modified file).
 */
export function decryptWeb3Keystore(
  data: unknown,
  password: string,
  path = "the keystore",
): { privateKey: Hex; address: Hex } {
  const ks = checkShape(data, path);
  const c = ks.crypto;
  const derived = deriveWeb3KeystoreKey(password, c.kdf, c.kdfparams);
  const ciphertext = Buffer.from(c.ciphertext, "hex");
  const mac = Buffer.from(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])).slice(2), "hex");
  if (!timingSafeEqual(mac, Buffer.from(c.mac, "hex")))
    throw new CliError("KEYSTORE_PASSWORD_WRONG", `The password does not open ${path}.`, {
      hint: "Check MESHPAY_KEYSTORE_PASSWORD (or the password you typed).",
    });
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), Buffer.from(c.cipherparams.iv, "hex"));
  const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const privateKey = `0x${plain.toString("hex")}` as Hex;
  let address: Hex;
  try {
    address = privateKeyToAddress(privateKey);
  } catch (cause) {
    throw new CliError("KEYSTORE_INVALID", `${path} does not hold a valid secp256k1 private key.`, { cause });
  }
  if (ks.address !== undefined && address.slice(2).toLowerCase() !== ks.address.replace(/^0x/i, "").toLowerCase())
    throw new CliError("KEYSTORE_INVALID", `${path} holds a key for ${address}, not for the 0x${ks.address} it names.`);
  return { privateKey, address };
}

const isHex = (v: unknown, bytes?: number): v is string =>
  typeof v === "string" &&
  /^[0-9a-fA-F]*$/.test(v) &&
  v.length % 2 === 0 &&
  (bytes === undefined ? v.length > 0 : v.length === 2 * bytes);
const isInt = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

function checkShape(data: unknown, path: string): Web3Keystore {
  const fail = (what: string): never => {
    throw new CliError("KEYSTORE_INVALID", `${path} is not a usable Web3 Secret Storage v3 keystore: ${what}.`);
  };
  const raw = data as Record<string, unknown> | null;
  if (!raw || typeof raw !== "object" || raw.version !== 3) fail("version is not 3");
  const c = (raw!.crypto ?? raw!.Crypto) as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object") fail("no crypto section");
  if (c!.cipher !== "aes-128-ctr") fail(`cipher ${JSON.stringify(c!.cipher)} is not aes-128-ctr`);
  if (!isHex((c!.cipherparams as { iv?: unknown } | undefined)?.iv, 16)) fail("cipherparams.iv is not 16 bytes of hex");
  if (!isHex(c!.ciphertext, 32)) fail("ciphertext is not 32 bytes of hex");
  if (!isHex(c!.mac, 32)) fail("mac is not 32 bytes of hex");
  const p = c!.kdfparams as Record<string, unknown> | undefined;
  if (!p || typeof p !== "object" || !isHex(p.salt)) fail("kdfparams.salt is missing");
  if (!isInt(p!.dklen, 32, 64)) fail("kdfparams.dklen is not between 32 and 64");
  if (c!.kdf === "scrypt") {
    const n = p!.n as number;
    if (!isInt(n, 2, 2 ** 20) || (n & (n - 1)) !== 0) fail("scrypt n is not a power of two up to 2^20");
    if (!isInt(p!.r, 1, 32) || !isInt(p!.p, 1, 16)) fail("scrypt r or p is out of range (r ≤ 32, p ≤ 16)");
    if (256 * n * (p!.r as number) > 2 ** 31) fail("scrypt n·r needs more than 2 GiB");
  } else if (c!.kdf === "pbkdf2") {
    if (p!.prf !== "hmac-sha256") fail(`pbkdf2 prf ${JSON.stringify(p!.prf)} is not hmac-sha256`);
    if (!isInt(p!.c, 1, 10_000_000)) fail("pbkdf2 c is not between 1 and 10,000,000");
  } else fail(`kdf ${JSON.stringify(c!.kdf)} is neither scrypt nor pbkdf2`);
  if (raw!.address !== undefined && !isHex(String(raw!.address).replace(/^0x/i, ""), 20))
    fail("address is not 20 bytes");
  return {
    version: 3,
    id: String(raw!.id ?? ""),
    ...(raw!.address !== undefined ? { address: String(raw!.address) } : {}),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: (c!.cipherparams as { iv: string }).iv },
      ciphertext: c!.ciphertext as string,
      kdf: c!.kdf as "scrypt" | "pbkdf2",
      kdfparams: p as unknown as Web3ScryptParams | Web3Pbkdf2Params,
      mac: c!.mac as string,
    },
  };
}
