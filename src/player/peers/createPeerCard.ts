import { signDigest } from "../../protocol/signature/signDigest.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { isHexOfLength } from "../../protocol/utils/bytes.ts";
import { getSessionKeyAddress } from "../../relay-sdk/receiver/getSessionKeyAddress.ts";
import { PlayerError } from "../errors/PlayerError.ts";
import { getPeerCardDigest } from "./getPeerCardDigest.ts";
import { getPeerIdForDigest } from "./getPeerIdForDigest.ts";
import type { SignedPeerCard } from "./PeerCard.ts";

/**
 * Makes and signs this relay's peer card with its session key. Its `peerId` is the id to give p2p-media-loader
 * (as `trackerClientVersionPrefix`, which is the whole 20-character id when it is 20 characters long).
 */
export function createPeerCard(args: {
  swarmId: string;
  payout: Address;
  sessionKey: Hex;
  now?: () => number;
}): SignedPeerCard {
  if (!isHexOfLength(args.payout, 20))
    throw new PlayerError("INVALID_ARGUMENT", "payout must be a 20-byte 0x address.");
  if (typeof args.swarmId !== "string" || args.swarmId.length === 0 || args.swarmId.length > 256)
    throw new PlayerError("INVALID_ARGUMENT", "swarmId must be a string of 1 to 256 characters.");
  const card = {
    version: 1 as const,
    swarmId: args.swarmId,
    payout: args.payout.toLowerCase() as Address,
    signer: getSessionKeyAddress(args.sessionKey),
    issuedAt: Math.floor((args.now ?? Date.now)()),
  };
  const digest = getPeerCardDigest(card);
  return { card, peerId: getPeerIdForDigest(digest), signature: signDigest(digest, args.sessionKey) };
}
