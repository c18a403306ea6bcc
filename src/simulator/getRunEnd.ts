import { getEpochEnd } from "../protocol/epoch/getEpochEnd.ts";
import { SimulatorError } from "./errors/SimulatorError.ts";
import type { SimulationState } from "./SimulationState.ts";
import type { RunOptions } from "./types.ts";

/** The simulated time (unix ms, exclusive) a run starting at `from` ends at: exactly one of until, seconds, epochs. */
export function getRunEnd(sim: SimulationState, r: RunOptions, from: number): number {
  const given = [r.until, r.seconds, r.epochs].filter((v) => v !== undefined).length;
  if (given !== 1) throw new SimulatorError("INVALID_OPTION", "run() needs exactly one of until, seconds or epochs.");
  if (r.until !== undefined) {
    if (!Number.isFinite(r.until)) throw new SimulatorError("INVALID_OPTION", "until must be unix milliseconds.");
    return r.until;
  }
  if (r.seconds !== undefined) {
    if (!(r.seconds >= 0)) throw new SimulatorError("INVALID_OPTION", "seconds must be ≥ 0.");
    return from + r.seconds * 1000;
  }
  if (!Number.isSafeInteger(r.epochs) || r.epochs! < 1)
    throw new SimulatorError("INVALID_OPTION", "epochs must be an integer ≥ 1.");
  return Number(getEpochEnd(sim.epochParams, BigInt(sim.epochOf(from) + r.epochs! - 1))) * 1000;
}
