import type { EpochTamperRef } from "../../src/aggregator/epoch/EpochTamper.ts";
import type { FaultConfig } from "./faultKinds.ts";

/** The seam value (PrepareEpochInput.tamper) that makes prepareEpoch commit `fault`. */
export function faultTamperRef(fault: FaultConfig): EpochTamperRef {
  return { module: new URL("./createEpochTamper.ts", import.meta.url).href, options: fault };
}
