import { ProtocolError } from "../errors/ProtocolError.ts";
import type { EpochParams } from "../types.ts";

/** Throws INVALID_ARGUMENT unless genesisTime ≥ 0, epochSeconds > 0 and graceSeconds ≥ 0 (all bigint). */
export function assertEpochParams(params: EpochParams): void {
  const { genesisTime, epochSeconds, graceSeconds } = params;
  if (typeof genesisTime !== "bigint" || genesisTime < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "genesisTime must be a bigint ≥ 0 (unix seconds).", {
      field: "genesisTime",
    });
  if (typeof epochSeconds !== "bigint" || epochSeconds <= 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "epochSeconds must be a bigint > 0.", { field: "epochSeconds" });
  if (typeof graceSeconds !== "bigint" || graceSeconds < 0n)
    throw new ProtocolError("INVALID_ARGUMENT", "graceSeconds must be a bigint ≥ 0.", { field: "graceSeconds" });
}
