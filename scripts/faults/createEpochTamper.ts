// The module prepareEpoch's tamper seam loads (EpochTamperRef.module) when a fault is on: in the epoch close's
// worker thread, or in the caller's thread when prepareEpoch runs there.

import type { EpochTamper, EpochTamperContext } from "../../src/aggregator/epoch/EpochTamper.ts";
import { faultTampers } from "./faultTampers.ts";
import { parseFault } from "./parseFault.ts";

/** The tamper that commits `options` (a FaultConfig) in its epoch; undefined in every other epoch. */
export async function createEpochTamper(
  options: unknown,
  context: EpochTamperContext,
): Promise<EpochTamper | undefined> {
  const fault = parseFault(options);
  if (fault.epoch !== context.epoch) return undefined;
  const { snapshot, epoch } = context;
  const relay = fault.relay ?? (await snapshot.getLowestRelay(epoch));
  const base = relay ? await snapshot.getFirstReceiptOfRelay(epoch, relay) : undefined;
  return faultTampers[fault.kind]({ relay, base }, context);
}
