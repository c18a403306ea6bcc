import { secp256k1 } from "@noble/curves/secp256k1.js";
import { publicKeyToAddress } from "../../protocol/signature/publicKeyToAddress.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { hexToBytes } from "../../protocol/utils/bytes.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";

/** Lowercase address of a 32-byte secp256k1 secret key. Throws INVALID_ARGUMENT for a key that is not one. */
export function getSessionKeyAddress(privateKey: Hex): Address {
  try {
    return publicKeyToAddress(secp256k1.getPublicKey(hexToBytes(privateKey, 32, "privateKey"), true));
  } catch (cause) {
    throw new RelaySdkError("INVALID_ARGUMENT", "privateKey must be a 32-byte secp256k1 secret key in 0x-hex.", {
      cause,
    });
  }
}
