import type { EpochParams } from "../types.ts";
import { getEpochStart } from "./getEpochStart.ts";

/** End of `epoch` (unix seconds, exclusive) = start of the next epoch. */
export function getEpochEnd(params: EpochParams, epoch: bigint): bigint {
  return getEpochStart(params, epoch) + params.epochSeconds;
}
