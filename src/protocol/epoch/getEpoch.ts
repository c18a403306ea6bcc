import { ProtocolError } from "../errors/ProtocolError.ts";
import type { EpochParams } from "../types.ts";
import { assertEpochParams } from "./assertEpochParams.ts";

/**
 * Epoch of a delivery time in unix **milliseconds**:
 * `floor((deliveredAt/1000 − genesisTime) / epochSeconds)`, computed exactly as
 * `(deliveredAt − 1000·genesisTime) / (1000·epochSeconds)` in integers.
 * Throws INVALID_ARGUMENT for times before genesis.
 */
export function getEpoch(params: EpochParams, deliveredAtMs: bigint): bigint {
  assertEpochParams(params);
  const since = deliveredAtMs - params.genesisTime * 1000n;
  if (since < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "deliveredAt is before genesisTime: it belongs to no epoch.", {
      field: "deliveredAt",
    });
  return since / (params.epochSeconds * 1000n);
}
