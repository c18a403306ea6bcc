import { createDecipheriv } from "node:crypto";
import { privateKeyToAddress } from "viem/accounts";
import type { Hex } from "../../protocol/types.ts";
import { CliError } from "../errors/CliError.ts";
import { deriveKeystoreKey, type Keystore, keystoreAad } from "./encryptKeystore.ts";

/**
 * Opens a keystore (parsed JSON of unknown shape). Throws KEYSTORE_INVALID for a file that is not a meshpay
 * keystore and KEYSTORE_PASSWORD_WRONG when the password (or the file) does not authenticate.
 */
export function decryptKeystore(
  data: unknown,
  password: string,
  path = "the keystore",
): { privateKey: Hex; address: Hex } {
  const ks = checkShape(data, path);
  const key = deriveKeystoreKey(password, Buffer.from(ks.kdf.salt.slice(2), "hex"), ks.kdf);
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ks.cipher.iv.slice(2), "hex"));
  decipher.setAAD(keystoreAad(ks.address));
  decipher.setAuthTag(Buffer.from(ks.cipher.tag.slice(2), "hex"));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(ks.ciphertext.slice(2), "hex")), decipher.final()]);
  } catch (cause) {
    throw new CliError("KEYSTORE_PASSWORD_WRONG", `The password does not open ${path}.`, {
      cause,
      hint: "Check MESHPAY_KEYSTORE_PASSWORD (or the password you typed).",
    });
  }
  const privateKey = `0x${plain.toString("hex")}` as Hex;
  const address = privateKeyToAddress(privateKey);
  if (address.toLowerCase() !== ks.address.toLowerCase())
    throw new CliError("KEYSTORE_INVALID", `${path} holds a key for ${address}, not for the ${ks.address} it names.`);
  return { privateKey, address };
}

function checkShape(data: unknown, path: string): Keystore {
  const ks = data as Keystore;
  const isHex = (v: unknown, bytes?: number) =>
    typeof v === "string" &&
    /^0x[0-9a-fA-F]*$/.test(v) &&
    v.length % 2 === 0 &&
    (bytes === undefined || v.length === 2 + 2 * bytes);
  const ok =
    ks &&
    typeof ks === "object" &&
    ks.format === "meshpay-keystore" &&
    ks.version === 1 &&
    isHex(ks.address, 20) &&
    ks.kdf?.name === "scrypt" &&
    Number.isSafeInteger(ks.kdf.N) &&
    ks.kdf.N > 1 &&
    (ks.kdf.N & (ks.kdf.N - 1)) === 0 &&
    ks.kdf.N <= 2 ** 20 &&
    Number.isSafeInteger(ks.kdf.r) &&
    ks.kdf.r >= 1 &&
    ks.kdf.r <= 32 &&
    Number.isSafeInteger(ks.kdf.p) &&
    ks.kdf.p >= 1 &&
    ks.kdf.p <= 16 &&
    isHex(ks.kdf.salt) &&
    ks.cipher?.name === "aes-256-gcm" &&
    isHex(ks.cipher.iv, 12) &&
    isHex(ks.cipher.tag, 16) &&
    isHex(ks.ciphertext, 32);
  if (!ok)
    throw new CliError("KEYSTORE_INVALID", `${path} is not a meshpay keystore (format "meshpay-keystore", version 1).`);
  return ks;
}
