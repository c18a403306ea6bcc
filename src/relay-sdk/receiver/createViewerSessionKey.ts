import { secp256k1 } from "@noble/curves/secp256k1.js";
import { publicKeyToAddress } from "../../protocol/signature/publicKeyToAddress.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";

/** A viewer's key for one viewing session: the ticket names `address` as its `viewer`. */
export type ViewerSessionKey = {
  /** 32-byte secp256k1 secret key. Keep it in memory for the session only. */
  privateKey: Hex;
  /** Compressed public key (33 bytes). */
  publicKey: Hex;
  /** Lowercase Ethereum address of the key: what the broadcaster's ticket issuer puts in `ViewerTicket.viewer`. */
  address: Address;
};

export type CreateViewerSessionKeyOptions = {
  /**
   * Source of randomness; default the platform CSPRNG (`crypto.getRandomValues`, browsers and Node).
   * Called once for 48 bytes, reduced to a key without bias (FIPS 186-5 A.2.1).
   */
  randomBytes?: (length: number) => Uint8Array;
};

/**
 * Generates a fresh secp256k1 key for one viewing session. Browser-safe (@noble/curves). A new key per
 * session keeps a viewer's sessions unlinkable and limits what a leaked key can sign to one ticket.
 */
export function createViewerSessionKey(options: CreateViewerSessionKeyOptions = {}): ViewerSessionKey {
  let secret: Uint8Array;
  if (options.randomBytes) {
    const seed = options.randomBytes(secp256k1.lengths.seed!);
    if (!(seed instanceof Uint8Array) || seed.length !== secp256k1.lengths.seed)
      throw new RelaySdkError("INVALID_ARGUMENT", `randomBytes must return ${secp256k1.lengths.seed} bytes.`);
    secret = secp256k1.utils.randomSecretKey(seed);
  } else {
    secret = secp256k1.utils.randomSecretKey();
  }
  const publicKey = secp256k1.getPublicKey(secret, true);
  return { privateKey: bytesToHex(secret), publicKey: bytesToHex(publicKey), address: publicKeyToAddress(publicKey) };
}
