import { createRelay } from "../relay-sdk/relay/createRelay.ts";
import type { RelayState, SimulationState } from "./SimulationState.ts";

/** A relay comes online: its relay SDK instance opens its SQLite file (a direct relay just accepts receipts). */
export async function openRelay(sim: SimulationState, r: RelayState): Promise<void> {
  if (r.open) return;
  if (r.direct) {
    r.open = true;
    return;
  }
  r.sdk = await createRelay({
    dbPath: r.dbPath,
    aggregatorUrl: sim.options.aggregatorUrl,
    relay: r.address,
    domain: sim.options.domain,
    intervalMs: 1000,
    // Many relay nodes share one process and one disk here: an fsync per commit (FULL) would make the disk, not
    // the protocol, the bottleneck. WAL + NORMAL still survives a crash of the process.
    synchronous: "NORMAL",
    ...sim.o.relayOptions,
    now: sim.now,
    ...(sim.options.fetch ? { fetch: sim.options.fetch } : {}),
  });
  r.open = true;
  if (!sim.fast && sim.running) r.sdk.start();
}
