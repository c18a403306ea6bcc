import { keccak256 } from "../../protocol/hash/keccak256.ts";
import type { Hex } from "../../protocol/types.ts";
import { bytesToHex } from "../../protocol/utils/bytes.ts";
import type { PeerCard } from "./PeerCard.ts";

/**
 * keccak256 of the card's canonical text (UTF-8):
 * `meshpay peer card v1\nswarm:<swarmId>\npayout:<0x…lowercase>\nsigner:<0x…lowercase>\nissuedAt:<ms>`.
 * The swarm id is JSON-quoted so that no choice of it can fake the lines after it.
 */
export function getPeerCardDigest(card: PeerCard): Hex {
  const text = [
    "meshpay peer card v1",
    `swarm:${JSON.stringify(card.swarmId)}`,
    `payout:${card.payout.toLowerCase()}`,
    `signer:${card.signer.toLowerCase()}`,
    `issuedAt:${card.issuedAt}`,
  ].join("\n");
  return bytesToHex(keccak256(new TextEncoder().encode(text)));
}
