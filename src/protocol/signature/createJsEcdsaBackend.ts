import { secp256k1 } from "@noble/curves/secp256k1.js";
import type { EcdsaBackend } from "./EcdsaBackend.ts";

/** Pure-JS recovery through @noble/curves: browser-safe. */
export function createJsEcdsaBackend(): EcdsaBackend {
  return {
    name: "@noble/curves",
    recover(digest, compact, recovery) {
      try {
        return secp256k1.Signature.fromBytes(compact, "compact")
          .addRecoveryBit(recovery)
          .recoverPublicKey(digest)
          .toBytes(false);
      } catch {
        return undefined;
      }
    },
  };
}
