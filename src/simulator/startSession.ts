import { signedViewerTicketToJson } from "../protocol/wire/signedViewerTicketToJson.ts";
import { createReceiver } from "../relay-sdk/receiver/createReceiver.ts";
import { createSessionKey } from "./createSessionKey.ts";
import type { Seat, Session, SimulationState } from "./SimulationState.ts";

/** A new viewing session on `seat` at `at`: a fresh session key and a ticket from the broadcaster's desk. */
export function startSession(sim: SimulationState, seat: Seat, at: number): Session {
  const { o } = sim;
  const key = createSessionKey(sim.keys.fork(`viewer-${seat.index}-${seat.sessions}`));
  const { signed, ticketHash } = sim.issuer.issue({
    viewer: key.address,
    notBefore: at - 1000,
    notAfter: at + o.ticketValidForMs,
    maxBytes: o.ticketMaxBytes,
  });
  seat.sessions++;
  return {
    key,
    ticket: signed,
    ticketJson: signedViewerTicketToJson(signed),
    ticketHash,
    notAfter: at + o.ticketValidForMs,
    maxBytes: Number(o.ticketMaxBytes),
    bytes: 0,
    receiver:
      o.signer === "receiver"
        ? createReceiver({
            domain: sim.options.domain,
            ticket: signed,
            sessionKey: key.privateKey,
            now: () => sim.deliveryTime,
            keccak: sim.keccak,
          })
        : null,
  };
}
