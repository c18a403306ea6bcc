import type { Hex } from "../../protocol/types.ts";
import { PEER_ID_TAG } from "../constants.ts";

const SYMBOLS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The 20-character p2p-media-loader peer id that commits to a peer card: "MP" and the first 18 base-62 digits
 * of the card's digest (about 107 bits). Finding another card for a given id is a keccak preimage search.
 */
export function getPeerIdForDigest(digest: Hex): string {
  let n = BigInt(digest);
  let out = "";
  for (let i = 0; i < 18; i++) {
    out += SYMBOLS[Number(n % 62n)];
    n /= 62n;
  }
  return PEER_ID_TAG + out;
}
