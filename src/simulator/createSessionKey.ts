import { createViewerSessionKey } from "../relay-sdk/receiver/createViewerSessionKey.ts";
import type { Random } from "./createRandom.ts";
import type { SessionKey } from "./SimulationState.ts";

/** A secp256k1 key drawn from `rng` (viewer sessions, relays' payout accounts, cheaters' signers). */
export function createSessionKey(rng: Random): SessionKey {
  const k = createViewerSessionKey({ randomBytes: (n) => rng.bytes(n) });
  return { privateKey: k.privateKey, address: k.address };
}
