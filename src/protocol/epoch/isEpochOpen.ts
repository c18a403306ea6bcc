import type { EpochParams } from "../types.ts";
import { getEpochClosesAt } from "./getEpochClosesAt.ts";

/** Whether `epoch` still accepts receipts at `nowMs` (unix ms): nowMs < closesAt·1000. */
export function isEpochOpen(params: EpochParams, epoch: bigint, nowMs: bigint): boolean {
  return nowMs < getEpochClosesAt(params, epoch) * 1000n;
}
