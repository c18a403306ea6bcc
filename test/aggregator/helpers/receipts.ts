// Signed tickets and receipts for the aggregator tests, signed with libsecp256k1 (fast enough for thousands).
// No tests here.
import { createRequire } from "node:module";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { createReceiptVerifier } from "../../../src/protocol/createReceiptVerifier.ts";
import { publicKeyToAddress } from "../../../src/protocol/signature/publicKeyToAddress.ts";
import type { ChunkReceipt, Hex, MeshpayDomain, ViewerTicket } from "../../../src/protocol/types.ts";
import type { SignedChunkReceiptJson, SignedViewerTicketJson } from "../../../src/protocol/wire/jsonTypes.ts";
import { signedChunkReceiptToJson } from "../../../src/protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../../../src/protocol/wire/signedViewerTicketToJson.ts";

const require = createRequire(import.meta.url);
const secp = require("secp256k1") as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyCreate(key: Uint8Array, compressed: boolean): Uint8Array;
};

const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString("hex")}`;

/** A deterministic private key from a label. */
export function keyFor(label: string): Hex {
  return hex(keccak_256(new TextEncoder().encode(`meshpay-test:${label}`)));
}

export function addressOf(key: Hex): Hex {
  return publicKeyToAddress(secp.publicKeyCreate(Buffer.from(key.slice(2), "hex"), false)).toLowerCase() as Hex;
}

/** 65-byte r‖s‖v signature of a digest (libsecp256k1 signs low-s). */
export function signFast(digest: Uint8Array, key: Hex): Hex {
  const { signature, recid } = secp.ecdsaSign(digest, Buffer.from(key.slice(2), "hex"));
  const out = new Uint8Array(65);
  out.set(signature);
  out[64] = 27 + recid;
  return hex(out);
}

export type Signer = ReturnType<typeof createSigner>;

/** Builds signed tickets and receipts for one deployment (domain). */
export function createSigner(domain: MeshpayDomain) {
  const v = createReceiptVerifier({ domain });
  return {
    ticketHash: (t: ViewerTicket): Hex => hex(v.ticketHash(t)),
    receiptId: (r: ChunkReceipt): Hex => hex(v.receiptDigest(r)),
    ticket(t: ViewerTicket, signerKey: Hex): SignedViewerTicketJson {
      return signedViewerTicketToJson({ ticket: t, signature: signFast(v.ticketDigest(t), signerKey) });
    },
    receipt(r: ChunkReceipt, viewerKey: Hex): SignedChunkReceiptJson {
      return signedChunkReceiptToJson({ receipt: r, signature: signFast(v.receiptDigest(r), viewerKey) });
    },
  };
}

/** A viewer session: a ticket signed by `ticketSignerKey`, and a receipt factory for chunks delivered under it. */
export function viewerSession(
  signer: Signer,
  args: {
    poolId: Hex;
    ticketSignerKey: Hex;
    viewerLabel: string;
    notBefore: bigint;
    notAfter: bigint;
    maxBytes: bigint;
    streamId?: Hex;
  },
) {
  const viewerKey = keyFor(args.viewerLabel);
  const ticket: ViewerTicket = {
    poolId: args.poolId,
    streamId: args.streamId ?? (`0x${"5e".repeat(32)}` as Hex),
    viewer: addressOf(viewerKey),
    notBefore: args.notBefore,
    notAfter: args.notAfter,
    maxBytes: args.maxBytes,
  };
  const ticketHash = signer.ticketHash(ticket);
  return {
    viewerKey,
    ticket,
    ticketHash,
    signedTicket: signer.ticket(ticket, args.ticketSignerKey),
    receipt(
      r: { relay: Hex; segment: bigint; chunk: number; size: number; deliveredAt: bigint; chunkHash?: Hex },
      key: Hex = viewerKey,
    ) {
      const receipt: ChunkReceipt = {
        poolId: args.poolId,
        ticketHash,
        relay: r.relay,
        segment: r.segment,
        chunk: r.chunk,
        chunkHash: r.chunkHash ?? hex(keccak_256(new TextEncoder().encode(`${r.segment}:${r.chunk}`))),
        size: r.size,
        deliveredAt: r.deliveredAt,
      };
      return { receiptId: signer.receiptId(receipt), json: signer.receipt(receipt, key), receipt };
    },
  };
}
