import { getEpochClosesAt } from "../protocol/epoch/getEpochClosesAt.ts";
import type { Hex, SignedChunkReceipt } from "../protocol/types.ts";
import { bytesToHex } from "../protocol/utils/bytes.ts";
import { signedChunkReceiptToJson } from "../protocol/wire/signedChunkReceiptToJson.ts";
import { fillChunkBytes } from "./fillChunkBytes.ts";
import { forgeClaims } from "./forgeClaims.ts";
import type { Collected, RelayState, SimulationState } from "./SimulationState.ts";
import { startSession } from "./startSession.ts";

/**
 * Delivers chunk `chunk` of `segment` to every active viewer from one of its relays: lost (no receipt), late
 * (held until the epoch closed) or received (a signed receipt the relay collects), and the cheaters' forged claims
 * beside. Returns what each relay collected.
 */
export function deliverChunk(
  sim: SimulationState,
  slot: { segment: number; chunk: number; at: number; epoch: number },
): Map<RelayState, Collected> {
  const { o, events, totals } = sim;
  const { segment, chunk, at, epoch } = slot;
  const size = sim.layout.chunkSize(chunk);
  const bytes = fillChunkBytes(sim.chunkBuffer.subarray(0, size), sim.contentSeed, segment, chunk);
  let chunkHash: Hex | null = null;
  const getChunkHash = (): Hex => (chunkHash ??= bytesToHex(sim.keccak(bytes)));
  const collected = new Map<RelayState, Collected>();
  const eligible = sim.relayStates.filter((r) => r.online && (!r.cheater || o.cheat.deliver));
  for (const seat of sim.seats) {
    let session = seat.session;
    if (!session) continue;
    if (at > session.notAfter || session.bytes + size > session.maxBytes)
      session = seat.session = startSession(sim, seat, at);
    seat.attached = seat.attached.filter((r) => r.online);
    while (seat.attached.length < o.attachPerViewer) {
      const candidates = eligible.filter((r) => !seat.attached.includes(r));
      if (candidates.length === 0) break;
      seat.attached.push(candidates[events.int(candidates.length)]!);
    }
    if (seat.attached.length === 0) {
      seat.unserved++;
      totals.unserved++;
      continue;
    }
    const relay = seat.attached[events.int(seat.attached.length)]!;
    totals.deliveries++;
    relay.sent.chunks++;
    relay.sent.bytes += size;
    const delivery = { deliverer: relay, session, segment, chunk, size, at, getChunkHash };
    if (events.chance(o.loss)) {
      relay.lost.chunks++;
      relay.lost.bytes += size;
      seat.lost++;
      totals.lost++;
      forgeClaims(sim, { ...delivery, genuine: null });
      continue;
    }
    let signed: SignedChunkReceipt;
    if (session.receiver) {
      const result = session.receiver.signChunk({ bytes, relay: relay.address, segment, chunk });
      signed = result.signed;
      chunkHash ??= result.chunkHash;
    } else {
      signed = sim.nativeSigner!.sign(
        {
          poolId: session.ticket.ticket.poolId,
          ticketHash: session.ticketHash,
          relay: relay.address,
          segment: BigInt(segment),
          chunk,
          chunkHash: getChunkHash(),
          size,
          deliveredAt: BigInt(at),
        },
        session.key.privateKey,
      ).signed;
    }
    const json = signedChunkReceiptToJson(signed);
    session.bytes += size;
    seat.chunks++;
    seat.bytes += size;
    relay.delivered.chunks++;
    relay.delivered.bytes += size;
    totals.received++;
    totals.receivedBytes += size;
    if (events.chance(o.late)) {
      seat.late++;
      relay.late.receipts++;
      relay.late.bytes += size;
      totals.late++;
      sim.lateQueue.push({
        relay,
        receipt: json,
        ticket: session.ticketJson,
        ticketHash: session.ticketHash,
        releaseAt: Number(getEpochClosesAt(sim.epochParams, BigInt(epoch))) * 1000 + o.lateMarginMs,
      });
      continue;
    }
    let c = collected.get(relay);
    if (!c) collected.set(relay, (c = { receipts: [], tickets: new Map() }));
    c.receipts.push(json);
    if (!relay.knownTickets.has(session.ticketHash)) c.tickets.set(session.ticketHash, session.ticketJson);
    relay.expected.receipts++;
    relay.expected.bytes += size;
    const e = relay.expected.byEpoch.get(epoch) ?? { receipts: 0, bytes: 0 };
    e.receipts++;
    e.bytes += size;
    relay.expected.byEpoch.set(epoch, e);
    forgeClaims(sim, { ...delivery, genuine: signed });
  }
  return collected;
}
