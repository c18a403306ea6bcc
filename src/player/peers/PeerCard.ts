import type { Address, Hex } from "../../protocol/types.ts";

/**
 * What a relaying viewer tells other viewers about itself: "the peer whose p2p-media-loader id is `peerId`
 * is paid to `payout`". `signer` is the relay's session key; `peerId` is derived from the card's digest, so
 * nobody can attach a card of theirs to someone else's peer id (see getPeerCardDigest).
 */
export type PeerCard = {
  version: 1;
  /** The p2p-media-loader swarm the card is for (the stream). */
  swarmId: string;
  /** Payout account that receipts for this peer's deliveries name as `relay`. */
  payout: Address;
  /** The relay's session key address (it signs the card). */
  signer: Address;
  /** Unix milliseconds when the card was made (one card per session). */
  issuedAt: number;
};

/** A card with its peer id and the signer's signature over its digest. */
export type SignedPeerCard = { card: PeerCard; peerId: string; signature: Hex };
