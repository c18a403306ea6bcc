import { ProtocolError } from "../errors/ProtocolError.ts";
import type { EpochParams } from "../types.ts";
import { assertEpochParams } from "./assertEpochParams.ts";

/** First second of `epoch` (unix seconds, inclusive): genesisTime + epoch·epochSeconds. */
export function getEpochStart(params: EpochParams, epoch: bigint): bigint {
  assertEpochParams(params);
  if (typeof epoch !== "bigint" || epoch < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "epoch must be a bigint ≥ 0.", { field: "epoch" });
  return params.genesisTime + epoch * params.epochSeconds;
}
