import type { EpochParams } from "../types.ts";
import { getEpochEnd } from "./getEpochEnd.ts";

/** When `epoch` stops accepting receipts (unix seconds): end + graceSeconds. */
export function getEpochClosesAt(params: EpochParams, epoch: bigint): bigint {
  return getEpochEnd(params, epoch) + params.graceSeconds;
}
