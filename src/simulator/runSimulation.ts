import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { drainSimulation } from "./drainSimulation.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import { getRunEnd } from "./getRunEnd.ts";
import { getSimulationSummary } from "./getSimulationSummary.ts";
import { openRelay } from "./openRelay.ts";
import { processSlot } from "./processSlot.ts";
import type { SimulationState } from "./SimulationState.ts";
import type { RunOptions, SimulationSummary } from "./types.ts";

/**
 * One run: every chunk slot until the run's end (in realtime mode at its wall-clock time, skipping slots reached
 * more than maxLagMs late), then the drain; resolves with the summary. The next run starts where this one ended.
 */
export async function runSimulation(sim: SimulationState, runOptions: RunOptions): Promise<SimulationSummary> {
  const { o, clock, layout, relayStates, fast } = sim;
  if (sim.closed) throw new SimulatorError("SIMULATION_CLOSED", "The simulation is closed.");
  if (sim.running) throw new SimulatorError("SIMULATION_BUSY", "A run is already in progress.");
  let end = getRunEnd(sim, runOptions, sim.position);
  sim.running = true;
  sim.stopController = new AbortController();
  const signal = sim.stopController.signal;
  sim.runStartedAt = performance.now();
  try {
    if (sim.firstRun) {
      // First run: every relay comes online.
      for (const r of relayStates) {
        r.online = true;
        r.joins++;
      }
    }
    for (const r of relayStates) if (r.online) await openRelay(sim, r);
    if (sim.firstRun && !fast && o.startAt === undefined) {
      const startAt = Math.max(clock.now(), sim.genesisMs);
      sim.startAt = startAt;
      sim.position = sim.virtualNow = sim.deliveryTime = sim.streamEnd = startAt;
      sim.nextProgressAt = sim.nextCheatFlushAt = startAt;
      sim.slot = layout.slotAtOrAfter(startAt);
      end = getRunEnd(sim, runOptions, sim.position);
    }
    sim.firstRun = false;
    if (!fast) for (const r of relayStates) r.sdk?.start();
    while (sim.slot.at < end && !signal.aborted) {
      const slot = sim.slot;
      if (!fast) {
        const wait = slot.at - clock.now();
        if (wait > 0) await clock.sleep(wait, signal);
        if (signal.aborted) break;
        sim.lagMs = Math.max(0, clock.now() - slot.at);
        sim.maxLagMs = Math.max(sim.maxLagMs, sim.lagMs);
        if (sim.lagMs > o.maxLagMs) {
          // Too late to deliver this chunk live: skip it, as a live player would, rather than send receipts
          // that could reach the aggregator after their epoch closed.
          sim.totals.skippedSlots++;
          sim.slot = layout.nextSlot(slot.segment, slot.chunk);
          await yieldToEventLoop();
          continue;
        }
      }
      await processSlot(sim, slot.segment, slot.chunk, slot.at);
      sim.slot = layout.nextSlot(slot.segment, slot.chunk);
      // Let I/O run (the relays' HTTP requests and answers, timers) even when the loop has no time to sleep.
      await yieldToEventLoop();
    }
    sim.position = signal.aborted ? Math.max(sim.position, sim.virtualNow) : Math.max(end, sim.position);
    sim.streamEnd = sim.position;
    if (fast) sim.virtualNow = Math.max(sim.virtualNow, sim.position);
    for (const r of relayStates) await r.sdk?.stop();
    if (runOptions.drain !== false) await drainSimulation(sim, signal);
    else await Promise.all([...sim.background]);
    // Draining may have taken (virtual or real) time: the next run starts after it, never in the past.
    sim.position = Math.max(sim.position, sim.now());
    if (sim.slot.at < sim.position) sim.slot = layout.slotAtOrAfter(sim.position);
  } finally {
    sim.wallMs += performance.now() - sim.runStartedAt;
    sim.runStartedAt = null;
    sim.running = false;
  }
  return getSimulationSummary(sim);
}
