/**
 * The one primitive that differs between the browser (pure JS) and Node (libsecp256k1) paths.
 * Inputs are already range-checked by parseSignature.
 */
export type EcdsaBackend = {
  readonly name: string;
  /** Uncompressed 65-byte public key (0x04 ‖ x ‖ y), or undefined when no key recovers. */
  recover(digest: Uint8Array, compact: Uint8Array, recovery: 0 | 1): Uint8Array | undefined;
};
