import { createRelayView } from "./createRelayView.ts";
import { createSimulationState } from "./createSimulationState.ts";
import { createViewerView } from "./createViewerView.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import { fillChunkBytes } from "./fillChunkBytes.ts";
import { getSimulationSummary } from "./getSimulationSummary.ts";
import { runSimulation } from "./runSimulation.ts";
import type { Simulation, SimulationOptions } from "./types.ts";

/**
 * A live-stream swarm against a real aggregator. A broadcaster's ticket desk issues one ViewerTicket per viewing
 * session; viewer seats join and leave; each viewer gets every chunk of the stream from one of the relays it is
 * attached to; relays join and leave (gracefully: they flush and close their SQLite file, and come back with it).
 * Each received chunk is real bytes, hashed and signed as a ChunkReceipt by the viewer's receiver, and collected
 * by the delivering relay's own relay SDK instance, which submits it to the aggregator over HTTP. Faults: lost
 * deliveries (no receipt), late receipts (handed over after their epoch closed: refused with EPOCH_CLOSED), and
 * cheating relays that claim chunks they never delivered (refused). Every random choice comes from `seed`.
 *
 * While it runs it computes, from the deliveries alone, what the aggregator should credit each relay in each
 * epoch; `summary()` sets that beside what the relays' stores recorded as the aggregator's answers.
 *
 * The parts live beside this file, each over the shared SimulationState: sessions (startSession, signReceipt),
 * relay lifecycle (openRelay, flushRelay, closeRelay, churnRelays), slot delivery (processSlot, deliverChunk,
 * handOverReceipts, forgeClaims), late receipts (releaseLateReceipts, drainSimulation) and reporting
 * (getSimulationProgress, getSimulationSummary).
 */
export async function createSimulation(options: SimulationOptions): Promise<Simulation> {
  const sim = await createSimulationState(options);
  const { layout, contentSeed } = sim;
  return {
    relays: sim.relayStates.map(createRelayView),
    viewers: sim.seats.map(createViewerView),
    workDir: sim.workDir,
    streamId: sim.streamId,
    now: sim.now,
    chunkBytes: (segment, chunk) => {
      if (
        !Number.isSafeInteger(segment) ||
        segment < 0 ||
        !Number.isSafeInteger(chunk) ||
        chunk < 0 ||
        chunk >= layout.chunksPerSegment
      )
        throw new SimulatorError(
          "INVALID_OPTION",
          `No chunk ${segment}/${chunk} in this stream (${layout.chunksPerSegment} chunks per segment).`,
        );
      return fillChunkBytes(new Uint8Array(layout.chunkSize(chunk)), contentSeed, segment, chunk);
    },
    run: (runOptions) => runSimulation(sim, runOptions),
    stop() {
      sim.stopController.abort();
    },
    summary: (summaryOptions) => getSimulationSummary(sim, summaryOptions),
    async close() {
      if (sim.closed) return;
      sim.stopController.abort();
      sim.closed = true;
      await Promise.all([...sim.background]);
      for (const r of sim.relayStates) {
        if (r.direct && r.open) await r.direct.flush();
        await r.sdk?.close();
        r.sdk = null;
        r.open = false;
      }
    },
  };
}
