import { recoverAddress } from "../../protocol/signature/recoverAddress.ts";
import type { Address, Hex } from "../../protocol/types.ts";
import { isHexOfLength } from "../../protocol/utils/bytes.ts";
import { PlayerError } from "../errors/PlayerError.ts";
import { getPeerCardDigest } from "./getPeerCardDigest.ts";
import { getPeerIdForDigest } from "./getPeerIdForDigest.ts";
import type { PeerCard, SignedPeerCard } from "./PeerCard.ts";

/**
 * Checks a peer card someone handed over for `peerId` (the id p2p-media-loader reports for the peer that
 * delivered bytes): it decodes, is for `swarmId`, hashes to `peerId` and is signed by its `signer`. Returns
 * the payout account; throws PEER_CARD_INVALID otherwise. A card of one peer shown for another peer's id, a
 * payout changed in transit or a card signed by someone else all fail here.
 */
export function verifyPeerCard(value: unknown, expected: { peerId: string; swarmId: string }): Address {
  const signed = decode(value);
  if (signed.peerId !== expected.peerId)
    throw new PlayerError("PEER_CARD_INVALID", `The card is for peer ${signed.peerId}, not ${expected.peerId}.`);
  if (signed.card.swarmId !== expected.swarmId)
    throw new PlayerError("PEER_CARD_INVALID", `The card is for swarm ${signed.card.swarmId}.`);
  const digest = getPeerCardDigest(signed.card);
  if (getPeerIdForDigest(digest) !== expected.peerId)
    throw new PlayerError("PEER_CARD_INVALID", `The card does not hash to peer id ${expected.peerId}.`);
  let recovered: Address;
  try {
    recovered = recoverAddress(digest, signed.signature);
  } catch (cause) {
    throw new PlayerError("PEER_CARD_INVALID", "The card's signature does not recover.", { cause });
  }
  if (recovered !== signed.card.signer.toLowerCase())
    throw new PlayerError("PEER_CARD_INVALID", `The card is signed by ${recovered}, not its signer.`);
  return signed.card.payout.toLowerCase() as Address;
}

function decode(value: unknown): SignedPeerCard {
  const fail = (why: string) => new PlayerError("PEER_CARD_INVALID", `Not a peer card: ${why}.`);
  if (typeof value !== "object" || value === null) throw fail("not an object");
  const { card, peerId, signature } = value as Record<string, unknown>;
  if (typeof peerId !== "string") throw fail("peerId is not a string");
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{128,130}$/.test(signature)) throw fail("bad signature");
  if (typeof card !== "object" || card === null) throw fail("no card");
  const c = card as Record<string, unknown>;
  if (c.version !== 1) throw fail("unknown version");
  if (typeof c.swarmId !== "string") throw fail("swarmId is not a string");
  if (!isHexOfLength(c.payout, 20) || !isHexOfLength(c.signer, 20)) throw fail("payout or signer is not an address");
  if (typeof c.issuedAt !== "number" || !Number.isSafeInteger(c.issuedAt)) throw fail("issuedAt is not an integer");
  const decoded: PeerCard = {
    version: 1,
    swarmId: c.swarmId,
    payout: c.payout as Address,
    signer: c.signer as Address,
    issuedAt: c.issuedAt,
  };
  return { card: decoded, peerId, signature: signature as Hex };
}
