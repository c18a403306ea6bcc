import { hashViewerTicket } from "../../protocol/eip712/hashViewerTicket.ts";
import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Address, Hex, Keccak256, MeshpayDomain, SignedViewerTicket } from "../../protocol/types.ts";
import { RelaySdkError } from "../errors/RelaySdkError.ts";
import { type ChunkReceiptResult, createChunkReceipt } from "./createChunkReceipt.ts";
import type { ViewerSessionKey } from "./createViewerSessionKey.ts";
import { getSessionKeyAddress } from "./getSessionKeyAddress.ts";

export type CreateReceiverOptions = {
  domain: MeshpayDomain;
  /** The session's ticket; its `viewer` must be the session key's address. */
  ticket: SignedViewerTicket;
  /** The session key (createViewerSessionKey) or its bare 0x secret key. */
  sessionKey: ViewerSessionKey | Hex;
  /** Clock in unix milliseconds; default Date.now. */
  now?: () => number;
  keccak?: Keccak256;
  form?: "65" | "64";
};

export type Receiver = {
  /** The viewer (session key) address. */
  readonly viewer: Address;
  /** The ticket's struct hash, as every receipt of the session carries it. */
  readonly ticketHash: Hex;
  /** Signs the receipt for one chunk delivered by `relay` (see createChunkReceipt). */
  signChunk(chunk: {
    bytes: Uint8Array;
    relay: Address;
    segment: bigint | number;
    chunk: number;
    expectedChunkHash?: Hex;
  }): ChunkReceiptResult;
};

/**
 * A viewing session's receipt signer: binds the domain, ticket and session key once (checking the key is
 * the ticket's viewer, SESSION_KEY_MISMATCH otherwise) and signs one receipt per delivered chunk.
 * Browser-safe.
 */
export function createReceiver(options: CreateReceiverOptions): Receiver {
  const keccak = options.keccak ?? keccak256;
  const privateKey = typeof options.sessionKey === "string" ? options.sessionKey : options.sessionKey.privateKey;
  const viewer = getSessionKeyAddress(privateKey);
  if (viewer !== options.ticket.ticket.viewer.toLowerCase())
    throw new RelaySdkError(
      "SESSION_KEY_MISMATCH",
      `The session key belongs to ${viewer}, but the ticket's viewer is ${options.ticket.ticket.viewer.toLowerCase()}.`,
    );
  const ticketHash = hashViewerTicket(options.ticket.ticket, keccak);
  const sessionKey = { privateKey, address: viewer };
  return {
    viewer,
    ticketHash,
    signChunk: (chunk) =>
      createChunkReceipt({
        ...chunk,
        ticket: options.ticket,
        sessionKey,
        domain: options.domain,
        ticketHash,
        keccak,
        ...(options.now ? { now: options.now } : {}),
        ...(options.form ? { form: options.form } : {}),
      }),
  };
}
