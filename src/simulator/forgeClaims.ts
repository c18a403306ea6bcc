import type { ChunkReceipt, Hex, SignedChunkReceipt } from "../protocol/types.ts";
import { signedChunkReceiptToJson } from "../protocol/wire/signedChunkReceiptToJson.ts";
import { signedViewerTicketToJson } from "../protocol/wire/signedViewerTicketToJson.ts";
import { createSessionKey } from "./createSessionKey.ts";
import { createTicketIssuer } from "./createTicketIssuer.ts";
import type { RelayState, Session, SimulationState } from "./SimulationState.ts";
import { signReceipt } from "./signReceipt.ts";

/** The cheaters' forged claims for a chunk `deliverer` delivered (or lost: `genuine` null) to `session`. */
export function forgeClaims(
  sim: SimulationState,
  delivery: {
    deliverer: RelayState;
    session: Session;
    segment: number;
    chunk: number;
    size: number;
    at: number;
    genuine: SignedChunkReceipt | null;
    getChunkHash: () => Hex;
  },
): void {
  const { o, cheatRandom } = sim;
  const { deliverer, session, segment, chunk, size, at, genuine, getChunkHash } = delivery;
  for (const cheater of sim.cheaters) {
    if (cheater === deliverer || !cheatRandom.chance(o.cheat.rate)) continue;
    let mode = o.cheat.modes[cheatRandom.int(o.cheat.modes.length)]!;
    if (!genuine && (mode === "replay" || mode === "replay-rewrite")) {
      const fallback = o.cheat.modes.find((m) => m === "wrong-signer" || m === "fake-ticket");
      if (!fallback) continue;
      mode = fallback;
    }
    const base: ChunkReceipt = {
      poolId: session.ticket.ticket.poolId,
      ticketHash: session.ticketHash,
      relay: cheater.address,
      segment: BigInt(segment),
      chunk,
      chunkHash: genuine?.receipt.chunkHash ?? getChunkHash(),
      size,
      deliveredAt: BigInt(at),
    };
    let receipt: SignedChunkReceipt;
    let ticket = session.ticketJson;
    let ticketHash: string = session.ticketHash;
    if (mode === "wrong-signer") receipt = signReceipt(sim, base, sim.cheatKey.privateKey).signed;
    else if (mode === "replay") receipt = genuine!;
    else if (mode === "replay-rewrite")
      receipt = { receipt: { ...genuine!.receipt, relay: cheater.address }, signature: genuine!.signature };
    else {
      let fake = sim.fakeTickets.get(session.ticketHash);
      if (!fake) {
        if (sim.fakeTickets.size >= 10_000) sim.fakeTickets.clear();
        const key = createSessionKey(sim.keys.fork(`fake-viewer-${session.ticketHash}`));
        const fakeIssuer = createTicketIssuer({
          domain: sim.options.domain,
          poolId: sim.options.poolId,
          streamId: sim.streamId,
          ticketSignerKey: sim.fakeTicketSigner.privateKey,
          keccak: sim.keccak,
        });
        const { signed, ticketHash: fakeHash } = fakeIssuer.issue({
          viewer: key.address,
          notBefore: Number(session.ticket.ticket.notBefore),
          notAfter: Number(session.ticket.ticket.notAfter),
          maxBytes: session.ticket.ticket.maxBytes,
        });
        fake = { key, signed, json: signedViewerTicketToJson(signed), ticketHash: fakeHash };
        sim.fakeTickets.set(session.ticketHash, fake);
      }
      receipt = signReceipt(sim, { ...base, ticketHash: fake.ticketHash }, fake.key.privateKey).signed;
      ticket = fake.json;
      ticketHash = fake.ticketHash;
    }
    sim.totals.forged++;
    cheater.cheat!.queue({ receipt: signedChunkReceiptToJson(receipt), ticket, ticketHash, mode });
  }
}
