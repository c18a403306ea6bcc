import type { Hex } from "../types.ts";

/** JSON form of a ViewerTicket: uint64 as decimal strings. */
export type ViewerTicketJson = {
  poolId: Hex;
  streamId: Hex;
  viewer: Hex;
  notBefore: string;
  notAfter: string;
  maxBytes: string;
};
/** JSON form of a ChunkReceipt: uint64 as decimal strings, uint32 as JSON numbers. */
export type ChunkReceiptJson = {
  poolId: Hex;
  ticketHash: Hex;
  relay: Hex;
  segment: string;
  chunk: number;
  chunkHash: Hex;
  size: number;
  deliveredAt: string;
};
/** JSON form of a ClaimAuthorization: uint256/uint64 as decimal strings. */
export type ClaimAuthorizationJson = {
  poolId: Hex;
  account: Hex;
  recipient: Hex;
  maxFee: string;
  nonce: string;
  deadline: string;
};
export type SignedViewerTicketJson = { ticket: ViewerTicketJson; signature: Hex };
export type SignedChunkReceiptJson = { receipt: ChunkReceiptJson; signature: Hex };
export type SignedClaimAuthorizationJson = { authorization: ClaimAuthorizationJson; signature: Hex };
