import { createRequire } from "node:module";
import type { EcdsaBackend } from "../signature/EcdsaBackend.ts";

/** The raw libsecp256k1 addon of the `secp256k1` package (status-code API, no argument checks). */
type NativeAddon = {
  ecdsaRecover(output: Uint8Array, sig: Uint8Array, recid: number, msg32: Uint8Array): number;
};

/**
 * ECDSA recovery through libsecp256k1 (the `secp256k1` package's prebuilt native addon), Node only.
 * Loads the addon through node-gyp-build directly: no silent fallback to the package's JS implementation,
 * and no per-call argument checks (parseSignature has already validated everything).
 * The returned key is a buffer reused by the next call.
 */
export function createNativeEcdsaBackend(): EcdsaBackend {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("secp256k1/package.json");
  const fromPackage = createRequire(packageJson);
  const nodeGypBuild = fromPackage("node-gyp-build") as (dir: string) => { Secp256k1: new () => NativeAddon };
  const addon = new (nodeGypBuild(packageJson.slice(0, -"/package.json".length)).Secp256k1)();
  const output = new Uint8Array(65);
  return {
    name: "libsecp256k1",
    recover(digest, compact, recovery) {
      if (digest.length !== 32 || compact.length !== 64) return undefined;
      return addon.ecdsaRecover(output, compact, recovery, digest) === 0 ? output : undefined;
    },
  };
}
