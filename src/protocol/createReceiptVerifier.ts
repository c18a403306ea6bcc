import { encodeChunkReceipt } from "./eip712/encodeChunkReceipt.ts";
import { encodeViewerTicket } from "./eip712/encodeViewerTicket.ts";
import { getDomainSeparator } from "./eip712/getDomainSeparator.ts";
import { ProtocolError } from "./errors/ProtocolError.ts";
import { keccak256 } from "./hash/keccak256.ts";
import { createJsEcdsaBackend } from "./signature/createJsEcdsaBackend.ts";
import type { EcdsaBackend } from "./signature/EcdsaBackend.ts";
import { parseSignature } from "./signature/parseSignature.ts";
import { uncompressedXY } from "./signature/publicKeyToAddress.ts";
import type { Address, ChunkReceipt, Hex, Keccak256, MeshpayDomain, ViewerTicket } from "./types.ts";
import { bytesEqual, bytesToHex, hexToBytes, writeHex } from "./utils/bytes.ts";

/** Hashing and signature checking bound to one domain, with reusable buffers and caches. */
export type ReceiptVerifier = {
  readonly domain: MeshpayDomain;
  readonly domainSeparator: Hex;
  readonly backendName: string;
  /** EIP-712 digest of the receipt = receiptId (32 bytes, a fresh array). */
  receiptDigest(receipt: ChunkReceipt): Uint8Array;
  /** ticketHash: EIP-712 struct hash of the ticket (32 bytes). */
  ticketHash(ticket: ViewerTicket): Uint8Array;
  /** EIP-712 digest of the ticket (what the ticketSigner signed). */
  ticketDigest(ticket: ViewerTicket): Uint8Array;
  /** Lowercase address that signed `digest`. Throws ProtocolError SIGNATURE_*. */
  recoverSigner(digest: Uint8Array, signature: Hex | Uint8Array): Address;
  /**
   * Whether `expected` signed `digest`. Throws ProtocolError SIGNATURE_* when the signature
   * itself is refused. Uses the public-key cache (see registerPublicKey) to skip hashing the key.
   */
  isSigner(digest: Uint8Array, signature: Hex | Uint8Array, expected: Address): boolean;
  /**
   * Lowercase signer of a signed ticket, cached by (ticketHash, signature) so a ticket's signature
   * is recovered once however many receipts use it. Throws ProtocolError SIGNATURE_*.
   */
  ticketSigner(ticket: ViewerTicket, signature: Hex): Address;
  /**
   * Registers a viewer's public key (33, 64 or 65 bytes). Checks once that it hashes to `address`
   * (throws PUBLIC_KEY_MISMATCH otherwise); later checks for that address compare recovered keys directly.
   */
  registerPublicKey(address: Address, publicKey: Hex | Uint8Array): void;
};

export type CreateReceiptVerifierOptions = {
  domain: MeshpayDomain;
  /** keccak-256 implementation; default pure-JS @noble/hashes (use createFastKeccak256 for speed). */
  keccak?: Keccak256;
  /** ECDSA recovery; default pure-JS @noble/curves. Node: createNativeEcdsaBackend. */
  backend?: EcdsaBackend;
  /** Most entries in each cache before it is cleared (default 100,000). */
  cacheSize?: number;
};

/**
 * Builds a ReceiptVerifier. Accept/reject decisions are the same whatever the backend: signatures are
 * parsed and range-checked by parseSignature before the backend recovers the key.
 */
export function createReceiptVerifier(options: CreateReceiptVerifierOptions): ReceiptVerifier {
  const keccak = options.keccak ?? keccak256;
  const backend = options.backend ?? createJsEcdsaBackend();
  const cacheSize = options.cacheSize ?? 100_000;
  const domainSeparator = getDomainSeparator(options.domain, keccak);
  const receiptBuf = new Uint8Array(9 * 32);
  const ticketBuf = new Uint8Array(7 * 32);
  const digestBuf = new Uint8Array(66);
  digestBuf[0] = 0x19;
  digestBuf[1] = 0x01;
  writeHex(digestBuf, 2, domainSeparator, 32, "domainSeparator");
  const keys = new Map<string, Uint8Array>(); // lowercase address -> x‖y
  const ticketSigners = new Map<string, Address>();

  const digestOf = (structHash: Uint8Array): Uint8Array => {
    digestBuf.set(structHash, 34);
    return keccak(digestBuf);
  };
  const recoverKey = (digest: Uint8Array, signature: Hex | Uint8Array): Uint8Array => {
    const { compact, recovery } = parseSignature(signature);
    if (digest.length !== 32)
      throw new ProtocolError("INVALID_ARGUMENT", "Digest must be 32 bytes.", { field: "digest" });
    const pub = backend.recover(digest, compact, recovery);
    if (!pub)
      throw new ProtocolError("SIGNATURE_UNRECOVERABLE", "No public key recovers from this signature.", {
        field: "signature",
      });
    return pub.subarray(1);
  };
  const remember = (address: string, xy: Uint8Array): void => {
    if (keys.size >= cacheSize) keys.clear();
    keys.set(address, xy.slice());
  };

  return {
    domain: options.domain,
    domainSeparator,
    backendName: backend.name,
    receiptDigest: (receipt) => digestOf(keccak(encodeChunkReceipt(receipt, receiptBuf))),
    ticketHash: (ticket) => keccak(encodeViewerTicket(ticket, ticketBuf)),
    ticketDigest: (ticket) => digestOf(keccak(encodeViewerTicket(ticket, ticketBuf))),
    recoverSigner: (digest, signature) => bytesToHex(keccak(recoverKey(digest, signature)), 12, 32),
    isSigner(digest, signature, expected) {
      const xy = recoverKey(digest, signature);
      const address = expected.toLowerCase();
      const known = keys.get(address);
      if (known) return bytesEqual(known, xy);
      const ok = bytesEqual(keccak(xy).subarray(12), hexToBytes(address, 20, "expected"));
      if (ok) remember(address, xy);
      return ok;
    },
    ticketSigner(ticket, signature) {
      const structHash = keccak(encodeViewerTicket(ticket, ticketBuf));
      const key = `${bytesToHex(structHash)}${signature.toLowerCase()}`;
      const hit = ticketSigners.get(key);
      if (hit) return hit;
      const signer = bytesToHex(keccak(recoverKey(digestOf(structHash), signature)), 12, 32);
      if (ticketSigners.size >= cacheSize) ticketSigners.clear();
      ticketSigners.set(key, signer);
      return signer;
    },
    registerPublicKey(address, publicKey) {
      const xy = uncompressedXY(publicKey);
      if (bytesToHex(keccak(xy), 12, 32) !== address.toLowerCase())
        throw new ProtocolError("PUBLIC_KEY_MISMATCH", `Public key does not belong to ${address}.`, {
          field: "publicKey",
        });
      remember(address.toLowerCase(), xy);
    },
  };
}
